"""Candidate spans from the gazetteer and the rules, and the choice among overlapping ones."""

from __future__ import annotations

from dataclasses import dataclass
from operator import attrgetter

GAZETTEER, RULE_STRONG, RULE = 3, 2, 1  # priorities when two spans are as long
ROLE_TITLE, ROLE_NATIONALITY = 2, 1  # a title («الرئيس الروسي») beats a bare nisba


@dataclass(slots=True)
class Span:
    segment: int
    start: int  # the name, in folded offsets of its segment
    end: int
    surface_start: int  # with a proclitic, if any («لشويغو»)
    type: str
    key: str  # entity key: spans with one key are one entity
    name: str | None = None  # the name to report, when the span's own text is not it
    name_en: str | None = None
    priority: int = RULE
    linked_only: bool = False  # a bare surname: kept only if the entity is named in full
    role: str | None = None
    role_kind: int = 0
    flat: str | None = None  # `flat_form(name)`, when it is known already

    @property
    def length(self) -> int:
        return self.end - self.surface_start

    def overlaps(self, other: Span) -> bool:
        return self.surface_start < other.end and other.surface_start < self.end

    def set_role(self, role: str, kind: int) -> None:
        if role and kind > self.role_kind:
            self.role, self.role_kind = role, kind


def select(spans: list[Span]) -> list[Span]:
    """The longest spans that do not overlap (ties: higher priority, then earlier), in text
    order."""
    if len(spans) < 2:
        return list(spans)
    in_order = sorted(spans, key=_start)
    end = -1
    for span in in_order:  # usually none overlaps another: then all are chosen, in this order
        if not end <= span.surface_start <= span.start < span.end:
            break
        end = span.end
    else:
        return in_order
    taken = bytearray(max(span.end for span in spans) + 1)
    chosen: list[Span] = []
    for span in sorted(spans, key=lambda s: (-s.length, -s.priority, s.start)):
        if not any(taken[span.surface_start:span.end]):
            taken[span.surface_start:span.end] = b"\x01" * (span.end - span.surface_start)
            chosen.append(span)
    return sorted(chosen, key=_start)


_start = attrgetter("start")
