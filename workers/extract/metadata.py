"""What a page says about itself: OpenGraph / article:* meta tags and JSON-LD.

This is the fallback for every field the site rules miss, and the whole of the generic
extractor's metadata; both paths read it from the one lexbor tree of the page (`fastdom`).
JSON-LD is read leniently: a list, an `@graph`, `@type` as a list, authors as strings,
objects or lists; a script that does not parse is skipped.

`read_metadata` lists the declaring elements and reads the JSON-LD once; the meta tags'
contents and each field of `PageMetadata` are worked out on first use, since the site rules
need only a few of them on most pages (the dates, the section, the canonical URL, the
language), which the JSON-LD often holds.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from workers.extract.dom import absolute
from workers.extract.fastdom import LexborHTMLParser, LexborNode, value_of
from workers.extract.text import collapse_ws, remove_controls, unique

ARTICLE_TYPES = frozenset({
    "NewsArticle", "Article", "ReportageNewsArticle", "AnalysisNewsArticle",
    "OpinionNewsArticle", "BackgroundNewsArticle", "ReviewNewsArticle", "BlogPosting",
    "LiveBlogPosting", "Report", "ScholarlyArticle", "TechArticle",
})
LISTING_TYPES = frozenset({"CollectionPage", "ItemList", "SearchResultsPage", "WebSite"})


@dataclass
class Declarations:
    """What the page declares, as read: meta tags, <title>, canonical link, <html lang>, and
    the JSON-LD objects that matter (the first article, the breadcrumb lists)."""

    base: str = ""  # the page's URL: relative URLs resolve on it
    metas: list[LexborNode] = field(default_factory=list)  # the <meta> elements
    titles: list[LexborNode] = field(default_factory=list)  # the <title> elements
    canonical: str | None = None
    root: LexborNode | None = None  # the document element (its lang)
    article: dict[str, Any] = field(default_factory=dict)  # the first JSON-LD article
    crumb_lists: list[dict[str, Any]] = field(default_factory=list)
    ld_types: set[str] = field(default_factory=set)

    # read when first needed: the site rules rarely need the <title> or <html lang>

    @cached_property
    def page_title(self) -> str | None:
        return _page_title(self.titles)

    @cached_property
    def html_lang(self) -> str | None:
        return _html_lang(self.root)

    @cached_property
    def tags(self) -> dict[str, list[str]]:
        """<meta> contents by key, read when a field first needs them (JSON-LD often has all
        the site rules ask for)."""
        return _meta_table(self.metas)

    def meta(self, *names: str) -> list[str]:
        """Values of the meta tags `names`, in the order of the names."""
        return [v for name in names for v in map(collapse_ws, self.tags.get(name, ())) if v]

    def first(self, *names: str) -> str | None:
        return next(iter(self.meta(*names)), None)

    def stated(self, key: str) -> str | None:
        """The JSON-LD article's `key`, as text."""
        return _text(self.article.get(key))


