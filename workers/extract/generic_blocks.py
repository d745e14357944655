"""trafilatura's main text of a page, read as Blocks: the units the boilerplate filters judge.

trafilatura returns its choice as a small XML tree (<p>, <head>, <list>/<item>,
<table>/<row>/<cell>, <quote>, <code>, <lb/> for line breaks). A Block is one line a reader
sees: a paragraph (each <lb> starts a new one, as <br> does in the site extractor), a
subheading, a list item, a table row. Items of one list and rows of one table share a
`group`, so a list of teaser links can be judged as a whole.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TypeAlias

from lxml import etree
from lxml.html import HtmlElement
from trafilatura import bare_extraction

from workers.extract.text import LINE_BREAK, collapse_ws

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)  # "discarding data" is our call


@dataclass
class Block:
    """One paragraph-level unit of the main text, as the reader sees it."""

    kind: str  # p, head, item, row, quote, code
    text: str
    group: int = 0  # list items and table rows of one list or table share a group
    words: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        self.words = len(self.text.split())


def trafilatura_body(root: HtmlElement, url: str) -> etree._Element | None:
    """trafilatura's main-text tree (<p>, <head>, <list>, <table>…) for the page, or None.

    bare_extraction copies the tree it is given, so `root` stays as it was.
    """
    try:
        document = bare_extraction(
            root, url=url,
            fast=True,  # no readability/justext fallback: they cost more than the rest
            favor_recall=True,  # measured: more of the text, and no more furniture
            include_comments=False, include_tables=True,
            include_links=False,  # True changes trafilatura's choices, for the worse here
            with_metadata=False,  # the page's metadata is read once, by read_metadata
            output_format="txt",  # "python" would also render a text we do not use
        )
    except (ValueError, TypeError, AttributeError):  # trafilatura gives up on odd markup
        return None
    return getattr(document, "body", None) if document is not None else None


STRUCTURE_TAGS = frozenset({"list", "table"})  # inside a paragraph: blocks of their own
# Inside an item or a cell, these start a line of their own (no word glued to the next).
INNER_BLOCK_TAGS = frozenset({"p", "head", "quote", "code", "item", "row", "cell", "div",
                              "list", "table"})


Piece: TypeAlias = str | etree._Element  # text, or a list or table met inside a paragraph


def _flow(element: etree._Element, out: list[Piece], nested: bool = True) -> None:
    """Append the element's text to `out` in reading order: strings (LINE_BREAK for <lb>
    and around inner blocks) and, where a list or a table sits inside it, that element
    itself (unless `nested` is False: then its text too)."""
    out.append(element.text or "")
    for child in element:
        tag = child.tag
        if tag == "lb":
            out.append(LINE_BREAK)
        elif tag in STRUCTURE_TAGS and nested:
            out.append(child)
        elif tag in INNER_BLOCK_TAGS:
            out.append(LINE_BREAK)
            _flow(child, out, nested)
            out.append(LINE_BREAK)
        elif isinstance(tag, str) and tag != "graphic":
            _flow(child, out, nested)
        out.append(child.tail or "")


def _split_lines(parts: list[str]) -> list[str]:
    lines = (collapse_ws(x) for x in "".join(parts).split(LINE_BREAK))
    return [line for line in lines if line]


def _cell_text(cell: etree._Element) -> str:
    pieces: list[Piece] = []
    _flow(cell, pieces, nested=False)
    return " ".join(_split_lines([p for p in pieces if isinstance(p, str)]))


class _Reader:
    """Walks trafilatura's body into Blocks, numbering lists and tables as groups."""

    def __init__(self) -> None:
        self.groups = 0
        self.blocks: list[Block] = []

    def read(self, body: etree._Element) -> list[Block]:
        pieces: list[Piece] = [body.text or ""]
        for child in body:  # each child of the body is a block of its own
            pieces += (child, LINE_BREAK + (child.tail or "") + LINE_BREAK)
        self._pieces(pieces, "p", 0)
        return self.blocks

    def _pieces(self, pieces: list[Piece], kind: str, group: int) -> None:
        """Lines of text as Blocks of `kind`; a list, a table or a block child in between
        read in its place."""
        parts: list[str] = []
        for piece in pieces:
            if isinstance(piece, str):
                parts.append(piece)
                continue
            self._lines(parts, kind, group)
            parts = []
            self._element(piece)
        self._lines(parts, kind, group)

    def _lines(self, parts: list[str], kind: str, group: int) -> None:
        self.blocks.extend(Block(kind, line, group) for line in _split_lines(parts))

    def _mixed(self, element: etree._Element, kind: str, group: int) -> None:
        pieces: list[Piece] = []
        _flow(element, pieces)
        self._pieces(pieces, kind, group)

    def _element(self, element: etree._Element) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == "list":
            self._list(element)
        elif tag == "table":
            self._table(element)
        elif tag and tag != "graphic":
            self._mixed(element, tag if tag in ("head", "quote", "code") else "p", 0)

    def _list(self, element: etree._Element) -> None:
        self.groups += 1
        group = self.groups
        for item in element.iterchildren("item"):
            self._mixed(item, "item", group)

    def _table(self, element: etree._Element) -> None:
        self.groups += 1
        group = self.groups
        for row in element.iter("row"):
            text = collapse_ws(" ".join(map(_cell_text, row.iterchildren("cell"))))
            if text:
                self.blocks.append(Block("row", text, group))


def body_blocks(body: etree._Element | None) -> list[Block]:
    """trafilatura's body as Blocks, in reading order."""
    return _Reader().read(body) if body is not None else []


def text_blocks(lines: list[str]) -> list[Block]:
    """Plain paragraphs (from our own block choice or articleBody) as Blocks."""
    return [Block("p", line) for line in lines]
