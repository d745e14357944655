"""The fields of an article besides its text, for a site without rules.

Every field comes first from what the page declares about itself (JSON-LD, OpenGraph,
`<time datetime>`: exact and cheap), then from what it shows (the headline, a byline, a date
line, breadcrumbs, tag links, the first figure, a related-articles block), each read with a
few general selectors. Nothing here is tuned to one site.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, time, tzinfo
from urllib.parse import urlsplit

from htmldate import find_date
from lxml import etree
from lxml.html import HtmlElement
from parsel import Selector, SelectorList

from workers.extract import dates
from workers.extract.boilerplate import SECTION_END, key
from workers.extract.dom import absolute, attribute, text_of
from workers.extract.metadata import PageMetadata
from workers.extract.text import collapse_ws, element_text, split_caption_credit, unique
from workers.messages import Image, Related

# --- one pass over the page's class names --------------------------------------------------

# What an element's class (or, lacking one, its id) says it holds. One regex over the class
# names in one walk of the tree costs about a third of one `contains(@class, …)` XPath each.
ROLE_OF_CLASS = re.compile(
    r"(?P<related>related|read-more|more-stories|more-news|recommended|also-read)"
    r"|(?P<crumbs>breadcrumb)|(?P<tags>\btags?\b|tag-list|keywords)"
    r"|(?P<author>author|byline|writer)|(?P<date>date|time|publish|posted|meta)"
)
# The same words with no groups or word boundaries: rejects most class names 4× faster.
ANY_ROLE = re.compile(
    r"relat|read-more|more-|recommend|also-read|breadcrumb|tag|keyword|author|byline|writer|date"
    r"|time"
    r"|publish|posted|meta"
)


class PageIndex:
    """Elements of the page by the role their class names announce, gathered on first use
    in one walk of the tree (most pages need it only for related links)."""

    def __init__(self, doc: Selector) -> None:
        self.doc = doc
        self._roles: dict[str, list[etree._Element]] | None = None

    def role(self, name: str) -> list[etree._Element]:
        if self._roles is None:
            self._roles = self._walk()
        return self._roles.get(name, [])

    def _walk(self) -> dict[str, list[etree._Element]]:
        roles: dict[str, list[etree._Element]] = {}
        root = self.doc.root
        if not isinstance(root, etree._Element):
            return roles
        for element in root.iter("*"):
            names = (element.get("class") or element.get("id") or "").lower()
            found = ROLE_OF_CLASS.search(names) if ANY_ROLE.search(names) else None
            if found and found.lastgroup:
                roles.setdefault(found.lastgroup, []).append(element)
        return roles


# --- title ----------------------------------------------------------------------------------

TITLE_SEPARATOR = re.compile(r"\s+[|–—·:»/-]\s+|\s+::\s+")
MAX_SITE_NAME_WORDS = 5
MIN_HEADLINE_WORDS = 2
MAX_SECTION_SUFFIX_WORDS = 3  # "| Opinion", "| Patient Education"
MAX_H1 = 3
SAME_TITLE_SHARE = 0.5  # of the words of an <h1> and the stated title together, shared


def _squash(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def host_label(url: str) -> str:
    """`www.news.example.co.uk` → `example`: the name a site's title suffix spells."""
    labels = (urlsplit(url).hostname or "").removeprefix("www.").split(".")
    significant = [label for label in labels if len(label) > 3 or label not in (
        "com", "co", "org", "net", "gov", "edu", "ac", "uk", "sa", "ae", "eg")]
    return _squash(max(significant, key=len, default=""))


def _is_site_name(part: str, site_names: frozenset[str], host_label: str) -> bool:
    if len(part.split()) > MAX_SITE_NAME_WORDS:
        return False
    squashed = _squash(part)
    if not squashed:
        return True
    return squashed in site_names or (bool(host_label) and (
        host_label in squashed or squashed in host_label))


