"""One table of every known name, built once per process, looked up a word at a time.

Each name is added in its flat form, as whole words; Arabic names are added once more behind
each proclitic (و ف ب ل ك and their pairs: «لشويغو», «وبروسيا») and, for names with the
article, in the «لل» form («للأمم المتحدة»). A name is found where the segment's words are its
words, one non-word character apart (the flat form " كوريا الشماليه ": a space or a hyphen
between them, not a comma) — what an Aho-Corasick automaton over the padded flat text finds,
for one dictionary lookup per word (`map`, at C speed) instead of a walk per character, and
only the few words that start a name read further. Matches are then checked against the folded
text (no punctuation inside a multi-word name, quotes for quoted-only names).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cache
from itertools import compress

from workers.enrich.entities.arabic import trigger_table
from workers.enrich.entities.sources import (
    GEONAMES,
    LINKED_ONLY,
    NEEDS_HEAD,
    QUOTED_ONLY,
    Entry,
    all_entries,
)
from workers.enrich.entities.spans import GAZETTEER, Span
from workers.enrich.entities.text import Segment, flat_form, plain_name, quoted
from workers.enrich.entities.words import arabic_words

CLITIC_PREFIXES = ("", "و", "ف", "ب", "ل", "ك", "وب", "ول", "وك", "فب", "فل", "فك")
# ك ("like") is rare before a city and makes «كورونا» ك + «ورونا» (Verona)
CLITIC_PREFIXES_GEONAMES = ("", "و", "ف", "ب", "ل", "وب", "ول", "فب", "فل")
ARTICLE_CLITICS = ("لل", "ولل", "فلل")  # ل + ال writes «لل»: «للأمم المتحدة»
MIN_LETTERS_FOR_CLITICS = 3  # «ومصر»
MIN_LETTERS_FOR_CLITICS_GEONAMES = 4  # «فرقة» is not ف + «رقة» (Raqqa)
_ALLOWED_INSIDE = frozenset(" -'’&+")


@dataclass(frozen=True, slots=True)
class Candidate:
    entry: int
    flags: frozenset[str]


@dataclass(frozen=True, slots=True)
class Pattern:
    clitic: int  # letters of proclitic before the name
    punctuation: frozenset[str]  # non-word characters the written form itself has
    candidates: tuple[Candidate, ...]


# What a span of an entry reports, worked out once per entry and flag set: type, key,
# whether an Arabic article reports the text's own spelling (else the Arabic name), the
# Arabic name and its flat form, the name on an English article and its flat form, the
# English name, and whether it is linked-only.
Reported = tuple[str, str, bool, str | None, str | None, str | None, str | None, str | None,
                 bool]


def _reported(entry: Entry, flags: frozenset[str]) -> Reported:
    name_ar, name_en_text = entry.name_ar or entry.name_en, entry.name_en or entry.name_ar
    return (entry.type, entry.key, entry.name_from_text, name_ar, _flat(name_ar), name_en_text,
            _flat(name_en_text), entry.name_en, LINKED_ONLY in flags)


def _flat(name: str | None) -> str | None:
    return flat_form(name) if name else None


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


# A name by its first word, flat, so that a match reads few objects: the words after its
# first, its proclitic's length, whether it has several words, the punctuation its written
# form has, its candidates, and what it reports when its first candidate needs no check.
Name = tuple[list[str], int, bool, frozenset[str], tuple[Candidate, ...], Reported | None]


class Gazetteer:
    """The known names by first word. `triggers` (word → bits) are the words that start a
    rule (`arabic.triggers`): they are looked up with the names, one lookup a word."""

    def __init__(self, entries: list[Entry], triggers: dict[str, int] | None = None) -> None:
        self.entries = entries
        patterns: dict[str, Pattern] = {}
        for index, entry in enumerate(entries):
            for form, flags in entry.forms:
                self._add(patterns, form, Candidate(index, flags))
        by_first_word: dict[str, list[Name]] = {}
        reported: dict[Candidate, Reported] = {}
        for key, pattern in patterns.items():
            first = pattern.candidates[0]
            free = not (QUOTED_ONLY in first.flags or NEEDS_HEAD in first.flags)
            if free and first not in reported:
                reported[first] = self.reported(first)
            words = key.strip(" ").split(" ")  # " لل امم " → ["لل", "امم"]: single spaces
            by_first_word.setdefault(words[0], []).append((
                words[1:], pattern.clitic, len(words) > 1, pattern.punctuation,
                pattern.candidates, reported[first] if free else None))
        self.finds_triggers = triggers is not None
        triggers = triggers or {}
        self.words: dict[str, tuple[tuple[Name, ...] | None, int]] = {
            word: (tuple(by_first_word[word]) if word in by_first_word else None,
                   triggers.get(word, 0))
            for word in {*by_first_word, *triggers}}

    def reported(self, candidate: Candidate) -> Reported:
        return _reported(self.entries[candidate.entry], candidate.flags)

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
                patterns[key] = Pattern(clitic, punctuation, (candidate,))
            elif known.clitic == clitic and candidate not in known.candidates:
                patterns[key] = Pattern(clitic, known.punctuation, (*known.candidates, candidate))

    def spans(self, segment: Segment, english_text: bool) -> list[Span]:
        """Every known name in `segment` (overlapping ones too), as spans; and, in passing,
        the segment's trigger words (`Segment.triggers`)."""
        found: list[Span] = []
        words, starts, count = segment.words, segment.starts, segment.count
        tanween = segment.tanween
        looked_up = list(map(self.words.get, words))
        triggers: list[tuple[int, int]] = []
        for first in compress(range(count), looked_up):
            names, kinds = looked_up[first]  # type: ignore[misc]
            if kinds:
                triggers.append((first, kinds))
            if names is None:
                continue
            surface_start = starts[first]
            for rest, clitic, multiword, punctuation, candidates, reported in names:
                if rest:
                    last = first + len(rest)
                    if last >= count or words[first + 1] != rest[0] or not _words_follow(
                            words, starts, first, last, rest):
                        continue
                else:
                    last = first
                start, stop = surface_start + clitic, starts[last] + len(words[last])
                # a one-word name is letters only, and so is the text under it
                if multiword and not _clean_inside(segment, start, stop, punctuation):
                    continue
                if tanween and segment.has_tanween(start, stop):
                    continue  # «كبيراً» is not ك + «بيرا» (Beira): names take no tanween
                if reported is None:
                    candidate = _choose(segment, candidates, surface_start, start, stop)
                    if candidate is None:
                        continue
                    reported = self.reported(candidate)
                (type_, key, from_text, name_ar, flat_ar, name_en_text, flat_en, name_en,
                 linked) = reported
                if english_text:
                    name, flat = name_en_text, flat_en
                elif from_text:
                    name, flat = plain_name(segment.surface(start, stop)), None
                else:
                    name, flat = name_ar, flat_ar
                found.append(Span(segment.index, start, stop, surface_start, type_, key, name,
                                  name_en, GAZETTEER, linked, flat=flat))
        if self.finds_triggers:
            segment.triggers = triggers
        return found


def _words_follow(words: list[str], starts: list[int], first: int, last: int,
                  rest: list[str]) -> bool:
    """Whether words first+1…last (in the segment) are `rest`, each one character after the
    one before (one space in the flat form, as in the name's own)."""
    if words[first + 1:last + 1] != rest:
        return False
    return all(starts[k + 1] == starts[k] + len(words[k]) + 1 for k in range(first, last))


def _clean_inside(segment: Segment, start: int, end: int, allowed: frozenset[str]) -> bool:
    """No punctuation inside a multi-word name beyond what its written form has."""
    inside = segment.text[start:end]
    if inside == segment.flat[start:end]:  # letters and spaces only
        return True
    return all(c.isalnum() or c in _ALLOWED_INSIDE or c in allowed for c in inside)


def _after_place_head(segment: Segment, surface_start: int) -> bool:
    index = segment.token_at(surface_start)
    if not index:
        return False
    words = arabic_words()
    previous = segment.words[index - 1]
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
    return Gazetteer(all_entries(common), trigger_table())


def gazetteer() -> Gazetteer:
    """The process's gazetteer, built on first use (about a second) and kept."""
    with _LOCK:
        return _build()
