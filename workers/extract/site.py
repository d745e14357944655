"""Extraction by a site's rules (`workers.sites`), with metadata as the fallback of every field.

The page is the lexbor tree of `fastdom` (parsed once, shared with `metadata`); the rules'
selectors run on it as CSS. The page's own article is the FIRST element the rules' `article`
selectors find. The article appended by infinite scroll leaves the page with the noise (its
URL read first); the related block's cards are read, then leave too, so nothing of theirs can
reach the body; the article is then taken out of the page and read alone. When a rule finds
nothing the field comes from metadata and a warning names the selector:
`rules: no body via .entry-content p; taken from JSON-LD articleBody`.

Drift: when the headline or body rule finds nothing, the site has most likely changed its
markup. The page is still extracted, those fields by the generic path's helpers (on lxml,
`fastdom.lxml_view`), and the article says so: `extraction.method` is "generic" and the first
warning reads `drift: aawsat rules found no body (.entry-content p); generic extraction used`
(the page worker counts these per site).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from functools import lru_cache

from workers.extract import dates
from workers.extract.dom import absolute
from workers.extract.errors import NotAnArticle
from workers.extract.fastdom import (
    LexborHTMLParser,
    LexborNode,
    attribute,
    detach,
    drop,
    has_text,
    lxml_view,
    nearest_among,
    node_lines,
    node_text,
    select,
)
from workers.extract.generic import (
    MIN_WORDS_WITHOUT_METADATA,
    best_paragraphs,
    body_from_article_body,
    fallback_title,
    section_from_breadcrumbs,
)
from workers.extract.grouped import Selected, select_each
from workers.extract.metadata import PageMetadata
from workers.extract.text import (
    Noise,
    collapse_ws,
    parse_collapsed_dateline,
    split_collapsed_caption,
    unique,
    word_count,
)
from workers.messages import Article, Extraction, Image, Related
from workers.sites import CardRules, SiteRules

Clean = Callable[[str | None], str]
SAME_MOMENT = timedelta(minutes=1)  # a publish line has minutes; metadata may add seconds
DRIFT_WARNING_PREFIX = "drift: "
SCOPE_HEADLINE = "h1"  # a drifted page's headline, when metadata has none


@dataclass
class Context:
    """One page being read: where, by which rules, and the warnings so far."""

    url: str
    rules: SiteRules
    meta: PageMetadata
    clean: Clean
    tz: tzinfo
    warnings: list[str] = field(default_factory=list)
    drifted: list[str] = field(default_factory=list)  # "body (.entry-content p)", …

    def missed(self, what: str, selector: str, source: str | None) -> None:
        """A rule found nothing: say which, and where the value came from instead."""
        then = f"taken from {source}" if source else "found nowhere else either"
        self.warnings.append(f"rules: no {what} via {selector}; {then}")

    def drift(self, what: str, selector: str) -> None:
        """A rule the site cannot do without (headline, body) found nothing."""
        self.drifted.append(f"{what} ({selector})")

    def drift_warning(self) -> str | None:
        if not self.drifted:
            return None
        missing = " and no ".join(self.drifted)
        return (f"{DRIFT_WARNING_PREFIX}{self.rules.name} rules found no {missing}; "
                "generic extraction used")


@lru_cache(maxsize=256)
def _noise(strings: tuple[str, ...]) -> Noise:
    """A site's noise strings, compiled once per process."""
    return Noise(strings)


def _cleaner(rules: SiteRules) -> Clean:
    """Drops the site's noise from collapsed text (what `fastdom` and `metadata` give)."""
    return _noise(rules.noise_strings).clean_collapsed


def _first_article(doc: LexborNode, rules: SiteRules) -> LexborNode | None:
    for selector in rules.article:
        found = doc.css_first(selector)
        if found is not None:
            return found
    return None


# --- related cards and the next article ------------------------------------------------------


