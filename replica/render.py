"""HTML, RSS and XML of the replica, built as strings with every text escaped.

The markup follows `docs/replica.md` (itself built on `../shared/aawsat-markup.md`). Hrefs are
written percent-encoded and relative; canonical, OpenGraph, JSON-LD, `data-*` URLs, images,
the feed and the sitemap use absolute URLs built from `base_url` (`http://{Host header}`).

Pages come in two editions, "ar" (the default) and "en": the same markup with the edition's
language, direction and labels; an article page takes its edition from the article, other
pages take an `edition` argument. Article pages also come in two markups: "classic" (the
site's) and "drifted", where the headline, body and lead-image classes are renamed, as if the
site had changed its theme without warning (for testing drift detection).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from html import escape
from typing import Any, Literal
from urllib.parse import quote
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

import hijridate

from replica.content import (
    DEFAULT_EDITION,
    Blockquote,
    Edition,
    Lines,
    MonthStyle,
    ReplicaArticle,
    ReplicaImage,
    get_edition,
    newest_first,
)

Articles = Mapping[int, ReplicaArticle]

IMAGE_PREFIX = "/styles/1037xauto/public/"
RELATED_HEADING = "مقالات ذات صلة"
LISTEN_LABEL = "استمع إلى المقالة"  # the audio player's label that leaks into opinion titles
VIDEO_LABEL = "play-circle"  # the video icon's label that leaks into teaser text
HOME_CARDS_PER_SECTION = 4
CANONICAL_BASE_URL = "https://aawsat.com"  # the Arabic edition's; see Edition.canonical_base

ENGLISH_RELATED_HEADING = "Related Articles"
ENGLISH_LISTEN_LABEL = "Listen to the article"


@dataclass(frozen=True)
class Labels:
    """The words an edition's pages show around the articles."""

    related_heading: str
    listen: str  # the audio player's label in opinion card titles
    published: str  # publish line label
    updated: str  # update line label
    sections_menu: str  # aria-label of the section menu
    search: str  # search link and button
    sitemap: str  # footer link
    login: str  # footer link
    footer_note: str
    empty_section: str
    search_title: str
    search_prompt: str
    no_results: str  # with {query}
    not_found_title: str
    not_found_text: str
    back_home: str
    error_title: str
    error_page_title: str
    feed_description: str  # with {title}
    author_separator: str  # between columnists on opinion cards


LABELS: dict[str, Labels] = {
    "ar": Labels(
        related_heading=RELATED_HEADING,
        listen=LISTEN_LABEL,
        published="نُشر",
        updated="آخر تحديث",
        sections_menu="الأقسام",
        search="بحث",
        sitemap="خريطة الموقع",
        login="تسجيل الدخول",
        footer_note="نسخة محلية للاختبار",
        empty_section="لا توجد مقالات في هذا القسم بعد.",
        search_title="البحث",
        search_prompt="اكتب كلمة للبحث.",
        no_results="لا توجد نتائج لـ «{query}».",
        not_found_title="الصفحة غير موجودة",
        not_found_text="عذراً، لم نعثر على الصفحة التي تبحث عنها.",
        back_home="العودة إلى الصفحة الرئيسية",
        error_title="خطأ في الخادم",
        error_page_title="خطأ",
        feed_description="آخر الأخبار من {title}",
        author_separator="، ",
    ),
    "en": Labels(
        related_heading=ENGLISH_RELATED_HEADING,
        listen=ENGLISH_LISTEN_LABEL,
        published="Published",
        updated="Last Updated",
        sections_menu="Sections",
        search="Search",
        sitemap="Sitemap",
        login="Log in",
        footer_note="local copy for testing",
        empty_section="There are no articles in this section yet.",
        search_title="Search",
        search_prompt="Type a word to search.",
        no_results="No results for “{query}”.",
        not_found_title="Page not found",
        not_found_text="Sorry, we could not find the page you are looking for.",
        back_home="Back to the home page",
        error_title="Server error",
        error_page_title="Error",
        feed_description="Latest news from {title}",
        author_separator=", ",
    ),
}