def unescape_twice(text: str) -> str:
    """HTML entities decoded, also when a page escaped them twice (`&amp;#8217;`)."""
    once = html.unescape(text)
    return html.unescape(once) if "&" in once else once


def clean_title(title: str, site_names: Iterable[str], url: str) -> str:
    """The headline without the site's name before or after it (`Headline | Site`,
    `Site - Headline`), nor a short section name after a bar (`Headline | Opinion`); the
    headline's own text (its separators included) left as written."""
    text = unescape_twice(collapse_ws(title))
    names = frozenset(_squash(n) for n in site_names if n)
    label = host_label(url)
    cuts = list(TITLE_SEPARATOR.finditer(text))
    start, end = 0, len(text)
    for cut in reversed(cuts):
        tail, head = text[cut.end():end], text[start:cut.start()]
        if not (_is_site_name(tail, names, label) or _is_section_suffix(cut, tail, head)):
            break
        end = cut.start()
    for cut in cuts:
        if cut.end() > end or not _is_site_name(text[start:cut.start()], names, label):
            break
        start = cut.end()
    return text[start:end].strip()


def _is_section_suffix(cut: re.Match[str], tail: str, head: str) -> bool:
    """`| Opinion`, `| Blog`: a short name after a bar, closing a longer headline."""
    return ("|" in cut.group() and len(tail.split()) <= MAX_SECTION_SUFFIX_WORDS
            and len(head.split()) >= MIN_HEADLINE_WORDS + 1)


def headings(doc: Selector) -> list[str]:
    """The texts of the page's first few <h1> (one is the headline; others, a logo)."""
    root = doc.root
    if not isinstance(root, etree._Element):
        return []
    found = (element_text(h1) for h1 in root.iter("h1"))
    return [text for text, _ in zip(found, range(MAX_H1), strict=False) if text]


def read_title(meta: PageMetadata, url: str, h1_texts: list[str]) -> str:
    """The headline as the page shows it: the <h1> that shares most words with metadata's
    title (JSON-LD headline, og:title: often the search-engine version of it), else that
    title, else the first <h1>, else the page's <title>; cleaned of the site's name."""
    names = [meta.site_name or ""]
    stated = clean_title(meta.title or "", names, url)
    h1s = [clean_title(h, names, url) for h in h1_texts]
    for h1 in h1s:
        if len(h1.split()) >= MIN_HEADLINE_WORDS and _similar(h1, stated):
            return h1
    return stated or next(iter(h1s), "") or clean_title(meta.page_title or "", names, url)


def _similar(headline: str, stated: str) -> bool:
    """The visible headline is the stated title reworded a little (words shared)."""
    if key(headline) in key(stated):  # the stated title is the headline with decorations
        return True
    ours, theirs = set(key(headline).split()), set(key(stated).split())
    return bool(ours and theirs) and len(ours & theirs) >= SAME_TITLE_SHARE * len(ours | theirs)


# --- authors --------------------------------------------------------------------------------

AUTHOR_ATTRIBUTE_XPATH = "//*[@rel='author' or @itemprop='author']"
BYLINE_LABEL = re.compile(
    r"^\W*(?:(?:posted|written|words|story|reporting|edited|text)\s+by|by|authors?|writer"
    r"|بقلم|كتب|كتبت|إعداد|تحرير)\b\s*:?\s*|\s*[|,–—-]\s*(?:author|writer|staff\s+writer)\W*$",
    re.I,
)
AUTHOR_SPLIT = re.compile(r"\s*(?:,|;|\s&\s|\sand\s|\sو(?=\S))\s*", re.I)
NOT_A_NAME = re.compile(r"[\d{}\[\]<>=*@/\\|:؛]|https?|\bsays\b", re.I)
LABEL_WORDS = frozenset({"by", "author", "authors", "posted", "written", "staff", "admin",
                         "بقلم", "كتب"})
