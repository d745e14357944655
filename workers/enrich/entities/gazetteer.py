"""One Aho-Corasick automaton over every known name, built once per process.

Each name is added in its flat form with a space on each side, so a match is always a whole
word (or words); Arabic names are added once more behind each proclitic (و ف ب ل ك and their
pairs: «لشويغو», «وبروسيا») and, for names with the article, in the «لل» form («للأمم
المتحدة»). The segment's padded flat text is scanned once; matches are then checked against
the folded text (no punctuation inside a multi-word name, quotes for quoted-only names).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import cache

import ahocorasick

from workers.enrich.entities.sources import GEONAMES, NEEDS_HEAD, QUOTED_ONLY, Entry, all_entries
from workers.enrich.entities.text import Segment, flat_form, quoted
from workers.enrich.entities.words import arabic_words

CLITIC_PREFIXES = ("", "و", "ف", "ب", "ل", "ك", "وب", "ول", "وك", "فب", "فل", "فك")
# ك ("like") is rare before a city and makes «كورونا» ك + «ورونا» (Verona)
CLITIC_PREFIXES_GEONAMES = ("", "و", "ف", "ب", "ل", "وب", "ول", "فب", "فل")
ARTICLE_CLITICS = ("لل", "ولل", "فلل")  # ل + ال writes «لل»: «للأمم المتحدة»
MIN_LETTERS_FOR_CLITICS = 3  # «ومصر»
MIN_LETTERS_FOR_CLITICS_GEONAMES = 4  # «فرقة» is not ف + «رقة» (Raqqa)
_ALLOWED_INSIDE = frozenset(" -'’&+")
_TANWEEN = re.compile("[\u064b-\u064d]")


@dataclass(frozen=True, slots=True)
class Candidate:
    entry: int
    flags: frozenset[str]


@dataclass(frozen=True, slots=True)
class Pattern:
    clitic: int  # letters of proclitic before the name
    length: int  # characters of the padded pattern
    punctuation: frozenset[str]  # non-word characters the written form itself has
    candidates: tuple[Candidate, ...]


@dataclass(frozen=True, slots=True)
class Match:
    start: int  # the name, in folded offsets
    end: int
    surface_start: int  # with its proclitic
    entry: int
    flags: frozenset[str]


def _is_arabic(form: str) -> bool:
    return any("\u0600" <= char <= "\u06ff" for char in form)


def _variants(flat: str, flags: frozenset[str]) -> list[tuple[str, int]]:
    """The name and its proclitic forms, with the proclitic's length."""
    shortest = MIN_LETTERS_FOR_CLITICS_GEONAMES if GEONAMES in flags else MIN_LETTERS_FOR_CLITICS
    if not _is_arabic(flat) or len(flat.replace(" ", "")) < shortest:
        return [(flat, 0)]
    prefixes = CLITIC_PREFIXES_GEONAMES if GEONAMES in flags else CLITIC_PREFIXES
    variants = [(prefix + flat, len(prefix)) for prefix in prefixes]
    if flat.startswith("ال"):
        variants += [(prefix + flat[2:], len(prefix) - 1) for prefix in ARTICLE_CLITICS]
    return variants


class Gazetteer:
    def __init__(self, entries: list[Entry]) -> None:
        self.entries = entries
        patterns: dict[str, Pattern] = {}
        for index, entry in enumerate(entries):
            for form, flags in entry.forms:
                self._add(patterns, form, Candidate(index, flags))
        self.automaton = ahocorasick.Automaton()
        for key, pattern in patterns.items():
            self.automaton.add_word(key, pattern)
        self.automaton.make_automaton()

    @staticmethod
    def _add(patterns: dict[str, Pattern], form: str, candidate: Candidate) -> None:
        flat = flat_form(form)
        if not flat:
            return
        punctuation = frozenset(c for c in form if not c.isalnum() and not c.isspace())
        for text, clitic in _variants(flat, candidate.flags):
            key = f" {text} "
            known = patterns.get(key)
            if known is None:
                patterns[key] = Pattern(clitic, len(key), punctuation, (candidate,))
            elif known.clitic == clitic and candidate not in known.candidates:
                patterns[key] = Pattern(clitic, known.length, known.punctuation,
                                        (*known.candidates, candidate))

    def matches(self, segment: Segment) -> list[Match]:
        found: list[Match] = []
        for end, pattern in self.automaton.iter(segment.padded):
            surface_start = end - pattern.length + 1  # padded offset of the leading space = +1
            start, stop = surface_start + pattern.clitic, end - 1
            if not _clean_inside(segment, start, stop, pattern.punctuation):
                continue
            if segment.tanween and _TANWEEN.search(segment.surface(start, stop)):
                continue  # «كبيراً» is not ك + «بيرا» (Beira): names take no tanween
            candidate = _choose(segment, pattern.candidates, surface_start, start, stop)
            if candidate is not None:
                found.append(Match(start, stop, surface_start, candidate.entry, candidate.flags))
        return found


def _clean_inside(segment: Segment, start: int, end: int, allowed: frozenset[str]) -> bool:
    """No punctuation inside a multi-word name beyond what its written form has."""
    inside = segment.text[start:end]
    if inside == segment.padded[start + 1:end + 1]:  # letters and spaces only
        return True
    return all(c.isalnum() or c in _ALLOWED_INSIDE or c in allowed for c in inside)


def _after_place_head(segment: Segment, surface_start: int) -> bool:
    index = segment.token_at(surface_start)
    if not index:
        return False
    words = arabic_words()
    previous = segment.tokens[index - 1].text
    return previous in words.settlement_heads or previous in words.feature_heads


def _choose(segment: Segment, candidates: tuple[Candidate, ...], surface_start: int,
            start: int, end: int) -> Candidate | None:
    for candidate in candidates:
        if QUOTED_ONLY in candidate.flags and not quoted(segment, surface_start, end):
            continue
        if NEEDS_HEAD in candidate.flags and not _after_place_head(segment, surface_start):
            continue
        return candidate
    return None


_LOCK = threading.Lock()


@cache
def _build() -> Gazetteer:
    words = arabic_words()
    common = (words.given_strong | words.given_weak | words.stop | words.settlement_heads
              | words.feature_heads)
    return Gazetteer(all_entries(common))


def gazetteer() -> Gazetteer:
    """The process's gazetteer, built on first use (about a second) and kept."""
    with _LOCK:
        return _build()