@dataclass(frozen=True)
class DeadLink:
    """A listing card whose article does not exist, so that crawlers meet a 404 on a URL of
    the article shape."""

    section: str
    id: int
    slug: str
    title: str

    @property
    def path(self) -> str:
        return f"/{self.section}/{self.id}-{self.slug}"


DEAD_LINK_SECTION = "العالم"
DEAD_LINK_ID = 5099999
DEAD_LINK_SLUG = "محادثات-جديدة-بشأن-أمن-الممرات-البحرية"
DEAD_LINK_TITLE = "محادثات جديدة بشأن أمن الممرات البحرية"
DEAD_LINKS: dict[str, DeadLink] = {
    "ar": DeadLink(DEAD_LINK_SECTION, DEAD_LINK_ID, DEAD_LINK_SLUG, DEAD_LINK_TITLE),
    "en": DeadLink(
        "world", 5199999, "new-talks-on-maritime-corridor-security",
        "New Talks on Maritime Corridor Security",
    ),
}  # fmt: skip

Markup = Literal["classic", "drifted"]
MARKUPS: tuple[str, ...] = ("classic", "drifted")
DEFAULT_MARKUP: Markup = "classic"


@dataclass(frozen=True)
class ArticleClasses:
    """The classes an article page wraps its headline, body and lead image in."""

    headline: str  # the div around <h1>
    body: str  # the div around the paragraphs
    media: tuple[str, ...]  # the nested divs around the lead figure, outermost first
    preview: str  # added to the outermost media div of the appended article's preview


ARTICLE_CLASSES: dict[str, ArticleClasses] = {
    "classic": ArticleClasses(
        "entry-title", "entry-content", ("entry-media", "img-field"), "entry-media--preview"
    ),
    "drifted": ArticleClasses(
        "article-headline", "article-body__text", ("article-hero",), "article-hero--preview"
    ),
}


def article_classes(markup: str) -> ArticleClasses:
    """The classes of `markup` ("classic" or "drifted"); ValueError for any other."""
    try:
        return ARTICLE_CLASSES[markup]
    except KeyError:
        raise ValueError(f"unknown markup {markup!r}; known: {list(MARKUPS)}") from None


GULF_MONTHS = (
    "يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو",
    "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر",
)  # fmt: skip
LEVANT_MONTHS = (
    "كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران",
    "تموز", "آب", "أيلول", "تشرين الأول", "تشرين الثاني", "كانون الأول",
)  # fmt: skip
HIJRI_MONTHS = (
    "محرم", "صفر", "ربيع الأول", "ربيع الآخر", "جمادى الأولى", "جمادى الآخرة",
    "رجب", "شعبان", "رمضان", "شوال", "ذو القعدة", "ذو الحجة",
)  # fmt: skip
ENGLISH_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
ENGLISH_HIJRI_MONTHS = (
    "Muharram", "Safar", "Rabi al-Awwal", "Rabi al-Thani", "Jumada al-Awwal",
    "Jumada al-Thani", "Rajab", "Shaaban", "Ramadan", "Shawwal", "Dhu al-Qadah",
    "Dhu al-Hijjah",
)  # fmt: skip
ARABIC_INDIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")

CSS = (
    "body{font-family:sans-serif;margin:0 auto;max-width:1100px;line-height:1.7}"
    ".main-menu ul{display:flex;flex-wrap:wrap;gap:1em;list-style:none;padding:0}"
    ".article-item{border-top:1px solid #ddd;padding:.5em 0}"
    "img{max-width:100%;height:auto;background:#c8ccd2}"
)


# --- small helpers ------------------------------------------------------------------------


def esc(text: str) -> str:
    """Escape text for HTML content and double-quoted attribute values."""
    return escape(text, quote=True)


def quote_path(path: str) -> str:
    """Percent-encode a UTF-8 path the way Drupal writes hrefs."""
    return quote(path, safe="/")


def absolute(base_url: str, path: str) -> str:
    return base_url.rstrip("/") + quote_path(path)


