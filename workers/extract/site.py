"""Extraction by a site's rules (`workers.sites`), with metadata as the fallback of every field.

The page's own article is the FIRST element the rules' `article` selectors find; the related
block and the article appended by infinite scroll are read first, then removed, so nothing of
theirs can reach the body. When a rule finds nothing the field comes from metadata and a
warning names the selector: `rules: no body via .entry-content p; taken from JSON-LD articleBody`.

Drift: when the headline or body rule finds nothing, the site has most likely changed its
markup. The page is still extracted, those fields by the generic path, and the article says so:
`extraction.method` is "generic" and the first warning reads `drift: aawsat rules found no body
(.entry-content p); generic extraction used` (the page worker counts these per site).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo

from parsel import Selector, SelectorList

from workers.extract import dates
from workers.extract.dom import absolute, attribute, drop, first_text, text_of, texts
from workers.extract.errors import NotAnArticle
from workers.extract.generic import (
    MIN_WORDS_WITHOUT_METADATA,
    best_paragraphs,
    body_from_article_body,
    fallback_title,
    section_from_breadcrumbs,
)
from workers.extract.metadata import PageMetadata
from workers.extract.text import (
    element_lines,
    noise_pattern,
    parse_dateline,
    remove_noise,
    split_caption_credit,
    unique,
    word_count,
)
from workers.messages import Article, Extraction, Image, Related
from workers.sites import CardRules, SiteRules

Clean = Callable[[str | None], str]
SAME_MOMENT = timedelta(minutes=1)  # a publish line has minutes; metadata may add seconds
DRIFT_WARNING_PREFIX = "drift: "
SCOPE_HEADLINE_XPATH = ".//h1"  # a drifted page's headline, when metadata has none


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


def _cleaner(rules: SiteRules) -> Clean:
    pattern = noise_pattern(rules.noise_strings)
    return lambda text: remove_noise(text, pattern)


def css(scope: Selector, selector: str) -> SelectorList[Selector]:
    """The elements `selector` finds; none for a field the site has no rule for ("")."""
    return scope.css(selector) if selector else SelectorList()


def _first_article(doc: Selector, rules: SiteRules) -> Selector | None:
    for selector in rules.article:
        found = doc.css(selector)
        if found:
            return found[0]
    return None


# --- related cards and the next article ------------------------------------------------------


def _card_image(card: Selector, rules: CardRules, ctx: Context) -> Image:
    img = css(card, rules.image)
    caption_text = text_of(css(card, rules.caption)) or (attribute(img, ("alt", "title")) or "")
    caption, credit = split_caption_credit(ctx.clean(caption_text))
    src = attribute(img, ("src", "data-src"))
    return Image(url=absolute(ctx.url, src), caption=caption, credit=credit)


def _card(card: Selector, rules: CardRules, ctx: Context) -> Related:
    has_video = bool(css(card, rules.video_marker)) or (
        bool(rules.video_label) and rules.video_label in text_of(card)
    )
    drop(card, [rules.video_marker] if rules.video_marker else [])
    link = card.css(rules.link)
    return Related(
        url=absolute(ctx.url, attribute(link, ("href",))),
        title=ctx.clean(text_of(link)) or None,
        section=ctx.clean(text_of(css(card, rules.section))) or None,
        summary=ctx.clean(text_of(css(card, rules.summary))) or None,
        image=_card_image(card, rules, ctx),
        has_video=has_video,
        dateline=parse_dateline(ctx.clean(text_of(css(card, rules.dateline)))),
    )


def read_related(doc: Selector, ctx: Context) -> list[Related]:
    rules = ctx.rules.related
    if rules is None:
        return []
    cards = [_card(card, rules, ctx) for card in doc.css(rules.card)]
    return [c for c in cards if c.url or c.title]


def read_next_article_url(doc: Selector, ctx: Context) -> str | None:
    for selector, name in ctx.rules.next_article_url_sources:
        href = attribute(doc.css(selector), (name,))
        if href:
            return absolute(ctx.url, href)
    return None


# --- the article's own fields -------------------------------------------------------------------


def read_title(scope: Selector, ctx: Context) -> str:
    title, _selector = first_text(scope, ctx.rules.headline)
    title = ctx.clean(title)
    if title:
        return title
    ctx.drift("title", ctx.rules.headline[0])
    candidates = (
        ("metadata", ctx.meta.title),
        ("the page's <h1>", text_of(scope.xpath(SCOPE_HEADLINE_XPATH))),
        ("the page's <title>", fallback_title(ctx.meta)),
    )
    for source, candidate in candidates:
        title = ctx.clean(candidate)
        if title:
            ctx.missed("title", ctx.rules.headline[0], source)
            return title
    ctx.missed("title", ctx.rules.headline[0], None)
    return ""


def _rule_paragraphs(scope: Selector, ctx: Context) -> list[str]:
    drop(scope, ctx.rules.body_drop)
    lines = (line for p in scope.css(ctx.rules.body) for line in element_lines(p.root))
    return [c for c in map(ctx.clean, lines) if c]


def read_body(scope: Selector, ctx: Context) -> list[str]:
    body = _rule_paragraphs(scope, ctx)
    if body:
        return body
    body = [c for c in map(ctx.clean, body_from_article_body(ctx.meta.article_body)) if c]
    source = "JSON-LD articleBody" if body else None
    if not body:
        body = [c for c in map(ctx.clean, best_paragraphs(scope)) if c]
        source = "the largest block of <p>" if body else None
    ctx.drift("body", ctx.rules.body)
    ctx.missed("body", ctx.rules.body, source)
    return body


def read_lead_image(scope: Selector, ctx: Context) -> Image:
    img = css(scope, ctx.rules.lead_image)
    caption_text, _selector = first_text(scope, ctx.rules.lead_caption)
    if not caption_text and img:
        caption_text = attribute(img, ("alt", "title")) or ""
    caption, credit = split_caption_credit(ctx.clean(caption_text))
    src = absolute(ctx.url, attribute(img, ("src", "data-src")))
    if src is None and ctx.meta.image_url:
        if ctx.rules.lead_image:
            ctx.missed("lead image", ctx.rules.lead_image, "metadata")
        src = ctx.meta.image_url
    return Image(url=src, caption=caption, credit=credit)


def _list_or_metadata(found: list[str], from_meta: list[str], what: str, selector: str,
                      ctx: Context) -> list[str]:
    if found:
        return unique(found)
    cleaned = unique(map(ctx.clean, from_meta))
    if cleaned and selector:
        ctx.missed(what, selector, "metadata")
    return cleaned


def read_authors(scope: Selector, ctx: Context) -> list[str]:
    found = [ctx.clean(t) for t in texts(scope, ctx.rules.author)] if ctx.rules.author else []
    return _list_or_metadata(found, ctx.meta.authors, "authors", ctx.rules.author, ctx)


def read_tags(scope: Selector, ctx: Context) -> list[str]:
    found = [ctx.clean(t) for t in texts(scope, ctx.rules.tags)] if ctx.rules.tags else []
    return _list_or_metadata(found, ctx.meta.tags, "tags", ctx.rules.tags, ctx)


def read_section(doc: Selector, ctx: Context, title: str) -> str | None:
    """The section's label: JSON-LD articleSection / article:section, then breadcrumbs."""
    if ctx.meta.section:
        return ctx.clean(ctx.meta.section) or None
    crumbs = ctx.meta.breadcrumbs or (
        texts(doc, ctx.rules.breadcrumbs) if ctx.rules.breadcrumbs else [])
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