class PageMetadata:
    """Fields a page declares about itself; every one may be missing. JSON-LD wins over
    OpenGraph and the meta tags; each field is worked out on first use."""

    def __init__(self, declared: Declarations | None = None) -> None:
        self._d = declared or Declarations()

    @cached_property
    def page_title(self) -> str | None:
        """The <title>, site name and all."""
        return collapse_ws(self._d.page_title) or None

    @cached_property
    def title(self) -> str | None:
        d = self._d
        return d.stated("headline") or d.stated("name") or d.first("og:title", "twitter:title")

    @cached_property
    def description(self) -> str | None:
        d = self._d
        return d.stated("description") or d.first(
            "og:description", "description", "twitter:description")

    @cached_property
    def canonical(self) -> str | None:
        return absolute(self._d.base, self._d.canonical)

    @cached_property
    def og_url(self) -> str | None:
        d = self._d
        main = _url_of(d.article.get("mainEntityOfPage")) or _url_of(d.article.get("url"))
        return absolute(d.base, d.first("og:url")) or absolute(d.base, main)

    @cached_property
    def og_type(self) -> str | None:
        return (self._d.first("og:type") or "").lower() or None

    @cached_property
    def site_name(self) -> str | None:
        return self._d.first("og:site_name")

    @cached_property
    def authors(self) -> list[str]:
        d = self._d
        return unique(_names(d.article.get("author"))) or unique(
            a for a in d.meta("author", "article:author") if "://" not in a)

    @cached_property
    def published(self) -> str | None:
        """ISO 8601 as the page states it."""
        return self._d.stated("datePublished") or self._d.first(
            "article:published_time", "datepublished", "pubdate", "publish-date", "date")

    @cached_property
    def modified(self) -> str | None:
        return self._d.stated("dateModified") or self._d.first(
            "article:modified_time", "og:updated_time", "datemodified")

    @cached_property
    def section(self) -> str | None:
        return self._d.stated("articleSection") or self._d.first("article:section")

    @cached_property
    def tags(self) -> list[str]:
        d = self._d
        return (unique(_keywords(d.article.get("keywords"))) or unique(d.meta("article:tag"))
                or unique(_keywords(d.first("keywords"))))

    @cached_property
    def image_url(self) -> str | None:
        d = self._d
        return absolute(d.base, _url_of(d.article.get("image"))) or absolute(
            d.base, d.first("og:image", "og:image:url", "twitter:image"))

    @cached_property
    def language(self) -> str | None:
        """JSON-LD inLanguage, else <html lang>."""
        return self._d.stated("inLanguage") or collapse_ws(self._d.html_lang) or None

    @cached_property
    def locale(self) -> str | None:
        """og:locale (`ar_AR`)."""
        return self._d.first("og:locale")

    @cached_property
    def article_body(self) -> str | None:
        return _text_block(self._d.article.get("articleBody"))

    @cached_property
    def breadcrumbs(self) -> list[str]:
        """Of the first JSON-LD BreadcrumbList that names any."""
        return next((c for c in map(_breadcrumbs, self._d.crumb_lists) if c), [])

    @property
    def ld_types(self) -> set[str]:
        return self._d.ld_types

    @property
    def is_article(self) -> bool:
        """The page calls itself an article (a JSON-LD article type or og:type); JSON-LD
        first: og:type needs the meta table, which the site rules rarely need otherwise."""
        return bool(self.ld_types & ARTICLE_TYPES) or self.og_type == "article"

    @property
    def is_listing(self) -> bool:
        return not self.is_article and (
            bool(self.ld_types & LISTING_TYPES) or self.og_type == "website"
        )


DECLARING_TAGS = ("meta", "title", "link", "script")  # every element the metadata comes from
LD_JSON = "application/ld+json"
# strict=False: control characters allowed inside strings. Built once: `json.loads(…,
# strict=False)` builds a decoder and its scanner for every script.
_LENIENT_JSON = json.JSONDecoder(strict=False)


def _declaring(tree: LexborHTMLParser) -> dict[str, list[LexborNode]]:
    """The elements of `DECLARING_TAGS`, by tag, in page order. (lexbor lists a tag's
    elements several times faster than it answers one CSS query for all four.)"""
    return {tag: tree.tags(tag) for tag in DECLARING_TAGS}


def _meta_table(metas: list[LexborNode]) -> dict[str, list[str]]:
    """Every <meta property|name=… content=…>, by lower-cased key, contents in page order
    (stripped; collapsed when read)."""
    table: dict[str, list[str]] = {}
    for tag in metas:
        attributes = tag.attrs  # read in place; `.attributes` copies them all
        key = (value_of(attributes, ("property", "name")) or "").lower()
        value = value_of(attributes, ("content",))
        if key and value:
            table.setdefault(key, []).append(value)
    return table


# Loops, not next() over a generator: the generator left unfinished is closed by raising
# GeneratorExit in it, which costs more than the search on most pages.


def _page_title(titles: list[LexborNode]) -> str | None:
    """The text of the first <title> that has any."""
    for title in titles:
        text = title.text(deep=False)
        if text:
            return text
    return None