def section_path(slug: str) -> str:
    return f"/{slug}"


def image_url(base_url: str, image: ReplicaImage) -> str:
    return absolute(base_url, IMAGE_PREFIX + image.file)


def labels_of(edition: Edition) -> Labels:
    return LABELS[edition.name]


def gregorian_month(month: int, style: MonthStyle) -> str:
    gulf, levant = GULF_MONTHS[month - 1], LEVANT_MONTHS[month - 1]
    if style == "gulf":
        return gulf
    if style == "levant":
        return levant
    return f"{gulf} ({levant})"


def hijri_of(when: datetime) -> tuple[int, int, int]:
    """(year, month, day) of the Umm al-Qura date of `when`'s own calendar day."""
    hijri = hijridate.Gregorian(when.year, when.month, when.day).to_hijri()
    return hijri.year, hijri.month, hijri.day


def hijri_date(when: datetime) -> str:
    """The Umm al-Qura date of `when`'s own calendar day: `21 ذو الحجة 1446 هـ`."""
    year, month, day = hijri_of(when)
    return f"{day} {HIJRI_MONTHS[month - 1]} {year} هـ"


def english_hijri_date(when: datetime) -> str:
    """The same date in English: `21 Dhu al-Hijjah 1446 AH`."""
    year, month, day = hijri_of(when)
    return f"{day} {ENGLISH_HIJRI_MONTHS[month - 1]} {year} AH"


def dated_line(
    label: str, when: datetime, month_style: MonthStyle = "gulf", arabic_digits: bool = False
) -> str:
    """`نُشر: 17:32-17 يونيو 2025 م ـ 21 ذو الحجة 1446 هـ`, in the time's own UTC offset."""
    month = gregorian_month(when.month, month_style)
    line = f"{label}: {when:%H:%M}-{when.day} {month} {when.year} م ـ {hijri_date(when)}"
    return line.translate(ARABIC_INDIC_DIGITS) if arabic_digits else line


def english_dated_line(label: str, when: datetime) -> str:
    """`Published: 17:32-17 June 2025 AD ـ 21 Dhu al-Hijjah 1446 AH` (the English site keeps
    the Arabic tatweel between the two dates), in the time's own UTC offset."""
    month = ENGLISH_MONTHS[when.month - 1]
    date = f"{when.day} {month} {when.year} AD"
    return f"{label}: {when:%H:%M}-{date} ـ {english_hijri_date(when)}"


def article_dated_line(article: ReplicaArticle, label: str, when: datetime) -> str:
    """A publish or update line in the article's edition."""
    if article.site.language == "ar":
        return dated_line(label, when, article.month_style, article.arabic_digits)
    return english_dated_line(label, when)


def publish_line(article: ReplicaArticle) -> str:
    return article_dated_line(article, labels_of(article.site).published, article.published)


def update_line(article: ReplicaArticle) -> str | None:
    if article.updated is None:
        return None
    return article_dated_line(article, labels_of(article.site).updated, article.updated)


def json_ld(data: Mapping[str, Any]) -> str:
    """JSON for a <script> element: `<` is written as \\u003c so no `</script>` can occur."""
    return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")


def existing(ids: Iterable[int], articles: Articles, skip: int) -> list[ReplicaArticle]:
    """The articles behind `ids` that exist, in order, without `skip` or repeats."""
    out: list[ReplicaArticle] = []
    for article_id in ids:
        article = articles.get(article_id)
        if article is not None and article_id != skip and article not in out:
            out.append(article)
    return out


# --- page frame ---------------------------------------------------------------------------


def site_header(edition: Edition) -> str:
    words = labels_of(edition)
    links = "".join(
        f'<li><a href="{esc(quote_path(section_path(slug)))}">{esc(label)}</a></li>'
        for slug, label in edition.sections.items()
    )
    search = esc(words.search)
    return (
        '<header class="site-header">\n'
        '<div class="site-branding"><a class="site-logo" href="/" rel="home">'
        f"{esc(edition.site_name)}</a></div>\n"
        f'<nav class="main-menu" aria-label="{esc(words.sections_menu)}"><ul>{links}</ul></nav>\n'
        '<form class="search-form" action="/search" method="get">'
        f'<input type="search" name="q" aria-label="{search}"><button type="submit">{search}'
        "</button></form>\n"
        f'<a class="search-link" href="/search">{search}</a>\n'
        "</header>"
    )