MAX_AUTHOR_WORDS = 6
MAX_BYLINE_CHARS = 120
MAX_AUTHORS = 6
MAX_JOINED_NAME_WORDS = 3  # "Jane Roe and John Doe" are two; "Center for X and Y" is one
COMMENT_MARK = re.compile(r"comment|discussion|disqus", re.I)


def _names_in(byline: str) -> list[str]:
    """`By Jane Roe and John Doe` → ["Jane Roe", "John Doe"]; labels ("Posted by:",
    "| Author"), role words and anything that is no name left out; nothing from a long text."""
    text = unescape_twice(collapse_ws(byline))
    if not text or len(text) > MAX_BYLINE_CHARS:
        return []
    text = BYLINE_LABEL.sub("", BYLINE_LABEL.sub("", text))
    parts = AUTHOR_SPLIT.split(text)
    if any(len(p.split()) > MAX_JOINED_NAME_WORDS for p in parts) and " and " in text:
        parts = re.split(r"\s*[,;]\s*", text)  # an organisation's name holding "and"
    names = (p.strip(" .·|-–—") for p in parts)
    return [n for n in names if _is_name(n)]


def _is_name(text: str) -> bool:
    words = text.split()
    return (0 < len(words) <= MAX_AUTHOR_WORDS and not NOT_A_NAME.search(text)
            and text.lower() not in LABEL_WORDS and any(ch.isalpha() for ch in text))


def _in_comments(element: etree._Element) -> bool:
    """Under a comment section: its names are readers', not the article's authors."""
    return any(COMMENT_MARK.search(a.get("class") or a.get("id") or "")
               for a in element.iterancestors())


def read_authors(doc: Selector, meta: PageMetadata, index: PageIndex) -> list[str]:
    """Metadata's authors (names, not profile URLs), else the visible byline's names (not
    those of a comment section)."""
    declared = unique(n for a in meta.authors for n in _names_in(a))
    if declared:
        return declared[:MAX_AUTHORS]
    marked = [found.root for found in doc.xpath(AUTHOR_ATTRIBUTE_XPATH)]
    for elements in (marked, index.role("author")):
        found = unique(n for element in elements if not _in_comments(element)
                       for n in _names_in(element_text(element)))
        if found:
            return found[:MAX_AUTHORS]
    return []


# --- dates ----------------------------------------------------------------------------------

TIME_XPATH = "//time[@datetime]"
PUBLISHED_TIME_XPATH = (
    "//*[@itemprop='datePublished']/@content | //*[@itemprop='datePublished']/@datetime"
    " | //time[@pubdate]/@datetime"
)
MODIFIED_TIME_XPATH = (
    "//*[@itemprop='dateModified']/@content | //*[@itemprop='dateModified']/@datetime"
)
MAX_DATE_LINES = 30
HAS_DIGIT = re.compile(r"\d")  # every date line has one (Arabic-Indic digits are \d too)
US_ENGLISH = frozenset({"en", "en-us"})
UPDATED_MARK = re.compile(r"\b(updated|modified|last\s+update)\b|تحديث|تعديل", re.I)


def _iso_values(doc: Selector, meta: PageMetadata) -> list[str]:
    return [v for v in (meta.published, meta.modified, *doc.xpath(TIME_XPATH + "/@datetime")
                        .getall()) if v]


def page_zone(doc: Selector, meta: PageMetadata) -> tzinfo | None:
    """The offset the page's own ISO dates carry (its zone, for its naive dates)."""
    for value in _iso_values(doc, meta):
        moment = dates.parse_iso(value, UTC)
        if moment is not None and ("+" in value[10:] or value.endswith(("Z", "z")) or (
                "-" in value[10:])):
            return moment.tzinfo
    return None


