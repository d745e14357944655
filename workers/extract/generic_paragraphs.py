"""Our own choice of an article's paragraphs, without trafilatura: the `<article>` holding
most of the page's paragraph text, else the element whose `<p>` hold the most text; and the
JSON-LD articleBody split into paragraphs.

The site extractor's last resort for a body, and the generic extractor's recovery when
trafilatura keeps too little of a page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from lxml import etree
from parsel import Selector

from workers.extract.text import collapse_ws, element_lines, element_text

# Paragraphs under these are page furniture, not article text.
FURNITURE_TAGS = frozenset({
    "nav", "header", "footer", "aside", "form", "figure", "figcaption", "blockquote",
    "noscript", "script", "style", "template", "button", "select",
})
TEXT_TAGS = ("p", "h2", "h3", "h4", "h5", "h6", "li", "pre")  # text of the chosen block
MAX_LINK_SHARE = 0.5  # a paragraph mostly made of links is navigation
ARTICLE_SHARE = 0.5  # an <article> holding this share of the paragraph text is the article


def body_from_article_body(article_body: str | None) -> list[str]:
    """JSON-LD articleBody split at its line breaks."""
    if not article_body:
        return []
    return [p for p in (collapse_ws(x) for x in article_body.splitlines()) if p]


def _is_furniture(element: etree._Element) -> bool:
    return any(a.tag in FURNITURE_TAGS for a in element.iterancestors())


def _link_share(element: etree._Element, length: int) -> float:
    linked = sum(len(element_text(a)) for a in element.iter("a"))
    return linked / length if length else 1.0


def _paragraphs(root: etree._Element) -> Iterator[tuple[etree._Element, int]]:
    """Every content paragraph under `root` with its text length."""
    for p in root.iter("p"):
        length = len(element_text(p))
        if length and not _is_furniture(p) and _link_share(p, length) <= MAX_LINK_SHARE:
            yield p, length


def _best_block(scored: list[tuple[etree._Element, int]]) -> etree._Element | None:
    """The element whose paragraphs hold the most text (a parent scores its children in
    full, a grandparent half)."""
    scores: dict[etree._Element, float] = defaultdict(float)
    for p, length in scored:
        parent = p.getparent()
        if parent is None:
            continue
        scores[parent] += length
        grandparent = parent.getparent()
        if grandparent is not None:
            scores[grandparent] += length / 2
    return max(scores, key=scores.__getitem__) if scores else None


def _main_article(scored: list[tuple[etree._Element, int]]) -> etree._Element | None:
    total = sum(length for _p, length in scored)
    per_article: dict[etree._Element, int] = defaultdict(int)
    for p, length in scored:
        article = next((a for a in p.iterancestors("article")), None)
        if article is not None:
            per_article[article] += length
    best = max(per_article, key=per_article.__getitem__, default=None)
    return best if best is not None and per_article[best] >= ARTICLE_SHARE * total else None


def best_paragraphs(scope: Selector) -> list[str]:
    """The article's paragraphs: of the `<article>` holding most of the page's paragraph
    text, else of the largest block of `<p>`. `<br>` lines are paragraphs of their own."""
    if isinstance(scope.root, str):
        return []
    scored = list(_paragraphs(scope.root))
    block = _main_article(scored)
    if block is None:
        block = _best_block(scored)
    if block is None:
        return []
    return [line for element in _text_elements(block) for line in element_lines(element)]


def _text_elements(block: etree._Element) -> Iterator[etree._Element]:
    """Paragraphs, subheadings, list items and preformatted text of the block, in order;
    an element holding others of these gives way to them; furniture and link lists left out."""
    for element in block.iter(*TEXT_TAGS):
        if next(element.iterdescendants(*TEXT_TAGS), None) is not None:
            continue
        length = len(element_text(element))
        if length and not _is_furniture(element) and (
                _link_share(element, length) <= MAX_LINK_SHARE):
            yield element