CARDS_TAG = "akhbar-cards"  # an element no page has: the cards are read inside it, together
CARD_FIELDS = ("link", "section", "summary", "image", "caption", "dateline")


@dataclass
class CardFields:
    """The first element each card-relative selector finds, per card (by `mem_id`)."""

    card_ids: frozenset[int]
    found: dict[str, dict[int | None, LexborNode]] = field(default_factory=dict)

    def gather(self, holder: LexborNode, selectors: dict[str, str]) -> None:
        """Each field's elements among all the cards (those of different tags found by one
        query, `grouped`): each goes to the card holding it."""
        found = select_each(holder, tuple(selectors.values()))
        for name, selector in selectors.items():
            firsts: dict[int | None, LexborNode] = {}
            for node in found.get(selector, ()):  # None: not in a card (a video marker's)
                firsts.setdefault(nearest_among(node, self.card_ids), node)
            self.found[name] = firsts

    def get(self, name: str, card_id: int) -> LexborNode | None:
        return self.found[name].get(card_id)

    def text(self, name: str, card_id: int) -> str:
        node = self.get(name, card_id)
        return node_text(node) if node is not None else ""


def _card_image(card_id: int, fields: CardFields, ctx: Context) -> Image:
    img = fields.get("image", card_id)
    caption_text = (fields.text("caption", card_id)
                    or collapse_ws(attribute(img, ("alt", "title"))))
    caption, credit = split_collapsed_caption(ctx.clean(caption_text))
    src = attribute(img, ("src", "data-src"))
    return Image(url=absolute(ctx.url, src), caption=caption, credit=credit)


def _card(card_id: int, fields: CardFields, has_video: bool, ctx: Context) -> Related:
    """The card whose `mem_id` is `card_id` (read once: a lexbor property costs)."""
    link = fields.get("link", card_id)
    return Related(
        url=absolute(ctx.url, attribute(link, ("href",))),
        title=ctx.clean(node_text(link) if link is not None else "") or None,
        section=ctx.clean(fields.text("section", card_id)) or None,
        summary=ctx.clean(fields.text("summary", card_id)) or None,
        image=_card_image(card_id, fields, ctx),
        has_video=has_video,
        dateline=parse_collapsed_dateline(ctx.clean(fields.text("dateline", card_id))),
    )


def _videos(holder: LexborNode, cards: dict[int, LexborNode], fields: CardFields,
            rules: CardRules) -> set[int | None]:
    """The cards (by `mem_id`, of `cards`) that are videos: marked (the markers leave them:
    their label would leak into the card's fields), or showing the marker's label where only
    the text survived."""
    videos: set[int | None] = set()
    for marker in select(holder, rules.video_marker):
        videos.add(nearest_among(marker, fields.card_ids))
        detach(marker)
    # a card showing the label shows it in the holder's text too: one look for all the cards
    if rules.video_label and has_text(holder, rules.video_label):
        videos.update(card_id for card_id, card in cards.items()
                      if card_id not in videos and has_text(card, rules.video_label))
    return videos


def read_related(tree: LexborHTMLParser, doc: LexborNode, ctx: Context) -> list[Related]:
    """The related block's cards. They leave the page for an element of their own, where each
    field's selector runs once for all of them (a query costs more than reading a card).
    The cards are siblings there: a selector of descendants sees one card at a time, as it
    did when each card was read alone."""
    rules = ctx.rules.related
    cards = select(doc, rules.card) if rules is not None else []
    if rules is None or not cards:
        return []
    holder = tree.create_node(CARDS_TAG)
    for card in cards:
        holder.insert_child(card, move=True)
    by_id = {card.mem_id: card for card in cards}  # in page order; each id read once
    fields = CardFields(frozenset(by_id))
    videos = _videos(holder, by_id, fields, rules)
    fields.gather(holder, {name: getattr(rules, name) for name in CARD_FIELDS})
    related = [_card(card_id, fields, card_id in videos, ctx) for card_id in by_id]
    return [c for c in related if c.url or c.title]


