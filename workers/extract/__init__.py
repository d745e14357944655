"""Extraction: a pure function of (html, url) → Article. No Scrapy, Celery or Redis here.

`extract_article` picks the site's rules (by name, else by the URL's domain) or, for a site
with no rules (or a site file without selectors), a modest generic extraction; it raises only
`NotAnArticle` (a listing, an error page, an empty or binary body) or `ExtractionError` (a
ValueError: extraction broke). `extract_with` takes the rules to use (None: generic).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from parsel import Selector

from workers.extract.decode import decode_html
from workers.extract.errors import ExtractionError, NotAnArticle
from workers.extract.fastdom import parse_html
from workers.extract.generic import extract_generic
from workers.extract.language import declared_language, detect_language
from workers.extract.links import listing_article_links
from workers.extract.metadata import PageMetadata, read_metadata
from workers.extract.site import extract_site
from workers.extract.text import count_bytes, remove_controls, utf8
from workers.messages import Article
from workers.sites import SiteRules, get_site, site_for_url

__all__ = [
    "ExtractionError", "NotAnArticle", "decode_html", "extract_article", "extract_with",
    "listing_article_links", "rules_for",
]

SNIFF_CHARS = 4096  # the page's first characters (and first bytes of its UTF-8) tell binary
MAX_CONTROL_SHARE = 0.05  # of the first bytes; more and the "page" is binary
MAX_REPLACEMENT_SHARE = 0.25  # U+FFFD left by decoding bytes that are not text
_BINARY_BYTES = bytes([*range(0x09), 0x0B, *range(0x0E, 0x20)])  # C0 but tab, LF, FF, CR


def _looks_binary(text: str, data: bytes) -> bool:
    """Controls in the first bytes of the page's UTF-8 `data` (counted there, ~5× faster than
    in the text: no byte of a multi-byte sequence is below 0x80), or U+FFFD in its first
    characters."""
    window = data[:SNIFF_CHARS]
    head = text[:SNIFF_CHARS]
    return (count_bytes(window, _BINARY_BYTES) > MAX_CONTROL_SHARE * len(window)
            or ("\ufffd" in head  # no counting without one: `in` is a memchr on most heads
                and head.count("\ufffd") > MAX_REPLACEMENT_SHARE * len(head)))


def _page_text(html: str | bytes) -> tuple[str, bytes]:
    """The page's text and the same text as UTF-8 (what lexbor parses). Control characters
    stay: each field loses them as its text is collapsed (`text.collapse_ws`), and the
    page's text loses them before lxml reads it (`text.remove_controls`): looking for them
    in the whole page cost a pass over its UTF-8 (3 % of reading it by its site's rules)."""
    text = decode_html(html, None) if isinstance(html, bytes) else html
    if not isinstance(text, str):
        raise ExtractionError(f"html must be str or bytes, not {type(html).__name__}")
    if not text or text.isspace():
        raise NotAnArticle("empty page")
    data = utf8(text)
    if _looks_binary(text, data):
        raise NotAnArticle("binary content, not an HTML page")
    return text, data


def _check_url(url: str) -> None:
    parts = urlsplit(url) if isinstance(url, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        raise ExtractionError(f"url must be an absolute http(s) URL, not {url!r}")


def rules_for(url: str, site: str | None = None, canonical: str | None = None) -> SiteRules | None:
    """The rules named `site`, else those of the URL's domain, else those of the domain the
    page names as canonical (a mirror of a known site), else None (generic)."""
    named = get_site(site) if site else None
    return named or site_for_url(url) or (site_for_url(canonical) if canonical else None)


def _language(article: Article, meta: PageMetadata, by_rules: bool) -> str | None:
    """The site path believes the language the page declares (lingua costs ~1 ms a page;
    the enrichment detects it per paragraph anyway) and asks lingua only when none is
    declared; the generic path asks lingua first, the declaration when lingua cannot tell."""
    declared = declared_language(meta.language) or declared_language(meta.locale)
    if by_rules and declared:
        return declared
    found = detect_language(f"{article.title}\n{article.text}")
    return found or (meta.language or "")[:2].lower() or None


def _finish(article: Article, meta: PageMetadata, fetched_at: str | None,
            by_rules: bool) -> Article:
    article.fetched_at = fetched_at
    article.finalize()
    article.language = _language(article, meta, by_rules)
    return article  # enrichment (word count, reading time…) is `workers.enrich`'s


def extract_article(html: str | bytes, url: str, site: str | None = None,
                    fetched_at: str | None = None) -> Article:
    """The article on the page at `url` (the URL as fetched; relative links resolve on it).

    `html` is the page's text; raw bytes are decoded from the page's own declaration (a
    caller holding the Content-Type header should call `decode_html(body, content_type)`).

    `site` names the rules to use (the crawler's site); without it the URL's domain decides,
    then the canonical URL's (a mirror such as the replica names the original).
    Raises NotAnArticle or ExtractionError, nothing else.
    """
    return _extract(html, url, site, fetched_at,
                    lambda meta: rules_for(url, site, meta.canonical or meta.og_url))


def extract_with(html: str | bytes, url: str, rules: SiteRules | None,
                 site: str | None = None, fetched_at: str | None = None) -> Article:
    """The article by exactly `rules`; None (or rules without selectors) takes the generic
    path, naming the article's site `site` (default: the rules' name, else the host).
    For comparing the two paths on one page (`akhbar sites check`)."""
    return _extract(html, url, site or (rules.name if rules else None), fetched_at,
                    lambda _meta: rules)


def _site_name(url: str, site: str | None, rules: SiteRules | None) -> str:
    return rules.name if rules else site or (urlsplit(url).hostname or "").removeprefix("www.")


def _require_content(article: Article) -> None:
    """An article needs a headline and some text; a page with neither rules nor metadata
    finding them (an empty shell, a broken fragment) is not one."""
    if not article.body:
        raise NotAnArticle("no article text found" + ("" if article.title else " and no headline"))
    if not article.title:
        raise NotAnArticle("no headline found")


def _extract(html: str | bytes, url: str, site: str | None, fetched_at: str | None,
             pick: Callable[[PageMetadata], SiteRules | None]) -> Article:
    text, data = _page_text(html)
    _check_url(url)
    try:
        tree = parse_html(data)
        meta = read_metadata(tree, url)
        rules = pick(meta)
        site_rules = rules if rules is not None and rules.has_rules else None
        if site_rules is not None:
            article = extract_site(tree, url, site_rules, meta)
        else:
            # trafilatura and the generic helpers work on lxml
            doc = Selector(text=remove_controls(text, data))
            article = extract_generic(doc, url, _site_name(url, site, rules), meta)
        _require_content(article)
        return _finish(article, meta, fetched_at, by_rules=site_rules is not None)
    except (NotAnArticle, ExtractionError):
        raise
    except Exception as exc:  # a parser or rule bug: one clear error class for the caller
        raise ExtractionError(f"extracting {url} failed: {type(exc).__name__}: {exc}") from exc