def _first_iso(values: Iterable[str | None], tz: tzinfo,
               month_first: bool = False) -> datetime | None:
    """The first value that reads as a date: ISO 8601, or as printed ("March 27, 2025":
    some pages put that in their date metadata)."""
    for value in values:
        moment = dates.parse_iso(value, tz) or (
            dates.parse_printed_date(value, tz, month_first) if value else None)
        if moment is not None:
            return moment
    return None


def _date_lines(index: PageIndex) -> Iterator[tuple[str, bool]]:
    """Short visible lines that may be a date line, each with whether it says "updated"."""
    elements = [*index.doc.root.iter("time"), *index.role("date"), *index.role("author")] if (
        isinstance(index.doc.root, etree._Element)) else []
    for element in elements[:MAX_DATE_LINES]:
        line = element_text(element)
        if line and len(line) <= MAX_BYLINE_CHARS * 2 and HAS_DIGIT.search(line):
            yield line, bool(UPDATED_MARK.search(line))


def _printed_dates(index: PageIndex, tz: tzinfo,
                   month_first: bool) -> tuple[datetime | None, datetime | None]:
    """(published, updated) from the visible date lines."""
    lines = list(_date_lines(index))
    published = dates.find_date_line((line for line, upd in lines if not upd), tz, month_first)
    updated = dates.find_date_line((line for line, upd in lines if upd), tz, month_first)
    return published, updated


def _htmldate(doc: Selector, url: str, tz: tzinfo) -> datetime | None:
    root = doc.root
    if not isinstance(root, HtmlElement):
        return None
    try:
        found = find_date(root, extensive_search=False, original_date=True, url=url)
    except (ValueError, TypeError):
        return None
    day = dates.parse_iso(found, tz) if found else None
    return day


def read_dates(doc: Selector, meta: PageMetadata, url: str, index: PageIndex,
               warnings: list[str]) -> tuple[str | None, str | None]:
    """(published, updated) as ISO 8601 with offset. Sources in order: metadata, <time
    datetime>, the visible date line, the URL, then htmldate for a page that calls itself an
    article. A date with no zone on the page is taken in the zone of the page's other dates,
    else UTC (and a warning says so). The visible lines are read only when metadata has no
    publication date."""
    zone = page_zone(doc, meta)
    tz = zone or UTC
    month_first = _month_first(meta)
    published = _first_iso([meta.published, doc.xpath(TIME_XPATH + "/@datetime").get()], tz,
                           month_first)
    updated = _first_iso([meta.modified], tz, month_first)
    if published is None:
        published = _first_iso(doc.xpath(PUBLISHED_TIME_XPATH).getall(), tz)
        updated = updated or _first_iso(doc.xpath(MODIFIED_TIME_XPATH).getall(), tz)
    if published is None:
        printed, printed_updated = _printed_dates(index, tz, month_first)
        published, updated = printed or _url_moment(url, tz), updated or printed_updated
    if published is None and meta.is_article:  # htmldate costs a fifth of trafilatura
        published = _htmldate(doc, url, tz)
        if published is not None:
            warnings.append("dates: publication date guessed by htmldate")
    if any(moment is not None and moment.tzinfo is tz for moment in (published, updated)) and (
            zone is None):  # the default zone object itself: no line stated another
        warnings.append("dates: the page states no time zone; taken as UTC")
    published_iso = dates.to_iso(published) if published else None
    updated_iso = dates.to_iso(updated) if updated else None
    return published_iso, None if updated_iso == published_iso else updated_iso


def _month_first(meta: PageMetadata) -> bool:
    """Numeric dates are month first on US English pages (`en`, `en-US`), day first else."""
    return (meta.language or "").lower().replace("_", "-") in US_ENGLISH


def _url_moment(url: str, tz: tzinfo) -> datetime | None:
    day = dates.date_in_url(url)
    return datetime.combine(day, time(0, 0), tzinfo=tz) if day else None


# --- section and tags -----------------------------------------------------------------------