def read_next_article_url(doc: LexborNode, ctx: Context) -> str | None:
    absent: list[str] = []  # sources that found no element
    for selector, name in ctx.rules.next_article_url_sources:
        if any(needs_one_of(selector, missing) for missing in absent):
            continue  # e.g. `.next article[data-url]` on a page without `.next`
        found = doc.css_first(selector)
        if found is None:
            absent.append(selector)
        href = attribute(found, (name,))
        if href:
            return absolute(ctx.url, href)
    return None


def needs_one_of(selector: str, other: str) -> bool:
    """Can `selector` find only elements inside or after one that `other` finds? It starts
    with `other` and a combinator (`.next article`, `.next > a`, `.next ~ p`). Groups and
    escapes (a hex escape ends with a space) are never taken to: the answer is then no."""
    rest = selector[len(other):]
    return (selector.startswith(other) and rest[:1] in (" ", ">", "+", "~")
            and "," not in selector and "\\" not in selector)


# --- the article's own fields -------------------------------------------------------------------


def read_title(fields: Selected, ctx: Context) -> str:
    title, _selector = fields.first_text(ctx.rules.headline)
    title = ctx.clean(title)
    if title:
        return title
    ctx.drift("title", ctx.rules.headline[0])
    candidates = (
        ("metadata", ctx.meta.title),
        ("the page's <h1>", fields.text_at(SCOPE_HEADLINE)),
        ("the page's <title>", fallback_title(ctx.meta)),
    )
    for source, candidate in candidates:
        title = ctx.clean(candidate)
        if title:
            ctx.missed("title", ctx.rules.headline[0], source)
            return title
    ctx.missed("title", ctx.rules.headline[0], None)
    return ""


def _rule_paragraphs(scope: LexborNode, ctx: Context) -> list[str]:
    drop(scope, ctx.rules.body_drop)
    paragraphs = []
    for paragraph in select(scope, ctx.rules.body):
        for line in node_lines(paragraph):  # (loops: a generator per page cost more)
            cleaned = ctx.clean(line)
            if cleaned:
                paragraphs.append(cleaned)
    return paragraphs


def read_body(scope: LexborNode, ctx: Context) -> list[str]:
    body = _rule_paragraphs(scope, ctx)
    if body:
        return body
    body = [c for c in map(ctx.clean, body_from_article_body(ctx.meta.article_body)) if c]
    source = "JSON-LD articleBody" if body else None
    if not body:
        body = [c for c in map(ctx.clean, best_paragraphs(lxml_view(scope))) if c]
        source = "the largest block of <p>" if body else None
    ctx.drift("body", ctx.rules.body)
    ctx.missed("body", ctx.rules.body, source)
    return body


def read_lead_image(fields: Selected, ctx: Context) -> Image:
    img = fields.first(ctx.rules.lead_image)
    caption_text, _selector = fields.first_text(ctx.rules.lead_caption)
    if not caption_text and img is not None:
        caption_text = collapse_ws(attribute(img, ("alt", "title")))
    caption, credit = split_collapsed_caption(ctx.clean(caption_text))
    src = absolute(ctx.url, attribute(img, ("src", "data-src")))
    if src is None and ctx.meta.image_url:
        if ctx.rules.lead_image:
            ctx.missed("lead image", ctx.rules.lead_image, "metadata")
        src = ctx.meta.image_url
    return Image(url=src, caption=caption, credit=credit)


def _list_field(fields: Selected, selector: str, what: str,
                from_meta: Callable[[], list[str]], ctx: Context) -> list[str]:
    """A list field by its rule, else from metadata (worked out only then)."""
    found = [ctx.clean(t) for t in fields.texts(selector)]
    if found:
        return unique(found)
    cleaned = unique(map(ctx.clean, from_meta()))
    if cleaned and selector:
        ctx.missed(what, selector, "metadata")
    return cleaned


