"""Search forms of Arabic (and any) text, kept beside the original, never replacing it.

Two views of a text:

- `normalize_arabic(text)`: the search form stored in `enrichment["search"]` and hashed by the
  near-duplicate index. No diacritics (tashkeel) or tatweel; alef/hamza forms, alef maqsura and
  taa marbuta unified; Arabic-Indic and Persian digits as ASCII; bidi controls and zero-width
  characters gone; Arabic presentation forms (ﻻ, ﷲ…) replaced by their letters (NFKC, applied
  to those blocks only); whitespace collapsed; Latin lower-cased.
- `fold_text(text)`: the same letter folding without collapsing or lower-casing, with a map
  from each folded offset back to the original, so the other enrichers match their patterns on
  the folded text and still report the words as the article prints them.

Both are a few C-level passes (`re.sub`, `str.replace`) rather than a per-character loop: the
whole enrichment has a budget of a few milliseconds per article.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from typing import Any

from workers.messages import Article

# Tashkeel and Quranic marks, tatweel, bidi controls (LRM, RLM, ALM, LRE…RLO, LRI…PDI),
# zero-width space / non-joiner / joiner, word joiner and byte-order mark.
REMOVED_CHARS = (
    "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u0640"
    "\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff"
)
_REMOVED = re.compile(f"[{REMOVED_CHARS}]+")
_REMOVED_ONE = re.compile(f"[{REMOVED_CHARS}]")
# Arabic Presentation Forms-A and -B (the BOM at U+FEFF is removed above, not expanded).
_PRESENTATION = re.compile("[\ufb50-\ufdff\ufe70-\ufefe]")
_FOLDED_AWAY = re.compile(f"[{REMOVED_CHARS}\ufb50-\ufdff\ufe70-\ufefe]+")  # either of those
_NON_ASCII_DIGIT = re.compile("[\u0660-\u0669\u06f0-\u06f9\u066b\u066c]")
_DIGITS = str.maketrans(
    "٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫٬", "0123456789" "0123456789" ".,"
)
# One character for one character, so folding keeps offsets (see `fold_text`).
LETTER_FOLDS: tuple[tuple[str, str], ...] = (
    ("أ", "ا"), ("إ", "ا"), ("آ", "ا"), ("ٱ", "ا"), ("ٲ", "ا"), ("ٳ", "ا"),
    ("ى", "ي"), ("ی", "ي"), ("ة", "ه"), ("ک", "ك"),
)  # fmt: skip
_FOLDABLE = re.compile("[" + "".join(a for a, _ in LETTER_FOLDS) + "]")
FOLD_CACHE_SIZE = 256  # paragraphs: every enricher folds the same ones, once per article
_PUNCTUATION = re.compile(r"[^\w\s]+")


def _expand_presentation(text: str) -> str:
    return _PRESENTATION.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)


def _fold_letters(text: str) -> str:
    """The one-for-one part of folding: letters and digits, offsets unchanged."""
    if _FOLDABLE.search(text):
        for variant, plain in LETTER_FOLDS:
            text = text.replace(variant, plain)
    if _NON_ASCII_DIGIT.search(text):
        text = text.translate(_DIGITS)
    return text


def fold_letters(text: str) -> str:
    """Text without marks and controls, letters and digits folded; spacing and case kept."""
    if _PRESENTATION.search(text):
        text = _expand_presentation(text)
    return _fold_letters(_REMOVED.sub("", text))


def normalize_arabic(text: str) -> str:
    """The search form of `text` (see the module docstring); "" for no text."""
    if not text:
        return ""
    return " ".join(fold_letters(text).lower().split())


@lru_cache(maxsize=4096)
def normalized_name(text: str) -> str:
    """`normalize_arabic` for short strings that recur (entity names and mentions), cached."""
    return normalize_arabic(text)


@dataclass(frozen=True)
class FoldedText:
    """A text folded by `fold_letters`, with the way back to the original's offsets."""

    original: str
    text: str
    offsets: tuple[int, ...] | None = None  # original offset of each folded char; None: same

    def origin(self, index: int) -> int:
        if self.offsets is None:
            return index
        if index >= len(self.offsets):
            return len(self.original)
        return self.offsets[index]

    def original_span(self, start: int, end: int) -> str:
        """The original text of the folded span [start, end), with the marks that follow its
        last letter («معاً», not «معا»)."""
        if end <= start:
            return ""
        return self.original[self.origin(start):self.origin(end)]


def _folded_with_offsets(text: str) -> FoldedText:
    chars: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(text):
        if _REMOVED_ONE.match(char):
            continue
        if _PRESENTATION.match(char):
            for part in unicodedata.normalize("NFKC", char):
                if not _REMOVED_ONE.match(part):
                    chars.append(part)
                    offsets.append(index)
            continue
        chars.append(char)
        offsets.append(index)
    return FoldedText(text, _fold_letters("".join(chars)), tuple(offsets))


@lru_cache(maxsize=FOLD_CACHE_SIZE)
def fold_text(text: str) -> FoldedText:
    """`text` folded for matching, with offsets back to the original (cached: the
    enrichers of one article fold the same paragraphs).

    One scan finds what folding takes away; with no presentation form among it (nearly every
    text: the marks are tanween, shadda, bidi controls) the kept runs are joined and their
    offsets are ranges, at C speed — the same text and offsets as `_folded_with_offsets`,
    which handles the rest a character at a time."""
    pieces: list[str] = []
    kept: list[range] = []
    position = 0
    for match in _FOLDED_AWAY.finditer(text):
        start, end = match.span()
        if _PRESENTATION.search(text, start, end):
            return _folded_with_offsets(text)
        pieces.append(text[position:start])
        kept.append(range(position, start))
        position = end
    if not kept:
        return FoldedText(text, _fold_letters(text))
    pieces.append(text[position:])
    kept.append(range(position, len(text)))
    return FoldedText(text, _fold_letters("".join(pieces)), tuple(chain.from_iterable(kept)))


@lru_cache(maxsize=FOLD_CACHE_SIZE)
def folded_words(text: str) -> frozenset[str]:
    """The distinct words of `text` folded (punctuation taken off, case kept): enrichers test
    it for their trigger words with one set intersection before running any pattern."""
    return frozenset(_PUNCTUATION.sub(" ", fold_text(text).text).split())


def clear_caches() -> None:
    """Forget the folded paragraphs (benchmarks measure a cold article)."""
    fold_text.cache_clear()
    folded_words.cache_clear()


def article_text(article: Article) -> str:
    """The article's text, from `text` or, when it was not derived, from `body`."""
    if isinstance(article.text, str) and article.text:
        return article.text
    return "\n\n".join(p for p in article.body or [] if isinstance(p, str))


def paragraphs_of(article: Article) -> list[str]:
    """The body paragraphs that are text (a malformed record yields fewer, not an error)."""
    return [p for p in article.body or [] if isinstance(p, str) and p.strip()]


def enrich_search(article: Article, result: dict[str, Any]) -> dict[str, Any]:
    """{"search": {"title", "text"}}: the search forms of the title and the body."""
    title = article.title if isinstance(article.title, str) else ""
    return {"search": {"title": normalize_arabic(title),
                       "text": normalize_arabic(article_text(article))}}