def site_footer(edition: Edition) -> str:
    words = labels_of(edition)
    return (
        '<footer class="site-footer">\n'
        '<nav class="footer-menu"><a href="/feed">RSS</a> '
        f'<a href="/sitemap.xml">{esc(words.sitemap)}</a> '
        f'<a href="/user/login">{esc(words.login)}</a></nav>\n'
        f"<p>© 2025 {esc(edition.site_name)} — {esc(words.footer_note)}</p>\n"
        "</footer>"
    )


def page(title: str, body_class: str, head: str, main: str, edition: Edition) -> str:
    """A whole HTML document: head, the site's header, `<main>`, the site's footer."""
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{esc(edition.language)}" dir="{esc(edition.direction)}">\n<head>\n'
        '<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n"
        f"{head}"
        f'<link rel="alternate" type="application/rss+xml" title="{esc(edition.site_name)}" '
        'href="/feed">\n'
        f"<style>{CSS}</style>\n"
        "</head>\n"
        f'<body class="{esc(body_class)}">\n'
        f"{site_header(edition)}\n"
        f'<main class="printable-area">\n{main}</main>\n'
        f"{site_footer(edition)}\n"
        "</body>\n</html>\n"
    )


def page_title(title: str, edition: Edition) -> str:
    return f"{title} | {edition.site_name}"


# --- article page -------------------------------------------------------------------------


def meta_property(prop: str, content: str) -> str:
    return f'<meta property="{esc(prop)}" content="{esc(content)}">\n'


def article_meta_tags(article: ReplicaArticle, url: str, base_url: str) -> str:
    tags = [
        f'<link rel="canonical" href="{esc(url)}">\n',
        f'<meta name="description" content="{esc(article.summary)}">\n',
        meta_property("og:type", "article"),
        meta_property("og:site_name", article.site.site_name),
        meta_property("og:locale", article.site.locale),
        meta_property("og:title", article.title),
        meta_property("og:url", url),
        meta_property("og:description", article.summary),
    ]
    if article.image is not None:
        tags.append(meta_property("og:image", image_url(base_url, article.image)))
        tags.append(meta_property("og:image:alt", article.image.caption))
    tags.append(meta_property("article:published_time", article.published.isoformat()))
    tags.append(meta_property("article:modified_time", article.modified.isoformat()))
    tags.append(meta_property("article:section", article.section_label))
    tags.extend(meta_property("article:tag", tag) for tag in article.tags)
    return "".join(tags)


def article_json_ld(article: ReplicaArticle, url: str, base_url: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "description": article.summary,
        "datePublished": article.published.isoformat(),
        "dateModified": article.modified.isoformat(),
        "author": [{"@type": "Person", "name": name} for name in article.authors],
        "articleSection": article.section_label,
        "keywords": list(article.tags),
        "inLanguage": article.site.language,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "publisher": {
            "@type": "Organization",
            "name": article.site.site_name,
            "url": base_url.rstrip("/") + "/",
        },
    }
    if article.image is not None:
        data["image"] = {"@type": "ImageObject", "url": image_url(base_url, article.image)}
    return data


def canonical_url(article: ReplicaArticle) -> str:
    """The article's URL on the original site (`https://aawsat.com/…` or
    `https://english.aawsat.com/…`)."""
    return absolute(article.site.canonical_base, article.path)


def article_head(article: ReplicaArticle, base_url: str) -> str:
    # A mirror names the original as canonical: articles keep one identity whichever port
    # the replica is served on, so a second `akhbar run demo` finds them unchanged.
    url = canonical_url(article)
    ld = json_ld(article_json_ld(article, url, base_url))
    return (
        article_meta_tags(article, url, base_url)
        + f'<script type="application/ld+json">{ld}</script>\n'
    )


