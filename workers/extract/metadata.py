"""What a page says about itself: OpenGraph / article:* meta tags and JSON-LD.

This is the fallback for every field the site rules miss, and the whole of the generic
extractor's metadata. JSON-LD is read leniently: a list, an `@graph`, `@type` as a list,
authors as strings, objects or lists; a script that does not parse is skipped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from parsel import Selector

from workers.extract.dom import absolute, attribute
from workers.extract.text import collapse_ws, unique

ARTICLE_TYPES = frozenset({
    "NewsArticle", "Article", "ReportageNewsArticle", "AnalysisNewsArticle",
    "OpinionNewsArticle", "BackgroundNewsArticle", "ReviewNewsArticle", "BlogPosting",
    "LiveBlogPosting", "Report", "ScholarlyArticle", "TechArticle",
})
LISTING_TYPES = frozenset({"CollectionPage", "ItemList", "SearchResultsPage", "WebSite"})


@dataclass
class PageMetadata:
    """Fields a page declares about itself; every one may be missing."""

    title: str | None = None
    page_title: str | None = None  # the <title>, site name and all
    description: str | None = None
    canonical: str | None = None
    og_url: str | None = None
    og_type: str | None = None
    site_name: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None  # ISO 8601 as the page states it
    modified: str | None = None
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    image_url: str | None = None
    language: str | None = None  # <html lang>, or JSON-LD inLanguage
    article_body: str | None = None
    breadcrumbs: list[str] = field(default_factory=list)
    ld_types: set[str] = field(default_factory=set)

    @property
    def is_article(self) -> bool:
        """The page calls itself an article (og:type or a JSON-LD article type)."""
        return self.og_type == "article" or bool(self.ld_types & ARTICLE_TYPES)

    @property
    def is_listing(self) -> bool:
        return not self.is_article and (
            bool(self.ld_types & LISTING_TYPES) or self.og_type == "website"
        )


def _meta_table(doc: Selector) -> dict[str, list[str]]:
    """Every <meta property|name=… content=…>, by lower-cased key, values in page order."""
    table: dict[str, list[str]] = {}
    for tag in doc.xpath("//meta[@content]"):
        key = (attribute(tag, ("property", "name")) or "").lower()
        value = collapse_ws(attribute(tag, ("content",)))
        if key and value:
            table.setdefault(key, []).append(value)
    return table


def _meta(table: dict[str, list[str]], *names: str) -> list[str]:
    """Values of the meta tags `names`, in the order of the names."""
    return [value for name in names for value in table.get(name, [])]


def _first(values: list[str]) -> str | None:
    return values[0] if values else None


# --- JSON-LD ------------------------------------------------------------------------------


def _ld_nodes(doc: Selector) -> Iterator[dict[str, Any]]:
    """Every JSON object of every ld+json script, @graph and lists flattened."""
    for raw in doc.xpath('//script[@type="application/ld+json"]/text()').getall():
        try:
            data = json.loads(raw, strict=False)
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


def _apply_ld_article(meta: PageMetadata, node: dict[str, Any], base: str) -> None:
    """Fill the fields of `meta` that a JSON-LD article node states (JSON-LD wins over OG)."""
    meta.title = _text(node.get("headline")) or _text(node.get("name")) or meta.title
    meta.authors = unique(_names(node.get("author"))) or meta.authors
    meta.published = _text(node.get("datePublished")) or meta.published
    meta.modified = _text(node.get("dateModified")) or meta.modified
    meta.section = _text(node.get("articleSection")) or meta.section
    meta.tags = unique(_keywords(node.get("keywords"))) or meta.tags
    meta.image_url = absolute(base, _url_of(node.get("image"))) or meta.image_url
    meta.description = _text(node.get("description")) or meta.description
    meta.article_body = _text_block(node.get("articleBody")) or meta.article_body
    meta.language = _text(node.get("inLanguage")) or meta.language
    main = _url_of(node.get("mainEntityOfPage")) or _url_of(node.get("url"))
    meta.og_url = meta.og_url or absolute(base, main)


def _text_block(value: Any) -> str | None:
    """articleBody keeps its line breaks (they separate paragraphs)."""
    return (value.strip() or None) if isinstance(value, str) else None


def _read_json_ld(doc: Selector, meta: PageMetadata, base: str) -> None:
    article_seen = False
    for node in _ld_nodes(doc):
        types = _types(node)
        meta.ld_types |= types
        if "BreadcrumbList" in types and not meta.breadcrumbs:
            meta.breadcrumbs = _breadcrumbs(node)
        if types & ARTICLE_TYPES and not article_seen:
            _apply_ld_article(meta, node, base)
            article_seen = True


# --- OpenGraph and plain HTML ---------------------------------------------------------------


def _read_meta_tags(doc: Selector, meta: PageMetadata, base: str) -> None:
    tags = _meta_table(doc)
    meta.page_title = collapse_ws(doc.xpath("//title/text()").get()) or None
    meta.title = _first(_meta(tags, "og:title", "twitter:title"))
    meta.description = _first(_meta(tags, "og:description", "description", "twitter:description"))
    meta.canonical = absolute(base, doc.xpath('//link[@rel="canonical"]/@href').get())
    meta.og_url = absolute(base, _first(_meta(tags, "og:url")))
    meta.og_type = (_first(_meta(tags, "og:type")) or "").lower() or None
    meta.site_name = _first(_meta(tags, "og:site_name"))
    meta.authors = unique(a for a in _meta(tags, "author", "article:author") if "://" not in a)
    meta.published = _first(_meta(tags, "article:published_time", "datepublished", "pubdate",
                                  "publish-date", "date"))
    meta.modified = _first(_meta(tags, "article:modified_time", "og:updated_time", "datemodified"))
    meta.section = _first(_meta(tags, "article:section"))
    meta.tags = unique(_meta(tags, "article:tag")) or unique(
        _keywords(_first(_meta(tags, "keywords"))))
    meta.image_url = absolute(base, _first(_meta(tags, "og:image", "og:image:url",
                                                  "twitter:image")))
    meta.language = collapse_ws(doc.xpath("/html/@lang").get()) or None


def read_metadata(doc: Selector, url: str) -> PageMetadata:
    """The page's metadata; relative URLs made absolute against `url`."""
    meta = PageMetadata()
    _read_meta_tags(doc, meta, url)
    _read_json_ld(doc, meta, url)
    return meta