def read_authors(fields: Selected, ctx: Context) -> list[str]:
    return _list_field(fields, ctx.rules.author, "authors", lambda: ctx.meta.authors, ctx)


def read_tags(fields: Selected, ctx: Context) -> list[str]:
    return _list_field(fields, ctx.rules.tags, "tags", lambda: ctx.meta.tags, ctx)


def read_crumbs(doc: LexborNode, ctx: Context) -> list[str]:
    """The breadcrumbs `read_section` needs (none when metadata names the section), read
    from the page while the article is still in it."""
    if ctx.meta.section:
        return []
    return ctx.meta.breadcrumbs or Selected(doc).texts(ctx.rules.breadcrumbs)


def read_section(crumbs: list[str], ctx: Context, title: str) -> str | None:
    """The section's label: JSON-LD articleSection / article:section, then breadcrumbs."""
    if ctx.meta.section:
        return ctx.clean(ctx.meta.section) or None
    return section_from_breadcrumbs([ctx.clean(c) for c in crumbs], title)


# --- dates --------------------------------------------------------------------------------------


def _metadata_moment(value: str | None, ctx: Context) -> datetime | None:
    moment = dates.parse_iso(value, ctx.tz)
    if value and moment is None:
        ctx.warnings.append(f"dates: cannot read metadata date {value!r}")
    return moment


def _line_moment(line: str, ctx: Context) -> datetime | None:
    moment = dates.parse_printed_date(line, ctx.tz) if line else None
    if line and moment is None:
        ctx.warnings.append(f"dates: cannot read the date line {line!r}")
    return moment


def read_published(fields: Selected, ctx: Context) -> str | None:
    """Metadata's ISO date when present (exact, with its offset); the publish line is the
    site rule, read always: its absence is drift, a disagreement is reported."""
    line, _selector = fields.first_text(ctx.rules.publish_line)
    from_meta = _metadata_moment(ctx.meta.published, ctx)
    from_line = _line_moment(line, ctx)
    if not line and ctx.rules.publish_line:
        ctx.missed("publish line", ctx.rules.publish_line[0], "metadata" if from_meta else None)
    elif from_line and from_meta and abs(from_line - from_meta) >= SAME_MOMENT:
        ctx.warnings.append(f"dates: publish line says {dates.to_iso(from_line)}, "
                            f"metadata says {dates.to_iso(from_meta)}; metadata kept")
    chosen = from_meta or from_line
    return dates.to_iso(chosen) if chosen else None


def read_updated(fields: Selected, ctx: Context, published: str | None) -> str | None:
    """Metadata's ISO date, else the update line (looked for only then)."""
    moment = _metadata_moment(ctx.meta.modified, ctx)
    if moment is None and ctx.rules.update_line:
        moment = _line_moment(fields.first_text((ctx.rules.update_line,))[0], ctx)
    if moment is None:
        return None
    value = dates.to_iso(moment)
    return None if value == published else value  # "modified = published": never updated


# --- the whole page -----------------------------------------------------------------------------


def _listing_links(doc: LexborNode, rules: SiteRules) -> int:
    return sum(len(select(doc, selector)) for selector in rules.listing_link_selectors)