def entry_meta(article: ReplicaArticle) -> str:
    spans = [f'<span class="author"><a>{esc(a)}</a></span>' for a in article.authors]
    spans.append(f'<span class="publish-date">{esc(publish_line(article))}</span>')
    updated = update_line(article)
    if updated:
        spans.append(f'<span class="update-date">{esc(updated)}</span>')
    return '<div class="entry-meta">' + "\n".join(spans) + "</div>\n"


def entry_media(
    base_url: str,
    image: ReplicaImage | None,
    preview: bool = False,
    markup: str = DEFAULT_MARKUP,
) -> str:
    """The lead image; its caption shows twice (figcaption and the image-title overlay)."""
    if image is None:
        return ""
    classes = article_classes(markup)
    outer, *inner = classes.media
    if preview:
        outer = f"{outer} {classes.preview}"
    opening = "".join(f'<div class="{esc(css)}">' for css in (outer, *inner))
    closing = "</div>" * (1 + len(inner))
    caption = esc(image.caption)
    return (
        f"{opening}<figure>"
        f'<img src="{esc(image_url(base_url, image))}" alt="{caption}" title="{caption}" '
        'width="1037" height="583">\n'
        f'<figcaption class="img-caption">{caption}</figcaption>\n'
        f'<span class="img-title">{caption}</span>'
        f"</figure>{closing}\n"
    )


def body_item_html(item: str | Blockquote | Lines) -> str:
    if isinstance(item, str):
        return f"<p>{esc(item)}</p>"
    if isinstance(item, Lines):
        return "<p>" + "<br>".join(esc(line) for line in item.lines) + "</p>"
    cite = f"<cite>{esc(item.cite)}</cite>" if item.cite else ""
    return f'<blockquote class="embedded-post"><p>{esc(item.text)}</p>{cite}</blockquote>'


def body_html(article: ReplicaArticle, markup: str = DEFAULT_MARKUP) -> str:
    css = article_classes(markup).body
    parts = [body_item_html(item) for item in article.body]
    return f'<div class="{esc(css)}">' + "\n".join(parts) + "</div>\n"


def headline_html(article: ReplicaArticle, markup: str = DEFAULT_MARKUP) -> str:
    css = article_classes(markup).headline
    return f'<div class="{esc(css)}"><h1>{esc(article.title)}</h1></div>\n'


def entry_tags(article: ReplicaArticle) -> str:
    if not article.tags:
        return ""
    links = " ".join(f'<a rel="tag">{esc(tag)}</a>' for tag in article.tags)
    return f'<div class="entry-tags">{links}</div>\n'


def article_node(
    article: ReplicaArticle, base_url: str, appended: bool = False, markup: str = DEFAULT_MARKUP
) -> str:
    """One `<article>`: the page's own (`appended=False`) or the next one, appended by
    infinite scroll (no byline or tags, and a preview of its image above the TT control)."""
    url = absolute(base_url, article.path)
    parts = [
        '<article class="node node--type-article" '
        f'data-nid="{article.id}" data-url="{esc(url)}">\n',
        headline_html(article, markup),
    ]
    if article.subtitle:
        parts.append(f'<div class="entry-subtitle"><h2>{esc(article.subtitle)}</h2></div>\n')
    if appended:
        parts.append(entry_media(base_url, article.image, preview=True, markup=markup))
    else:
        parts.append(entry_meta(article))
    parts += [
        '<div class="font-size-control"><button type="button">TT</button></div>\n',
        f'<div class="share-bar"><span class="share-title">{esc(article.title)}</span></div>\n',
        entry_media(base_url, article.image, markup=markup),
        body_html(article, markup),
        "" if appended else entry_tags(article),
        "</article>\n",
    ]
    return "".join(parts)