def read_published(scope: Selector, ctx: Context) -> str | None:
    """Metadata's ISO date when present (exact, with its offset); the publish line is the
    site rule, read always: its absence is drift, a disagreement is reported."""
    line, _selector = first_text(scope, ctx.rules.publish_line)
    from_meta = _metadata_moment(ctx.meta.published, ctx)
    from_line = _line_moment(line, ctx)
    if not line and ctx.rules.publish_line:
        ctx.missed("publish line", ctx.rules.publish_line[0], "metadata" if from_meta else None)
    elif from_line and from_meta and abs(from_line - from_meta) >= SAME_MOMENT:
        ctx.warnings.append(f"dates: publish line says {dates.to_iso(from_line)}, "
                            f"metadata says {dates.to_iso(from_meta)}; metadata kept")
    chosen = from_meta or from_line
    return dates.to_iso(chosen) if chosen else None


def read_updated(scope: Selector, ctx: Context, published: str | None) -> str | None:
    line, _selector = first_text(scope, (ctx.rules.update_line,) if ctx.rules.update_line else ())
    moment = _metadata_moment(ctx.meta.modified, ctx) or _line_moment(line, ctx)
    if moment is None:
        return None
    value = dates.to_iso(moment)
    return None if value == published else value  # "modified = published": never updated


