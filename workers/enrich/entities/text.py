"""Segments of an article as the entity rules see them: folded text, a flat form for the
automaton, and word tokens with what separates them.

Folding (diacritics, tatweel and bidi marks gone; alef/hamza forms, alef maqsura and taa
marbuta unified; digits as ASCII) is `workers.enrich.normalize.fold_text`, shared with the
other enrichers and cached per paragraph. The flat form replaces every non-word character by a
space, one for one, so an offset in it is an offset in the folded text, and the folded text
maps back to the article's own characters.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from workers.enrich.normalize import REMOVED_CHARS, FoldedText, fold_letters, fold_text

_NON_WORD = re.compile(r"[\W_]")
_WORD = re.compile(r"[^\W_]+")
_SPACES = re.compile(r"\s+")
_REMOVED = re.compile(f"[{REMOVED_CHARS}]")
_MAY_BE_DEFINITE = frozenset("اوفبكل")
_MAY_BE_DEFINITE = frozenset("اوفبكل")
_TOKEN = re.compile(r"([\W_]*)([^\W_]+)")
_TANWEEN = re.compile("[\u064b-\u064d]")
_ARABIC_LETTER = re.compile("[\u0621-\u064a]")
_LATIN_LETTER = re.compile("[A-Za-z]")
# Punctuation that ends a name or a title; guillemets and quotes do not (a title may name a
# party in quotes: «رئيس حزب «الحركة القومية» دولت بهشلي»).
HARD_SEPARATORS = frozenset("،,.;؛:!?؟()[]{}—–/|\n")
OPEN_QUOTES = frozenset("«\"“")
CLOSE_QUOTES = frozenset("»\"”")


@dataclass(slots=True)
class Token:  # not frozen: a frozen dataclass costs twice as much to build, per word
    start: int  # offsets in the folded text
    end: int
    text: str  # folded
    hard_before: bool  # a hard separator (comma, full stop…) between this and the previous
    gap: str  # the characters between the previous token and this one
    definite: bool  # starts with the article ال (or a proclitic and ال, or لل)

    @property
    def quote_before(self) -> bool:
        return bool(self.gap) and _QUOTE.search(self.gap) is not None


@dataclass(eq=False)
class Segment:
    """One piece of an article's text: the title, subtitle, caption or one paragraph."""

    index: int
    folded: FoldedText
    padded: str  # " " + flat form + " ": every word has a space on each side
    tokens: tuple[Token, ...]
    tanween: bool  # the original has tanween somewhere (names never take it)
    starts: list[int]  # each token's start

    @property
    def text(self) -> str:
        return self.folded.text

    def surface(self, start: int, end: int) -> str:
        """The article's own characters for the folded span [start, end), with the marks
        written on its last letter."""
        if end <= start:
            return ""
        folded = self.folded
        stop = folded.origin(end) if end < len(folded.text) else len(folded.original)
        return folded.original[folded.origin(start):stop].rstrip()

    def token_at(self, start: int) -> int | None:
        """The index of the token starting at folded offset `start`."""
        index = bisect_left(self.starts, start)
        return index if index < len(self.starts) and self.starts[index] == start else None


def flat_form(text: str) -> str:
    """`text` folded, non-word characters as single spaces, trimmed: how names are keyed."""
    return _SPACES.sub(" ", _NON_WORD.sub(" ", fold_letters(text))).strip()


def plain_name(text: str) -> str:
    """A name as it is reported: the article's letters without diacritics or tatweel."""
    return _SPACES.sub(" ", _REMOVED.sub("", text)).strip()


_HARD_GAP = re.compile("[" + re.escape("".join(sorted(HARD_SEPARATORS))) + "]|\\s-|-\\s")
_QUOTE = re.compile("[«»\"“”]")


def _gap_is_hard(gap: str) -> bool:
    """Punctuation that ends a name, or a spaced dash («كييف - موسكو»)."""
    return bool(gap) and _HARD_GAP.search(gap) is not None


def _definite(folded: FoldedText, start: int, word: str) -> bool:
    """Whether the article wrote the article ال («والسويدي», «للأمم»): folding makes
    «ألكسندر» and «إلى» look like it, so the alef is checked in the original."""
    if word.startswith("ال"):
        alef = start
    elif word.startswith("لل"):
        return True
    elif word[0] in "وفبك" and word.startswith("ال", 1):
        alef = start + 1
    else:
        return False
    original = alef if folded.offsets is None else folded.offsets[alef]
    return folded.original[original] == "ا"


def make_segment(index: int, text: str) -> Segment:
    folded = fold_text(text)
    body = folded.text
    tokens = []
    may_be_definite = _MAY_BE_DEFINITE
    for match in _TOKEN.finditer(body):
        gap, word = match.group(1, 2)
        start = match.start(2)
        tokens.append(Token(start, match.end(2), word, gap != " " and _gap_is_hard(gap), gap,
                            word[0] in may_be_definite and _definite(folded, start, word)))
    return Segment(index, folded, " " + _NON_WORD.sub(" ", body) + " ", tuple(tokens),
                   _TANWEEN.search(folded.original) is not None, [t.start for t in tokens])


def is_english(text: str) -> bool:
    """Whether `text` is written mostly in Latin letters (an English-edition article)."""
    latin = len(_LATIN_LETTER.findall(text))
    return latin > 2 * len(_ARABIC_LETTER.findall(text))


def quoted(segment: Segment, start: int, end: int) -> bool:
    """Whether the folded span [start, end) stands between quotes («…»)."""
    text = segment.text
    before = text[:start].rstrip()
    after = text[end:].lstrip()
    return bool(before) and before[-1] in OPEN_QUOTES and bool(after) and after[0] in CLOSE_QUOTES