def related_block(article: ReplicaArticle, articles: Articles, base_url: str) -> str:
    teasers = existing(article.related, articles, skip=article.id)
    if not teasers:
        return ""
    cards = "".join(article_card(t, base_url) for t in teasers)
    heading = labels_of(article.site).related_heading
    return (
        '<section class="related-articles">\n'
        f'<h3 class="block-title">{esc(heading)}</h3>\n'
        f'<div class="related-featured-title">{esc(teasers[0].title)}</div>\n'
        f"{cards}</section>\n"
    )


def infinite_scroll(
    article: ReplicaArticle, articles: Articles, base_url: str, markup: str = DEFAULT_MARKUP
) -> str:
    following = existing([article.next] if article.next else [], articles, skip=article.id)
    if not following:
        return ""
    nxt = following[0]
    url = absolute(base_url, nxt.path)
    return (
        f'<div class="infinite-scroll-next" data-next-url="{esc(url)}">\n'
        f"{article_node(nxt, base_url, appended=True, markup=markup)}"
        "</div>\n"
    )


def render_article_page(
    article_id: int, articles: Articles, base_url: str, markup: str = DEFAULT_MARKUP
) -> str:
    """The article page of `article_id` (KeyError if there is none), in the article's
    edition; `markup="drifted"` renames the headline, body and lead-image classes."""
    article = articles[article_id]
    article_classes(markup)  # an unknown markup fails here, before any rendering
    settings = json_ld({"nid": article.id, "section": article.section})
    main = (
        article_node(article, base_url, markup=markup)
        + f"<script>window.replicaNode = {settings};</script>\n"
        + related_block(article, articles, base_url)
        + infinite_scroll(article, articles, base_url, markup)
    )
    body_class = "path-node page-node-type-article"
    if article.is_opinion:
        body_class += " page-section-opinion"
    head = article_head(article, base_url)
    return page(page_title(article.title, article.site), body_class, head, main, article.site)


# --- cards and listings -------------------------------------------------------------------


def card_image(article: ReplicaArticle, base_url: str, href: str) -> str:
    if article.image is None:
        return ""
    caption = esc(article.image.caption)
    return (
        f'<figure><a href="{esc(href)}"><img src="{esc(image_url(base_url, article.image))}" '
        f'alt="{caption}" loading="lazy"></a>\n'
        f'<figcaption class="img-caption">{caption}</figcaption></figure>\n'
    )


def article_card(article: ReplicaArticle, base_url: str) -> str:
    """A teaser card: section label, image and caption, [video icon], title, summary, dateline."""
    href = quote_path(article.path)
    section_href = quote_path(section_path(article.section))
    video = (
        f'<span class="video-icon"><i class="icon-play-circle"></i>{esc(VIDEO_LABEL)}</span>'
        if article.has_video
        else ""
    )
    dateline = (
        f'<div class="article-item-dateline">{esc(article.dateline)}</div>\n'
        if article.dateline
        else ""
    )
    return (
        f'<div class="article-item" data-nid="{article.id}">\n'
        '<div class="article-item-img">'
        f'<span class="article-item-section"><a href="{esc(section_href)}">'
        f"{esc(article.section_label)}</a></span>\n"
        f"{card_image(article, base_url, href)}{video}</div>\n"
        '<div class="article-item-info">\n'
        f'<div class="article-item-title"><h2><a href="{esc(href)}">{esc(article.title)}</a></h2>'
        "</div>\n"
        f'<div class="article-item-summary"><p>{esc(article.summary)}</p></div>\n'
        f"{dateline}</div>\n"
        "</div>\n"
    )


def opinion_card(article: ReplicaArticle, base_url: str) -> str:
    """An opinion card: the URL sits in `data-vr-contentbox-url`, the title is not a link,
    and the audio player's label leaks into the title's text, as on the real site."""
    words = labels_of(article.site)
    url = absolute(base_url, article.path)
    href = quote_path(article.path)
    author = esc(words.author_separator.join(article.authors))
    return (
        f'<div class="node node--type-opinion opinion-item" data-nid="{article.id}" '
        f'data-vr-contentbox-url="{esc(url)}">\n'
        f'<div class="article-item-author"><a class="opinion-item-link" href="{esc(href)}">'
        f"{author}</a></div>\n"
        '<div class="article-item-info">\n'
        f'<div class="article-item-title"><h2>{esc(article.title)} '
        f'<span class="audio-player-label">{esc(words.listen)}</span></h2></div>\n'
        f'<div class="article-item-summary"><p>{esc(article.summary)}</p></div>\n'
        "</div>\n</div>\n"
    )