TAG_LINK_XPATH = "//a[@rel='tag']"
MAX_TAG_WORDS = 5
MAX_TAGS = 30


def section_from_breadcrumbs(crumbs: list[str], title: str) -> str | None:
    """The last crumb that is not the headline, when there is one beyond "home"."""
    kept = [c for c in (collapse_ws(x) for x in crumbs) if c and c != title]
    return kept[-1] if len(kept) > 1 else None


def read_section(meta: PageMetadata, title: str, index: PageIndex) -> str | None:
    if meta.section:
        return collapse_ws(meta.section) or None
    crumbs = meta.breadcrumbs
    if not crumbs:
        trail = index.role("crumbs")
        crumbs = [element_text(a) for a in trail[0].iter("a")] if trail else []
    return section_from_breadcrumbs(crumbs, title)


def read_tags(doc: Selector, meta: PageMetadata, index: PageIndex) -> list[str]:
    if meta.tags:
        return meta.tags[:MAX_TAGS]
    links = [found.root for found in doc.xpath(TAG_LINK_XPATH)] or [
        a for box in index.role("tags") for a in box.iter("a")]
    found = (element_text(a) for a in links)
    return unique(t.lstrip("#") for t in found if t and len(t.split()) <= MAX_TAG_WORDS)[:MAX_TAGS]


# --- lead image -----------------------------------------------------------------------------

FIGURE_XPATH = (
    "//figure[.//img][not(ancestor::aside or ancestor::nav or ancestor::footer"
    " or ancestor::*[contains(@class, 'related')])]"
)
IMG_SOURCES = ("src", "data-src", "data-lazy-src", "data-original")
CREDIT_XPATH = (
    ".//*[contains(@class, 'credit') or contains(@class, 'copyright') or contains(@class, 'source')"
    " or contains(@class, 'author') or self::small or self::cite]"
)
CREDIT_LABEL = re.compile(
    r"^(?P<caption>.*?)[\s,;|–—-]*\(?\b(?:photo(?:graph)?|picture|image|credit|foto|source"
    r"|تصوير|الصورة|المصدر)s?\s*(?:by|:)\s*(?P<credit>[^()]{1,80}?)\)?\s*$",
    re.I | re.S,
)
_CREDIT_NAME = r"(?-i:(?:[A-Z]\.|[A-Z][\w'’-]*)(?:\s(?:[A-Z]\.|[A-Z][\w'’-]*)){0,3})"
AGENCY_CREDIT = re.compile(  # "… Jane Roe/Getty Images", "… AFP"
    rf"^(?P<caption>.*?)[\s,;|–—-]*(?P<credit>(?:{_CREDIT_NAME}\s*/\s*)?(?:getty\s+images"
    r"|shutterstock|reuters|afp|ap\s+photo|associated\s+press|epa(?:-efe)?|anadolu))\s*$",
    re.I | re.S,
)
MAX_FIGURES_TO_SCAN = 8


def _image_src(img: SelectorList[Selector], url: str) -> str | None:
    src = attribute(img, IMG_SOURCES)
    if not src:
        srcset = attribute(img, ("srcset", "data-srcset")) or ""
        src = srcset.split(",")[0].strip().split(" ")[0] if srcset else None
    return absolute(url, src)


def split_credit(text: str) -> tuple[str | None, str | None]:
    """A caption and its credit: `… (AP)`, `… Photo: Jane Roe`, `… Jane Roe/Getty Images`."""
    text = collapse_ws(text)
    for pattern in (CREDIT_LABEL, AGENCY_CREDIT):
        found = pattern.match(text)
        if found and found["credit"].strip():
            return collapse_ws(found["caption"]) or None, collapse_ws(found["credit"])
    return split_caption_credit(text)


