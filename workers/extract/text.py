"""Text clean-up shared by every extractor: whitespace, noise words, captions, datelines.

All functions are pure and work on strings or on lxml elements read-only, except
`element_lines`, which reads `<br>` as a line break.

They run on every field of every page, so they take the cheap road where it gives the same
result (the tests hold them to the plain versions on arbitrary text): text already collapsed
returned as it is, `str.split` instead of a `\\s+` substitution (both split on exactly the
characters `str.isspace` accepts), a noise pattern run only when one of its words occurs,
all-letter words counted without a search, and a caption or a dateline searched only when it
has the bracket its patterns need.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import filterfalse

from lxml import etree

from workers.messages import Dateline

# C0 control characters but tab, newline, CR and form feed (whitespace): lxml cannot hold them
# and no field should carry them; they are removed from each text where it is collapsed.
_CONTROLS = "\x00-\x08\x0b\x0e-\x1f\x7f"
_CONTROL_CHARS = re.compile(f"[{_CONTROLS}]")
_CONTROL_BYTES = bytes([*range(0x09), *range(0x0B, 0x0D), *range(0x0E, 0x20), 0x7F])  # and FF
_ASCII_CONTROLS = bytes([*range(0x20), 0x7F])  # every ASCII character str.isprintable refuses
# Removed before whitespace is collapsed: invisible marks and the controls.
_INVISIBLE = re.compile(
    f"[{_CONTROLS}\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\u00ad]")
_LETTER_OR_DIGIT = re.compile(r"[^\W_]")  # `\w` is str.isalnum, or "_"
# Stands for <br> (trafilatura's <lb>) while lines are gathered; never in parsed HTML text.
LINE_BREAK = "\x1e"
_MAX_CREDIT_CHARS = 60
_MAX_CREDIT_WORDS = 6
# Parentheses that close a caption but are not a credit: a month's second name, a year.
_NOT_A_CREDIT = re.compile(
    r"^(?:\d{4}|[٠-٩]{4}|كانون الثاني|شباط|آذار|نيسان|أيار|حزيران|تموز|آب|أيلول"
    r"|تشرين الأول|تشرين الثاني|كانون الأول)$"
)
_DATELINE_SOURCE_FIRST = re.compile(r"«\s*(?P<source>[^»]+?)\s*»\s*\(\s*(?P<place>[^)]*?)\s*\)")
_DATELINE_PLACE_FIRST = re.compile(
    r"^(?P<place>[^«»():\-–]+?)\s*[-–:]\s*«\s*(?P<source>[^»]+?)\s*»"
)
_DATELINE_BARE = re.compile(r"^(?P<source>[^«»()]+?)\s*\(\s*(?P<place>[^)]*?)\s*\)$")
_PLACE_SEPARATOR = re.compile(r"\s*([-–/،,])\s*")
_PLACE_SEPARATORS_FOUND = re.compile("[-–/،,]")
BLOCK_TAGS = frozenset({
    "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "figure",
    "figcaption", "section", "article", "blockquote", "table", "tr", "td", "th", "header",
    "footer", "aside", "dd", "dt", "pre",
})


def collapse_ws(text: str | None) -> str:
    """One space for every run of whitespace (NBSP included); invisible marks and control
    characters removed."""
    if not text:
        return ""
    if text.isprintable() and "  " not in text and text[0] != " " and text[-1] != " ":
        # already collapsed, the common case: every whitespace but the space, every control
        # and every invisible mark (a format character) is unprintable: nothing would change
        return text
    if _INVISIBLE.search(text):
        text = _INVISIBLE.sub("", text)
    return " ".join(text.split())


def has_removable(text: str) -> bool:
    """Does `text` hold an invisible mark or a control (what `collapse_ws` removes)?"""
    return _INVISIBLE.search(text) is not None


def utf8(text: str) -> bytes:
    """`text` as UTF-8 (what lexbor parses); a lone surrogate passes through."""
    return text.encode("utf-8", "surrogatepass")


def count_bytes(data: bytes, which: bytes) -> int:
    """How many of the bytes `which` are in `data` (one C pass, no search)."""
    return len(data) - len(data.translate(None, which))


def is_printable(text: str) -> bool:
    """`str.isprintable()`, ~2× faster on ASCII text (a percent-encoded link): its bytes are
    searched for controls in one C pass instead of a character-database lookup per character."""
    if text.isascii():
        data = text.encode("ascii")
        return not count_bytes(data, _ASCII_CONTROLS)
    return text.isprintable()


def remove_controls(text: str, encoded: bytes | None = None) -> str:
    """`text` without control characters (form feed as a space), for lxml, which cannot
    hold them; text that is collapsed loses them anyway. `encoded`, the same text as UTF-8
    when the caller has it, spares encoding a whole page to look for them there: `bytes.translate`
    finds them ~5× faster than the pattern searches the text (no byte of a multi-byte
    sequence is below 0x80), and most pages have none."""
    if text.isprintable():
        return text
    if not count_bytes(encoded if encoded is not None else utf8(text), _CONTROL_BYTES):
        return text
    return _CONTROL_CHARS.sub("", text).replace("\x0c", " ")


def noise_pattern(noise: Iterable[str]) -> re.Pattern[str] | None:
    """A pattern matching any noise string as a whole token (not inside a longer word)."""
    words = sorted((w for w in noise if w), key=len, reverse=True)
    if not words:
        return None
    alternation = "|".join(re.escape(w) for w in words)
    return re.compile(rf"(?<![\w-])(?:{alternation})(?![\w-])")


class Noise:
    """A site's noise strings, compiled once. `clean` drops every noise token (a whole token:
    not inside a longer word), then collapses whitespace; the pattern runs only when one of
    the words occurs."""

    def __init__(self, strings: Iterable[str]) -> None:
        self.words = tuple(w for w in strings if w)
        self.pattern = noise_pattern(self.words)

    def clean(self, text: str | None) -> str:
        """Drop every noise token, then collapse whitespace."""
        return self.clean_collapsed(collapse_ws(text))

    def clean_collapsed(self, text: str | None) -> str:
        """`clean` for text already collapsed (`fastdom.node_text`, metadata)."""
        if not text:
            return ""
        if self.pattern is not None:
            for word in self.words:
                if word in text:
                    return collapse_ws(self.pattern.sub(" ", text))
        return text


def split_caption_credit(text: str | None) -> tuple[str | None, str | None]:
    """`caption (credit)` → (caption, credit); a caption with no credit → (caption, None).

    The credit is a short parenthesis at the very end, spaced or glued to the last word
    («…بالمسيرات(رويترز)»); a month's second name «(حزيران)» or a year is not a credit.
    """
    return split_collapsed_caption(collapse_ws(text))


def split_collapsed_caption(text: str) -> tuple[str | None, str | None]:
    """`split_caption_credit` of a collapsed text (the site path's, cleaned of its noise)."""
    if not text:
        return None, None
    found = trailing_parenthesis(text)
    if not found:
        return text, None
    # parts of a collapsed text: its only whitespace is single spaces, stripping collapses them
    caption, credit = found[0], found[1].strip()
    if not credit or len(credit.split()) > _MAX_CREDIT_WORDS or _NOT_A_CREDIT.match(credit):
        return text, None
    return caption.strip() or None, credit


def trailing_parenthesis(text: str) -> tuple[str, str] | None:
    """(before, inside) of a parenthesis that closes `text` (collapsed), holding 1 to 60
    characters and no parenthesis: `…شويغو (أ.ب)`, glued `…بالمسيرات(رويترز)`; else None."""
    opening = text.rfind("(")
    inside = text[opening + 1:-1]
    if (opening < 0 or text[-1] != ")" or not 0 < len(inside) <= _MAX_CREDIT_CHARS
            or ")" in inside):
        return None
    return text[:opening], inside


def _tidy_place(place: str) -> str | None:
    if not _PLACE_SEPARATORS_FOUND.search(place):
        return collapse_ws(place) or None
    place = _PLACE_SEPARATOR.sub(lambda m: f" {m[1]} " if m[1] in "-–/" else f"{m[1]} ", place)
    return collapse_ws(place) or None


def parse_dateline(text: str | None) -> Dateline:
    """«الشرق الأوسط» (موسكو ) → source «الشرق الأوسط», place «موسكو».

    Two places stay one string (`كييف - موسكو`); the print form `لندن: «الشرق الأوسط»`
    and a source without guillemets are read too. Anything else: place None, source None.
    """
    return parse_collapsed_dateline(collapse_ws(text))


def parse_collapsed_dateline(text: str) -> Dateline:
    """`parse_dateline` of a collapsed text (the site path's, cleaned of its noise)."""
    if not text or ("(" not in text and "«" not in text):  # every form has one of them
        return Dateline()
    for pattern in (_DATELINE_SOURCE_FIRST, _DATELINE_PLACE_FIRST, _DATELINE_BARE):
        found = pattern.search(text)
        if found:  # the source is collapsed: a part of `text` the pattern trims, unless
            # the guillemets hold only a space (`« »`), which the pattern cannot trim
            return Dateline(source=found["source"].strip() or None,
                            place=_tidy_place(found["place"]))
    return Dateline()


def element_text(element: etree._Element) -> str:
    """The text a reader sees in an element: inline text joined, block edges as spaces."""
    parts: list[str] = []
    _gather(element, parts)
    return collapse_ws("".join(parts))


def _gather(element: etree._Element, parts: list[str]) -> None:
    if not isinstance(element.tag, str):  # comments, processing instructions
        return
    block = element.tag in BLOCK_TAGS or element.tag == "br"
    if block:
        parts.append(" ")
    parts.append(element.text or "")
    for child in element:
        _gather(child, parts)
        parts.append(child.tail or "")
    if block:
        parts.append(" ")


def element_lines(element: etree._Element) -> list[str]:
    """The lines of one element: `<br>` separates them; empty lines are dropped.

    One `<p>` holding `line<br>line` is two paragraphs of the article.
    """
    parts: list[str] = []
    _gather_lines(element, parts)
    return [line for line in (collapse_ws(x) for x in "".join(parts).split(LINE_BREAK)) if line]


def _gather_lines(element: etree._Element, parts: list[str]) -> None:
    if not isinstance(element.tag, str):
        return
    if element.tag == "br":
        parts.append(LINE_BREAK)
        return
    parts.append(element.text or "")
    for child in element:
        _gather_lines(child, parts)
        parts.append(child.tail or "")


def unique(items: Iterable[str | None]) -> list[str]:
    """Non-empty strings in first-seen order, each once."""
    seen: dict[str, None] = {}
    for item in items:
        if item and item not in seen:
            seen[item] = None
    return list(seen)


def word_count(text: str) -> int:
    """Whitespace-separated tokens holding a letter or a digit (diacritics do not split
    words); all-letter tokens, most of them, are counted without a search."""
    tokens = text.split()
    others = list(filterfalse(str.isalpha, tokens))
    return len(tokens) - len(others) + sum(map(bool, map(_LETTER_OR_DIGIT.search, others)))