def section_articles(articles: Articles, slug: str) -> list[ReplicaArticle]:
    return newest_first(articles, lambda a: a.section == slug)


def card(article: ReplicaArticle, base_url: str) -> str:
    if article.is_opinion:
        return opinion_card(article, base_url)
    return article_card(article, base_url)


def dead_link_card(edition: Edition) -> str:
    """A card whose article is gone: its URL answers 404."""
    dead = DEAD_LINKS[edition.name]
    href = esc(quote_path(dead.path))
    return (
        f'<div class="article-item" data-nid="{dead.id}">\n'
        '<div class="article-item-img"><span class="article-item-section">'
        f'<a href="{esc(quote_path(section_path(dead.section)))}">'
        f"{esc(edition.sections[dead.section])}</a></span></div>\n"
        '<div class="article-item-info">'
        f'<div class="article-item-title"><h2><a href="{href}">{esc(dead.title)}</a></h2>'
        "</div></div>\n</div>\n"
    )


def feed_link(title: str, path: str) -> str:
    return (
        f'<link rel="alternate" type="application/rss+xml" title="{esc(title)}" '
        f'href="{esc(quote_path(path))}">\n'
    )


def render_section_page(
    slug: str, articles: Articles, base_url: str, edition: str = DEFAULT_EDITION
) -> str:
    """The listing of one section of `edition`, newest first (KeyError for an unknown
    section)."""
    spec = get_edition(edition)
    label = spec.sections[slug]
    listed = section_articles(articles, slug)
    cards = "".join(card(a, base_url) for a in listed)
    dead = DEAD_LINKS[spec.name]
    if slug == dead.section and dead.id not in articles:
        cards += dead_link_card(spec)
    if not cards:
        cards = f'<p class="empty">{esc(labels_of(spec).empty_section)}</p>\n'
    main = (
        f'<div class="section-header"><h1 class="section-title">{esc(label)}</h1></div>\n'
        f'<div class="article-list">\n{cards}</div>\n'
    )
    head = (
        f'<link rel="canonical" href="{esc(absolute(base_url, section_path(slug)))}">\n'
        + feed_link(f"{spec.site_name} - {label}", f"/feed/{slug}")
    )
    kind = "opinion" if slug == spec.opinion_section else "section"
    return page(page_title(label, spec), f"path-taxonomy-term page-{kind}", head, main, spec)


def home_section(slug: str, listed: list[ReplicaArticle], base_url: str, edition: Edition) -> str:
    cards = "".join(card(a, base_url) for a in listed[:HOME_CARDS_PER_SECTION])
    href = esc(quote_path(section_path(slug)))
    return (
        f'<section class="home-section" data-section="{esc(slug)}">\n'
        f'<h2 class="block-title"><a href="{href}">{esc(edition.sections[slug])}</a></h2>\n'
        f'<div class="article-list">\n{cards}</div>\n</section>\n'
    )


def render_home_page(articles: Articles, base_url: str, edition: str = DEFAULT_EDITION) -> str:
    """The latest articles of every section of `edition` that has any."""
    spec = get_edition(edition)
    blocks = []
    for slug in spec.sections:
        listed = section_articles(articles, slug)
        if listed:
            blocks.append(home_section(slug, listed, base_url, spec))
    head = f'<link rel="canonical" href="{esc(base_url.rstrip("/") + "/")}">\n'
    main = f'<h1 class="visually-hidden">{esc(spec.site_name)}</h1>\n' + "".join(blocks)
    return page(spec.site_name, "path-frontpage", head, main, spec)