def _canonical(links: list[LexborNode]) -> str | None:
    """The href of the first <link rel="canonical" href=…> (exactly: CSS ignores case)."""
    for link in links:
        attributes = link.attributes  # a copy: cheaper than `attrs` asked for a missing one
        if attributes.get("rel") == "canonical" and "href" in attributes:
            return attributes["href"] or ""
    return None


def _ld_scripts(scripts: list[LexborNode]) -> list[str]:
    """The text of every <script type="application/ld+json"> (exactly)."""
    # `attributes` (a copy of them all) costs less than `attrs` asked for a missing one
    return [s.text(deep=False) for s in scripts if s.attributes.get("type") == LD_JSON]


def _html_lang(root: LexborNode | None) -> str | None:
    return root.attributes.get("lang") if root is not None and root.tag == "html" else None


# --- JSON-LD ------------------------------------------------------------------------------


def _ld_nodes(scripts: list[str]) -> Iterator[dict[str, Any]]:
    """Every JSON object of the ld+json `scripts`, @graph and lists flattened."""
    for raw in scripts:
        try:
            data = _LENIENT_JSON.decode(raw)
        except ValueError:
            continue
        yield from _flatten(data)


def _flatten(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _flatten(item)
    elif isinstance(data, dict):
        yield data
        if "@graph" in data:
            yield from _flatten(data["@graph"])


def _types(node: dict[str, Any]) -> set[str]:
    raw = node.get("@type")
    items = raw if isinstance(raw, list) else [raw]
    return {t.rsplit("/", 1)[-1] for t in items if isinstance(t, str)}


def _names(value: Any) -> list[str]:
    """Names from a string, an object with `name`, or a list of either."""
    if isinstance(value, str):
        return [collapse_ws(value)]
    if isinstance(value, dict):
        return _names(value.get("name"))
    if isinstance(value, list):
        return [n for item in value for n in _names(item)]
    return []


def _url_of(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dict):
        return _url_of(value.get("url") or value.get("contentUrl") or value.get("@id"))
    if isinstance(value, list):
        return next((u for u in map(_url_of, value) if u), None)
    return None


def _keywords(value: Any) -> list[str]:
    if isinstance(value, str):
        return [collapse_ws(k) for k in re.split(r"[,،]", value)]
    if isinstance(value, list):
        return [k for item in value for k in _keywords(item)]
    return []


def _text(value: Any) -> str | None:
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), None)
    return (collapse_ws(value) or None) if isinstance(value, str) else None


def _crumb_name(item: dict[str, Any]) -> str | None:
    inner = item.get("item")
    inner_name = _text(inner.get("name")) if isinstance(inner, dict) else None
    return _text(item.get("name")) or inner_name


def _position(item: dict[str, Any]) -> int:
    position = item.get("position")
    return position if isinstance(position, int) else 0


def _breadcrumbs(node: dict[str, Any]) -> list[str]:
    items = node.get("itemListElement")
    if not isinstance(items, list):
        return []
    ordered = sorted((i for i in items if isinstance(i, dict)), key=_position)
    return [n for n in map(_crumb_name, ordered) if n]


def _text_block(value: Any) -> str | None:
    """articleBody keeps its line breaks (they separate paragraphs)."""
    return (remove_controls(value).strip() or None) if isinstance(value, str) else None



def _read_json_ld(scripts: list[str], declared: Declarations) -> None:
    for node in _ld_nodes(scripts):
        types = _types(node)
        declared.ld_types |= types
        if "BreadcrumbList" in types:
            declared.crumb_lists.append(node)
        if types & ARTICLE_TYPES and not declared.article:
            declared.article = node


def read_metadata(tree: LexborHTMLParser, url: str) -> PageMetadata:
    """The page's metadata; relative URLs made absolute against `url`."""
    found = _declaring(tree)
    declared = Declarations(base=url, metas=found["meta"], titles=found["title"],
                            canonical=_canonical(found["link"]), root=tree.root)
    _read_json_ld(_ld_scripts(found["script"]), declared)
    return PageMetadata(declared)
