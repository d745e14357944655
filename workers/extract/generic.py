"""Extraction for a site with no rules: trafilatura's main text, cleaned of furniture, and
the page's own metadata for every other field.

The main text is `generic_text.main_text` (trafilatura in fast mode, our boilerplate
filters, our own recovery when trafilatura keeps too little); the other fields are
`generic_fields`. The helpers the site extractor falls back on (`best_paragraphs`,
`body_from_article_body`, `fallback_title`, `section_from_breadcrumbs`) live here too.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from parsel import Selector

from workers.extract.errors import NotAnArticle
from workers.extract.generic_fields import (
    PageIndex,
    headings,
    read_authors,
    read_dates,
    read_lead_image,
    read_related,
    read_section,
    read_tags,
    read_title,
    section_from_breadcrumbs,
)
from workers.extract.generic_paragraphs import best_paragraphs, body_from_article_body
from workers.extract.generic_text import main_text
from workers.extract.metadata import PageMetadata
from workers.extract.text import collapse_ws
from workers.messages import Article, Extraction

__all__ = [
    "best_paragraphs", "body_from_article_body", "extract_generic", "fallback_title",
    "section_from_breadcrumbs",
]

MIN_WORDS_WITHOUT_METADATA = 60  # a page not calling itself an article needs this much text
_TITLE_SEPARATOR = re.compile(r"\s+[|–—-]\s+")


def fallback_title(meta: PageMetadata) -> str:
    """The longest part of the page's <title> (`Headline | Site` → `Headline`)."""
    parts = _TITLE_SEPARATOR.split(meta.page_title or "")
    return max((collapse_ws(p) for p in parts), key=len, default="")


def _refuse(title: str, body: list[str], meta: PageMetadata) -> None:
    if not title and not body:
        raise NotAnArticle("no headline and no body")
    words = sum(len(p.split()) for p in body)
    if not meta.is_article and words < MIN_WORDS_WITHOUT_METADATA:
        kind = "listing page" if meta.is_listing else "no article"
        raise NotAnArticle(f"{kind}: the page does not call itself an article and has "
                           f"{words} words of paragraphs")


def extract_generic(doc: Selector, url: str, site: str, meta: PageMetadata) -> Article:
    """The article of a page of a site without rules; NotAnArticle when there is none."""
    h1s = headings(doc)
    title = read_title(meta, url, h1s)
    body = main_text(doc, url, meta, (title, *h1s[:1]))
    _refuse(title, body, meta)
    warnings: list[str] = []
    index = PageIndex(doc)
    published, updated = read_dates(doc, meta, url, index, warnings)
    canonical = meta.canonical or meta.og_url or url
    return Article(
        url=url, canonical_url=canonical, site=site or _host(url), title=title,
        section=read_section(meta, title, index), authors=read_authors(doc, meta, index),
        published_at=published, updated_at=updated, lead_image=read_lead_image(doc, meta, url),
        body=body, tags=read_tags(doc, meta, index), related=read_related(url, canonical, index),
        extraction=Extraction(method="generic", rules_version=None, warnings=warnings),
    )


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").removeprefix("www.")