def render_search_page(query: str, edition: str = DEFAULT_EDITION) -> str:
    """A plain search page (robots.txt keeps crawlers out): it never finds anything."""
    spec = get_edition(edition)
    words = labels_of(spec)
    text = words.no_results.format(query=query) if query else words.search_prompt
    found = f'<p class="search-empty">{esc(text)}</p>\n'
    main = f'<div class="search-page"><h1>{esc(words.search_title)}</h1>\n{found}</div>\n'
    head = '<meta name="robots" content="noindex, nofollow">\n'
    return page(page_title(words.search_title, spec), "path-search", head, main, spec)


def render_not_found_page(edition: str = DEFAULT_EDITION) -> str:
    spec = get_edition(edition)
    words = labels_of(spec)
    main = (
        f'<div class="not-found"><h1>{esc(words.not_found_title)}</h1>\n'
        f"<p>{esc(words.not_found_text)}</p>\n"
        f'<p><a href="/">{esc(words.back_home)}</a></p></div>\n'
    )
    head = '<meta name="robots" content="noindex">\n'
    return page(page_title(words.not_found_title, spec), "path-not-found", head, main, spec)


def render_error_page(message: str, edition: str = DEFAULT_EDITION) -> str:
    """The page of a 500: the content folder could not be read."""
    spec = get_edition(edition)
    words = labels_of(spec)
    main = (
        f'<div class="server-error"><h1>{esc(words.error_title)}</h1>\n'
        f"<pre>{esc(message)}</pre></div>\n"
    )
    return page(page_title(words.error_page_title, spec), "path-error", "", main, spec)


# --- feed, sitemap, robots ----------------------------------------------------------------


def xml_text(tag: str, text: str) -> str:
    return f"<{tag}>{xml_escape(text)}</{tag}>"


def feed_item(article: ReplicaArticle, base_url: str) -> str:
    url = absolute(base_url, article.path)
    creators = "".join(xml_text("dc:creator", name) for name in article.authors)
    return (
        "<item>"
        + xml_text("title", article.title)
        + xml_text("link", url)
        + f'<guid isPermaLink="true">{xml_escape(url)}</guid>'
        + xml_text("pubDate", format_datetime(article.published))
        + xml_text("description", article.summary)
        + xml_text("category", article.section_label)
        + creators
        + "</item>\n"
    )


def render_feed(
    articles: Articles,
    base_url: str,
    section: str | None = None,
    edition: str = DEFAULT_EDITION,
) -> str:
    """RSS 2.0 of every article (of one section of `edition` if given), newest first."""
    spec = get_edition(edition)
    title = spec.site_name if section is None else f"{spec.site_name} - {spec.sections[section]}"
    listed = newest_first(articles, lambda a: section is None or a.section == section)
    self_path = "/feed" if section is None else f"/feed/{section}"
    home = absolute(base_url, "/" if section is None else section_path(section))
    built = max((a.modified for a in listed), default=None)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">\n<channel>\n'
        + xml_text("title", title)
        + xml_text("link", home)
        + xml_text("description", labels_of(spec).feed_description.format(title=title))
        + xml_text("language", spec.language)
        + (xml_text("lastBuildDate", format_datetime(built)) if built else "")
        + f'<atom:link href={quoteattr(absolute(base_url, self_path))} rel="self" '
        'type="application/rss+xml"/>\n'
        + "".join(feed_item(a, base_url) for a in listed)
        + "</channel>\n</rss>\n"
    )


def render_sitemap(articles: Articles, base_url: str) -> str:
    urls = "".join(
        "<url>"
        + xml_text("loc", absolute(base_url, a.path))
        + xml_text("lastmod", a.modified.isoformat())
        + "</url>\n"
        for a in newest_first(articles)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{urls}</urlset>\n"
    )


def render_robots(base_url: str) -> str:
    return (
        "User-agent: *\n"
        "Disallow: /search\n"
        "Disallow: /user/\n"
        "\n"
        f"Sitemap: {base_url.rstrip('/')}/sitemap.xml\n"
    )