# --- the whole page -----------------------------------------------------------------------------


def _listing_links(doc: Selector, rules: SiteRules) -> int:
    return sum(len(doc.css(selector)) for selector in rules.listing_link_selectors)


def refuse_non_article(doc: Selector, scope: Selector | None, ctx: Context) -> None:
    """Raise NotAnArticle for an error page or a listing: no headline and no body by the rules
    and a page that does not call itself an article (nor has an article's URL and text)."""
    headline, _ = first_text(scope or doc, ctx.rules.headline)
    has_body = bool((scope or doc).css(ctx.rules.body))
    if headline or has_body or ctx.meta.is_article:
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


def _generic_finds_article(doc: Selector) -> bool:
    """Would the generic path take this page (that does not call itself an article)?"""
    return word_count(" ".join(best_paragraphs(doc))) >= MIN_WORDS_WITHOUT_METADATA


def _extraction(ctx: Context) -> Extraction:
    """"site", or "generic" with the drift warning first when a rule it needs found nothing."""
    drift = ctx.drift_warning()
    if drift is None:
        return Extraction(method="site", rules_version=ctx.rules.rules_version,
                          warnings=ctx.warnings)
    return Extraction(method="generic", rules_version=ctx.rules.rules_version,
                      warnings=[drift, *ctx.warnings])


def extract_site(doc: Selector, url: str, rules: SiteRules, meta: PageMetadata) -> Article:
    """The article of `doc` by `rules`; NotAnArticle for a listing or an error page."""
    ctx = Context(url=url, rules=rules, meta=meta, clean=_cleaner(rules), tz=rules.tz)
    drop(doc, rules.noise_selectors)
    refuse_non_article(doc, _first_article(doc, rules), ctx)
    related = read_related(doc, ctx)
    next_url = read_next_article_url(doc, ctx)
    drop(doc, [s for s in (rules.related and rules.related.card, rules.next_article) if s])
    scope = _first_article(doc, rules) or doc
    title = read_title(scope, ctx)
    published = read_published(scope, ctx)
    article = Article(
        url=url, canonical_url=meta.canonical or meta.og_url or url, site=rules.name,
        title=title, subtitle=ctx.clean(text_of(css(scope, rules.subtitle))) or None,
        section=read_section(doc, ctx, title), authors=read_authors(scope, ctx),
        published_at=published, updated_at=read_updated(scope, ctx, published),
        lead_image=read_lead_image(scope, ctx), body=read_body(scope, ctx),
        tags=read_tags(scope, ctx), related=related, next_article_url=next_url,
        extraction=_extraction(ctx),
    )
    if not article.title and not article.body:
        raise NotAnArticle("no headline and no body, by the rules or from metadata")
    return article

