"""Segments of an article as the entity rules see them: folded text, its words and their
offsets, and word tokens with what separates them.

Folding (diacritics, tatweel and bidi marks gone; alef/hamza forms, alef maqsura and taa
marbuta unified; digits as ASCII) is `workers.enrich.normalize.fold_text`, shared with the
other enrichers and cached per paragraph. The flat form replaces every non-word character by a
space, one for one, so an offset in it is an offset in the folded text, and the folded text
maps back to the article's own characters.

Cost is what matters here (the whole enrichment has a budget of a few milliseconds per
article): a segment's words and offsets are built by C-level passes (`re.sub`, `str.split`,
`itertools`), and a `Token` only for the words a rule reads.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from itertools import accumulate, compress, count
from operator import add

from workers.enrich.normalize import REMOVED_CHARS, FoldedText, fold_letters, fold_text

_NON_WORD = re.compile(r"[\W_]")
_WORD = re.compile(r"[^\W_]+")
_SPACES = re.compile(r"\s+")
_REMOVED = re.compile(f"[{REMOVED_CHARS}]")
_NON_WORD_OR_SPACE = re.compile(r"[^\w ]")  # with "_": `_NON_WORD`, less the spaces
_MAY_BE_DEFINITE = frozenset("اوفبكل")
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
        return bool(self.gap) and QUOTE.search(self.gap) is not None


class Tokens(dict[int, Token]):
    """A segment's tokens by index, each built when first read: the rules read the words
    near their trigger words, not all of them, so a paragraph costs its word list (built by
    C-level splitting) and a Token for the few words a rule looks at. Read it like a list
    (`tokens[i]`, `tokens[-1]`); its length is `Segment.count`, not `len()`. (It holds the
    segment's lists, not the segment: no reference cycle for the garbage collector.)"""

    __slots__ = ("folded", "starts", "words")

    def __init__(self, folded: FoldedText, words: list[str], starts: list[int]) -> None:
        self.folded, self.words, self.starts = folded, words, starts  # (empty: dict.__new__)

    def __missing__(self, index: int) -> Token:
        words, starts = self.words, self.starts
        position = index + len(words) if index < 0 else index
        if not 0 <= position < len(words):
            raise IndexError(index)
        word, start = words[position], starts[position]
        previous = position - 1
        gap = self.folded.text[starts[previous] + len(words[previous]) if position else 0:start]
        token = Token(start, start + len(word), word, gap != " " and gap_is_hard(gap), gap,
                      word[0] in _MAY_BE_DEFINITE and _definite(self.folded, start, word))
        self[index] = token
        return token


class Segment:
    """One piece of an article's text: the title, subtitle, caption or one paragraph.

    Its words are parallel lists (`words` folded, `starts` their offsets in the folded
    text); `tokens[i]` is word i as a `Token`, with what comes before it."""

    __slots__ = (
        "_tanween_at",
        "count",
        "flat",
        "folded",
        "index",
        "starts",
        "tanween",
        "tokens",
        "triggers",
        "words",
    )

    def __init__(self, index: int, folded: FoldedText, flat: str, words: list[str],
                 starts: list[int], tanween: bool) -> None:
        self.index = index
        self.folded = folded
        self.flat = flat  # the folded text, its non-word characters as spaces (one for one)
        self.words = words  # folded
        self.starts = starts
        self.count = len(words)
        self.tanween = tanween  # the original has tanween somewhere (names never take it)
        self.tokens = Tokens(folded, words, starts)
        self.triggers: list[tuple[int, int]] | None = None  # (word, rule bits): arabic.py
        self._tanween_at: list[int] | None = None

    @property
    def text(self) -> str:
        return self.folded.text

    def surface(self, start: int, end: int) -> str:
        """The article's own characters for the folded span [start, end), with the marks
        written on its last letter."""
        if end <= start:
            return ""
        folded = self.folded
        offsets = folded.offsets  # `FoldedText.origin`, inlined: this runs for every mention
        if offsets is None:  # folding kept every character: the offsets are the same
            return folded.original[start:end].rstrip()
        length = len(offsets)
        begin = offsets[start] if start < length else len(folded.original)
        stop = offsets[end] if end < length else len(folded.original)
        return folded.original[begin:stop].rstrip()

    def has_tanween(self, start: int, end: int) -> bool:
        """Whether `surface(start, end)` has tanween (names never take it), without
        building it: tanween is folded away, so each one is kept as the folded offset it
        precedes (`bisect_right` of its original offset), and the surface has one exactly
        when one of those lies in (start, end]."""
        if not self.tanween:
            return False
        after = self._tanween_at
        if after is None:
            offsets = self.folded.offsets or ()  # tanween is folded away: never None here
            after = self._tanween_at = [bisect_right(offsets, match.start())
                                        for match in _TANWEEN.finditer(self.folded.original)]
        index = bisect_right(after, start)
        return index < len(after) and after[index] <= end

    def end(self, index: int) -> int:
        """Where word `index` ends: `Token.end`."""
        return self.starts[index] + len(self.words[index])

    def gap(self, index: int) -> str:
        """The characters before word `index` (after the word before it): `Token.gap`."""
        return self.folded.text[self.end(index - 1) if index else 0:self.starts[index]]

    def hard_before(self, index: int) -> bool:
        """`Token.hard_before` of word `index`, without building the token."""
        gap = self.gap(index)
        return gap != " " and gap_is_hard(gap)

    def definite(self, index: int) -> bool:
        """`Token.definite` of word `index`, without building the token."""
        word = self.words[index]
        return word[0] in _MAY_BE_DEFINITE and _definite(self.folded, self.starts[index], word)

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
QUOTE = re.compile("[«»\"“”]")


def gap_is_hard(gap: str) -> bool:
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
    """The segment of `text`, folded by `fold_text` (cached: the other enrichers fold the
    same paragraphs) and split into words at C speed: the flat form has only word characters
    and spaces, so its words are what `str.split(" ")` leaves that is not empty, and their
    offsets follow from the lengths of the pieces."""
    folded = fold_text(text)
    flat = _NON_WORD_OR_SPACE.sub(" ", folded.text)
    if "_" in flat:
        flat = flat.replace("_", " ")
    pieces = flat.split(" ")
    # a piece's offset: the lengths of the pieces before it, and one space after each
    starts = list(compress(map(add, accumulate(map(len, pieces), initial=0), count()), pieces))
    return Segment(index, folded, flat, list(filter(None, pieces)), starts,
                   folded.offsets is not None and _TANWEEN.search(folded.original) is not None)


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
