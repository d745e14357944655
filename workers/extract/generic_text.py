"""The main text of a page of a site without rules: trafilatura's choice, cleaned, or ours.

trafilatura (fast mode: no readability/justext fallback, which costs more than the rest
together; recall focus, which on news pages keeps more paragraphs without more boilerplate;
no comments) picks the article's block and strips most furniture. Its result is read as
Blocks (`generic_blocks`), which the boilerplate filters judge one by one and as runs
(`boilerplate`). When trafilatura keeps too little, the page's own JSON-LD articleBody or our
largest block of paragraphs replaces it, if that is clearly more and reads as prose.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from lxml import etree
from lxml.html import HtmlElement
from parsel import Selector

from workers.extract.boilerplate import PageHints, clean_blocks, key, link_key
from workers.extract.generic_blocks import Block, body_blocks, text_blocks, trafilatura_body
from workers.extract.generic_paragraphs import best_paragraphs, body_from_article_body
from workers.extract.metadata import PageMetadata

# --- recovery: when trafilatura keeps too little -------------------------------------------

RECOVER_BELOW_WORDS = 600  # trafilatura's text shorter than this may have missed the article
RECOVER_GAIN = 1.5  # the other candidate must be this many times longer…
RECOVER_MIN_EXTRA_WORDS = 40  # …and longer by this many words
MIN_PROSE_WORDS_PER_LINE = 12  # a candidate of shorter lines on average is a list or a menu
DUMP_SHARE = 0.5  # of a one-run dump's words, for paragraphs to stand in for it


def words_of(blocks: list[Block]) -> int:
    return sum(b.words for b in blocks)


def is_prose(blocks: list[Block]) -> bool:
    return bool(blocks) and words_of(blocks) >= MIN_PROSE_WORDS_PER_LINE * len(blocks)


def better_candidate(chosen: list[Block], candidate: list[Block]) -> bool:
    """Whether `candidate` (our own block of paragraphs, or the page's JSON-LD articleBody)
    should replace trafilatura's short result `chosen`: when it is clearly longer and reads
    as prose, or when trafilatura fell back to dumping the page's text as one run (its
    baseline, on pages of little text) and the candidate holds most of that text in
    paragraphs."""
    have, other = words_of(chosen), words_of(candidate)
    if not candidate:
        return False
    if len(chosen) == 1 and len(candidate) > 1 and other >= DUMP_SHARE * have:
        return True
    if have >= RECOVER_BELOW_WORDS:
        return False
    return other >= RECOVER_GAIN * have + RECOVER_MIN_EXTRA_WORDS and is_prose(candidate)


# --- the whole main text ------------------------------------------------------------------

CARD_PARTS = ("p", "div", "span", "h2", "h3", "h4", "h5", "li")  # lines of a linked card
_TITLE_SEPARATOR = re.compile(r"\s+[|–—:-]\s+|\s+[|–—]|[|–—]\s+")


def page_hints(doc: Selector, meta: PageMetadata, headlines: Iterable[str]) -> PageHints:
    """Headlines, site name, authors and link texts of the page, as the filters compare them."""
    titles = [*headlines, meta.title or "", meta.site_name or ""]
    titles += _TITLE_SEPARATOR.split(meta.page_title or "")
    links = (link_key(text) for a in _anchors(doc) for text in _link_texts(a))
    return PageHints(
        titles=frozenset(k for k in map(key, titles) if k),
        authors=frozenset(k for k in map(key, meta.authors) if k),
        links=frozenset(k for k in links if k),
    )


def _link_texts(anchor: etree._Element) -> Iterator[str]:
    """A link's text, and for a card (a link wrapping a headline and a summary) the text of
    each of its parts, which trafilatura may keep as lines of their own."""
    if len(anchor) == 0:
        yield anchor.text or ""
        return
    yield "".join(anchor.itertext())
    for part in anchor.iterdescendants(*CARD_PARTS):
        yield "".join(part.itertext())


def _anchors(doc: Selector) -> Iterator[etree._Element]:
    root = doc.root
    return root.iter("a") if isinstance(root, etree._Element) else iter(())


def main_text(doc: Selector, url: str, meta: PageMetadata,
              headlines: Iterable[str] = ()) -> list[str]:
    """The article's paragraphs: trafilatura's, cleaned of furniture (a line repeating one
    of `headlines` among it); our own block of paragraphs or the page's articleBody when
    trafilatura kept too little."""
    hints = page_hints(doc, meta, headlines)
    root = doc.root
    body = trafilatura_body(root, url) if isinstance(root, HtmlElement) else None
    chosen = clean_blocks(body_blocks(body), hints)
    if words_of(chosen) < RECOVER_BELOW_WORDS or len(chosen) == 1:
        for lines in (body_from_article_body(meta.article_body), best_paragraphs(doc)):
            candidate = clean_blocks(text_blocks(lines), hints)
            if better_candidate(chosen, candidate):
                chosen = candidate
    return [b.text for b in chosen]
