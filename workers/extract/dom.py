"""Small helpers over parsel selectors, shared by the site and generic extractors."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urljoin

from parsel import Selector, SelectorList

from workers.extract.text import element_text


def text_of(found: Selector | SelectorList[Selector] | None) -> str:
    """Visible text of a selector (of the first one, for a list); "" when nothing matched."""
    if isinstance(found, SelectorList):
        found = found[0] if found else None
    if found is None or isinstance(found.root, str):
        return ""
    return element_text(found.root)


def first_text(scope: Selector, selectors: Iterable[str]) -> tuple[str, str | None]:
    """(text, selector) of the first selector that finds non-empty text; ("", None) if none."""
    for selector in selectors:
        for found in scope.css(selector):
            text = text_of(found)
            if text:
                return text, selector
    return "", None


def texts(scope: Selector, selector: str) -> list[str]:
    return [t for t in (text_of(found) for found in scope.css(selector)) if t]


def drop(scope: Selector, selectors: Iterable[str]) -> None:
    """Remove every element the selectors match (their tail text stays)."""
    for selector in selectors:
        for found in scope.css(selector):
            if found.root.getparent() is not None:
                found.drop()


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
    href = (href or "").strip()
    if not href or href.startswith(("javascript:", "data:", "mailto:")):
        return None
    return urljoin(base, href)
