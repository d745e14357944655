"""Small helpers over parsel selectors (the generic extractor, listing links), and `absolute`,
which every extractor uses. The site rules read the page with `fastdom` instead."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import urljoin, urlsplit, urlunsplit

from parsel import Selector, SelectorList

from workers.extract.text import element_text, is_printable, remove_controls

_HTTP = ("http", "https")
_DOT_SEGMENTS = (".", "..")


def text_of(found: Selector | SelectorList[Selector] | None) -> str:
    """Visible text of a selector (of the first one, for a list); "" when nothing matched."""
    if isinstance(found, SelectorList):
        found = found[0] if found else None
    if found is None or isinstance(found.root, str):
        return ""
    return element_text(found.root)


def attribute(found: Selector | SelectorList[Selector] | None,
              names: Iterable[str]) -> str | None:
    """The first non-blank value among the attributes `names` (of the first selector).

    Reads attributes one by one: parsel's `.attrib` copies them all and fails on a page
    whose broken markup made an attribute name lxml cannot read back.
    """
    if isinstance(found, SelectorList):
        found = found[0] if found else None
    if found is None or isinstance(found.root, str):
        return None
    for name in names:
        value = (found.root.get(name) or "").strip()
        if value:
            return value
    return None


def absolute(base: str, href: str | None) -> str | None:
    """`href` resolved on `base`; None for no link, a script or data link, or a URL that
    cannot be read (`http://[` : one broken link must not cost the page its article)."""
    href = href or ""
    printable = is_printable(href)  # most links are: one pass for both checks
    href = (href if printable else remove_controls(href)).strip()  # as the page's text lost them
    if not href or href.startswith(("javascript:", "data:", "mailto:")):
        return None
    try:
        return join_url(base, href, printable)
    except ValueError:
        return None


def join_url(base: str, href: str, printable: bool = False) -> str:
    """`urljoin(base, href)`, several times faster for the links pages are made of:
    `/path` and `http(s)://…` links that urljoin would give back unchanged (`_kept_as_is`)
    are joined as strings; a URL of another scheme is returned as it is; an http(s) URL,
    `//host/path` or `/path` on an http(s) page (no `;params`, no `.` or `..` segment) is
    what urljoin makes of it, the parts of `href` put back together; anything else goes to
    urljoin itself. (urljoin re-parses `base` for every link: ~6 µs a link.) `printable`:
    the caller knows `href` is (`str.isprintable`, a pass over a long link)."""
    if not base or ";" in href:
        return urljoin(base, href)
    scheme, origin = _origin(base)  # one base for all of a page's links
    if scheme in _HTTP and _kept_as_is(href, printable):
        return href if href[0] != "/" else origin + href
    parts = urlsplit(href)
    if parts.scheme and parts.scheme != scheme:
        return href  # what urljoin returns for another scheme
    if scheme not in _HTTP:
        return urljoin(base, href)
    if parts.netloc:
        return urlunsplit((scheme, parts.netloc, parts.path, parts.query, parts.fragment))
    if parts.path[:1] != "/" or any(s in _DOT_SEGMENTS for s in parts.path.split("/")):
        return urljoin(base, href)
    return urlunsplit((scheme, urlsplit(base).netloc, parts.path, parts.query, parts.fragment))


@lru_cache(maxsize=64)
def _origin(base: str) -> tuple[str, str]:
    """(scheme, `scheme://host`) of a page's URL."""
    parts = urlsplit(base)
    return parts.scheme, f"{parts.scheme}://{parts.netloc}"


def _kept_as_is(href: str, printable: bool) -> bool:
    """Is `href` a `/path` (not `//host`) or an `http(s)://` URL that urlsplit and urlunsplit
    give back unchanged: printable ASCII (urlsplit drops tabs and line breaks, checks
    non-ASCII and bracketed hosts), a host if any scheme, no dot segment, no empty query or
    fragment (dropped)."""
    if href[0] == "/":
        if href[1:2] == "/":
            return False
    elif not href.startswith(("http://", "https://")) or href.partition("://")[2][:1] in (
            "", "/", "?", "#"):
        return False  # not http(s), or no host: urljoin takes the page's
    return (href.isascii() and (printable or is_printable(href)) and "[" not in href
            and "]" not in href and "/." not in href and "?#" not in href
            and href[-1] not in "?#")