def _figure_caption(figure: Selector) -> tuple[str | None, str | None]:
    caption = figure.xpath(".//figcaption")
    if not caption:
        return None, None
    credit_el = caption.xpath(CREDIT_XPATH)
    if credit_el:
        credit = BYLINE_LABEL.sub("", text_of(credit_el))
        credit = re.sub(r"^(photo|credit|image|picture|تصوير|الصورة)\s*:?\s*", "", credit,
                        flags=re.I)
        whole = text_of(caption)
        rest = collapse_ws(whole.replace(text_of(credit_el), ""))
        return rest or None, collapse_ws(credit) or None
    return split_credit(text_of(caption))


def _pick_figure(doc: Selector, meta: PageMetadata) -> Selector | None:
    """The lead figure: among the first figures of the page's <article> (else of the page,
    furniture left out), the one showing og:image, else the first."""
    article = doc.xpath("(//article)[1]")
    inside = article[0].xpath("." + FIGURE_XPATH) if article else []
    figures = (inside or doc.xpath(FIGURE_XPATH))[:MAX_FIGURES_TO_SCAN]
    wanted = _basename(meta.image_url)
    for figure in figures:
        if wanted and _basename(attribute(figure.xpath(".//img"), IMG_SOURCES)) == wanted:
            return figure
    return figures[0] if figures else None


def _basename(url: str | None) -> str:
    return (urlsplit(url).path.rsplit("/", 1)[-1] if url else "").lower()


def read_lead_image(doc: Selector, meta: PageMetadata, url: str) -> Image:
    """The first figure of the article (the one showing og:image, if any does), with its
    caption and credit; else og:image alone."""
    figure = _pick_figure(doc, meta)
    if figure is None:
        return Image(url=meta.image_url)
    caption, credit = _figure_caption(figure)
    src = _image_src(figure.xpath(".//img"), url) or meta.image_url
    return Image(url=src, caption=caption, credit=credit)


# --- related links --------------------------------------------------------------------------

HEADING_TAGS = ("h2", "h3", "h4")
RELATED_HEADING = re.compile(
    r"related|more\s+(from|on|in|stories|news|articles)|also\s+(like|read)|read\s+(more|next)"
    r"|recommended|popular|ذات\s+صلة|اقرأ|متعلقة|مشابهة|الأكثر", re.I)
TEASER_LABEL = re.compile(  # "Read more: Headline" → "Headline"
    r"^\W*(read\s+more|related|see\s+also|also\s+read|read\s+next|اقرأ\s+(أيضا|أيضاً|ايضا|المزيد)"
    r"|(مواضيع|أخبار)\s+ذات\s+صلة)\s*[:：\-–—|»]\s*", re.I)
MAX_HEADING_WORDS = 6
MIN_TEASER_WORDS = 3  # a related link is a headline, not "Read more"
MAX_RELATED = 20


def _related_blocks(index: PageIndex) -> Iterator[etree._Element]:
    yield from index.role("related")
    root = index.doc.root
    if not isinstance(root, etree._Element):
        return
    for heading in root.iter(*HEADING_TAGS):
        text = element_text(heading)
        if text and len(text.split()) <= MAX_HEADING_WORDS and RELATED_HEADING.search(text) and (
                SECTION_END.match(text)):
            parent = heading.getparent()
            if parent is not None:
                yield parent


def read_related(url: str, canonical: str | None, index: PageIndex) -> list[Related]:
    """Links of the page's related / more-stories blocks: their URL and headline."""
    own = {url.rstrip("/"), (canonical or url).rstrip("/")}
    seen: dict[str, Related] = {}
    for block in _related_blocks(index):
        for link in block.iter("a"):
            href = absolute(url, link.get("href"))
            title = TEASER_LABEL.sub("", element_text(link))
            if not href or not href.startswith("http") or href.rstrip("/") in own:
                continue
            if len(title.split()) < MIN_TEASER_WORDS or href in seen:
                continue
            seen[href] = Related(url=href, title=title)
            if len(seen) >= MAX_RELATED:
                return list(seen.values())
    return list(seen.values())
