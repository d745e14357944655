"""From spans to entities: one entity per real-world thing, with all its mentions.

Spans of one key are one entity. Two more merges: a bare surname that an unknown person's
full name introduced earlier («جون ثون» … «ثون») and an institution named with and without
its nationality adjective («الجمعية الوطنية» / «الجمعية الوطنية الفرنسية»). A name the table
gives only as a linked form («كيم», «عون») is kept only when the article names the person
in full.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from workers.enrich.entities.arabic import coverage, is_definite, is_stop, nisba
from workers.enrich.entities.sources import OTHER, PERSON
from workers.enrich.entities.spans import GAZETTEER, RULE, Span
from workers.enrich.entities.text import Segment, flat_form
from workers.enrich.entities.words import arabic_words

MIN_SURNAME_LETTERS = 3
PROCLITIC_LETTERS = "وفبلك"


@dataclass
class Entity:
    type: str
    name: str
    name_en: str | None
    mentions: list[str] = field(default_factory=list)
    role: str | None = None
    role_kind: int = 0
    named_in_full: bool = False
    flat: str | None = None  # `flat_form(name)`, when known

    def add(self, span: Span, surface: str) -> None:
        self.mentions.append(surface)
        if span.name and span.priority != GAZETTEER and len(span.name) > len(self.name):
            self.name, self.flat = span.name, span.flat
        self.name_en = self.name_en or span.name_en
        self.named_in_full = self.named_in_full or not span.linked_only
        if span.role and span.role_kind > self.role_kind:
            self.role, self.role_kind = span.role, span.role_kind

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, "name": self.name, "name_en": self.name_en,
                "role": self.role if self.type == PERSON else None, "mentions": self.mentions}


def _surname(span: Span) -> str | None:
    words = (span.flat if span.flat is not None else flat_form(span.name or "")).split()
    if len(words) < 2:
        return None
    last = words[-1]
    known = arabic_words()
    if (len(last) < MIN_SURNAME_LETTERS or is_stop(last) or last in known.given_strong
            or last in known.given_weak):
        return None
    return last


def surname_spans(segments: list[Segment], spans: list[Span]) -> list[Span]:
    """Mentions of unknown people by surname alone, after their full name."""
    surnames = {s: span for span in spans if span.type == PERSON and span.priority != GAZETTEER
                if (s := _surname(span))}
    if not surnames:
        return []
    # every written form of a surname: itself, or behind one proclitic («لثون»)
    forms = {clitic + name: (name, 1) for name in surnames for clitic in PROCLITIC_LETTERS}
    forms.update((name, (name, 0)) for name in surnames)
    found: list[Span] = []
    for segment in segments:
        words = segment.words
        if forms.keys().isdisjoint(words):
            continue
        cover = coverage(segment, [s for s in spans if s.segment == segment.index])
        for index, word in enumerate(words):
            form = forms.get(word)
            if form is None or cover[index] is not None:
                continue
            person, clitic = surnames[form[0]], form[1]
            start = segment.starts[index]
            found.append(Span(segment.index, start + clitic, segment.end(index), start,
                              PERSON, person.key, name=person.name, priority=RULE,
                              flat=person.flat))
    return found


def _merge_keys(entities: dict[str, Entity]) -> dict[str, str]:
    """Key of an institution named without its nationality adjective → key with it.

    A short name merges into a long one of its type when the long one's words are the
    short one's and then only definite nisbas; when several long ones fit, the last named.
    Each long name looks up its own prefixes, rather than every pair of names being tried."""
    names = {key: tuple((e.flat if e.flat is not None else flat_form(e.name)).split())
             for key, e in entities.items() if e.type != PERSON}
    by_words: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    for key, words in names.items():
        by_words.setdefault((entities[key].type, words), []).append(key)
    longer: dict[str, str] = {}
    for long_key, long in names.items():  # in order: the last long name that fits wins
        first_adjective = len(long)  # where the run of definite nisbas that ends it starts
        while first_adjective and is_definite(long[first_adjective - 1]) and nisba(
                long[first_adjective - 1]):
            first_adjective -= 1
        type_ = entities[long_key].type
        for length in range(first_adjective, len(long)):
            for short_key in by_words.get((type_, long[:length]), ()):
                if short_key != long_key:
                    longer[short_key] = long_key
    return {key: longer[key] for key in names if key in longer}


def build_entities(segments: list[Segment], spans: list[Span]) -> list[dict[str, Any]]:
    by_segment = {segment.index: segment for segment in segments}
    entities: dict[str, Entity] = {}
    for span in sorted(spans, key=lambda s: (s.segment, s.start)):
        segment = by_segment[span.segment]
        entity = entities.get(span.key)
        if entity is None:
            entity = entities[span.key] = Entity(span.type, span.name or "", span.name_en,
                                                 flat=span.flat if span.name else "")
        entity.add(span, segment.surface(span.surface_start, span.end))
    for short_key, long_key in _merge_keys(entities).items():
        short = entities.pop(short_key)
        entities[long_key].mentions[:0] = short.mentions  # mention order kept roughly
        entities[long_key].named_in_full = True
    return [e.to_dict() for e in entities.values()
            if e.named_in_full and e.name and e.type != OTHER]