def refuse_non_article(doc: LexborNode, scope: LexborNode | None, ctx: Context) -> None:
    """Raise NotAnArticle for an error page or a listing: no headline and no body by the rules
    and a page that does not call itself an article (nor has an article's URL and text)."""
    if ctx.meta.is_article:
        return  # the page's word first: it spares two queries on most pages
    found = Selected(scope or doc)
    if found.first_text(ctx.rules.headline)[0] or found.first(ctx.rules.body) is not None:
        return
    page_title = ctx.meta.page_title or ""
    marker = next((m for m in ctx.rules.error_page_markers if m in page_title), None)
    if marker:
        raise NotAnArticle(f"error page ({marker!r} in its title)")
    is_article_url = ctx.rules.is_article_url(ctx.url)
    if is_article_url and _generic_finds_article(doc):
        return  # an article's URL and an article's worth of text: the markup changed (drift)
    via = f"via {ctx.rules.headline[0]} / {ctx.rules.body}"
    links = _listing_links(doc, ctx.rules)
    if links:
        raise NotAnArticle(f"listing page: {links} article links, no headline or body {via}")
    if not is_article_url:
        raise NotAnArticle(f"not an article: no article URL, no headline or body {via}")
    raise NotAnArticle(f"no headline and no body {via}")


def _generic_finds_article(doc: LexborNode) -> bool:
    """Would the generic path take this page (that does not call itself an article)?"""
    return word_count(" ".join(best_paragraphs(lxml_view(doc)))) >= MIN_WORDS_WITHOUT_METADATA


def _extraction(ctx: Context) -> Extraction:
    """"site", or "generic" with the drift warning first when a rule it needs found nothing."""
    drift = ctx.drift_warning()
    if drift is None:
        return Extraction(method="site", rules_version=ctx.rules.rules_version,
                          warnings=ctx.warnings)
    return Extraction(method="generic", rules_version=ctx.rules.rules_version,
                      warnings=[drift, *ctx.warnings])


def _page_root(tree: LexborHTMLParser) -> LexborNode:
    root = tree.root
    if root is None:
        raise NotAnArticle("the page has no document element")
    return root


def _in_page(node: LexborNode, doc: LexborNode) -> bool:
    """Is `node` still in the page `doc` (not taken out with the related cards)?"""
    return nearest_among(node, (doc.mem_id,)) is not None


def extract_site(tree: LexborHTMLParser, url: str, rules: SiteRules,
                 meta: PageMetadata) -> Article:
    """The article of the page `tree` by `rules`; NotAnArticle for a listing or an error
    page. Reading takes the related cards, the appended article and the noise out of `tree`."""
    ctx = Context(url=url, rules=rules, meta=meta, clean=_cleaner(rules), tz=rules.tz)
    doc = _page_root(tree)
    next_url = read_next_article_url(doc, ctx)
    # the noise, and the article appended below (another article: its teasers are not ours)
    drop(doc, [*rules.noise_selectors, rules.next_article])
    article = _first_article(doc, rules)
    refuse_non_article(doc, article, ctx)
    related = read_related(tree, doc, ctx)  # the cards leave the page as they are read
    if article is None or not _in_page(article, doc):  # it was a teaser: look again
        article = _first_article(doc, rules)
    crumbs = read_crumbs(doc, ctx)
    scope = detach(article) if article is not None else doc
    # the fields read before the body's drop; those of different tags are found together
    fields = Selected(scope, (*rules.headline[:1], rules.subtitle, rules.lead_image,
                              *rules.lead_caption[:1]))
    title = read_title(fields, ctx)
    published = read_published(fields, ctx)
    subtitle = ctx.clean(fields.text_at(rules.subtitle)) or None
    authors = read_authors(fields, ctx)
    updated = read_updated(fields, ctx, published)
    lead_image = read_lead_image(fields, ctx)
    body = read_body(scope, ctx)  # takes out what the rules drop; the tags are asked after
    extracted = Article(
        url=url, canonical_url=meta.canonical or meta.og_url or url, site=rules.name,
        title=title, subtitle=subtitle, section=read_section(crumbs, ctx, title),
        authors=authors, published_at=published, updated_at=updated, lead_image=lead_image,
        body=body, tags=read_tags(Selected(scope), ctx), related=related,
        next_article_url=next_url, extraction=_extraction(ctx),
    )
    if not extracted.title and not extracted.body:
        raise NotAnArticle("no headline and no body, by the rules or from metadata")
    return extracted
