"""The rules of English news prose (english.aawsat.com), after the gazetteer.

Names are capitalized: a run of capitalized words (with the particles of names: bin, al-,
von der) that the gazetteer does not know is a person when a title introduces it
("Cardinal Robert Francis Prevost", "Goalkeeper Yassine Bounou"), an organization when it
ends with an organization word ("Roman Catholic Church"). Titles before any person give the
role: "Russian President Vladimir Putin" → role "Russian President".
"""

from __future__ import annotations

from collections.abc import Iterator

from workers.enrich.entities.arabic import Cover
from workers.enrich.entities.sources import ORGANIZATION, PERSON
from workers.enrich.entities.spans import ROLE_TITLE, RULE, RULE_STRONG, Span
from workers.enrich.entities.text import Segment, Token, plain_name
from workers.enrich.entities.words import english_words

MAX_ROLE_WORDS = 6
MIN_NAME_WORDS = 2
ROLE_GLUE = frozenset({"top", "senior", "former", "security", "foreign", "s", "newly", "elected",
                       "acting", "interim"})


def _capitalized(token: Token) -> bool:
    return token.text[:1].isupper()


def _role_word(token: Token, covered: Span | None) -> bool:
    words = english_words()
    if covered is not None:
        return covered.type != PERSON and _capitalized(token)
    text = token.text
    return (text in words.titles or text in words.demonyms or text in ROLE_GLUE
            or (_capitalized(token) and text not in words.stop))


def role_before(segment: Segment, cover: Cover, index: int) -> str | None:
    """The title written before the name starting at token `index`, if any."""
    words = english_words()
    tokens = segment.tokens
    first = index
    while first > 0 and index - first < MAX_ROLE_WORDS and not tokens[first].hard_before:
        if not _role_word(tokens[first - 1], cover[first - 1]):
            break
        first -= 1
    if not any(tokens[i].text in words.titles for i in range(first, index)):
        return None
    while first < index and tokens[first].text in ROLE_GLUE:
        first += 1
    return plain_name(segment.surface(tokens[first].start, tokens[index - 1].end))


def capitalized_runs(segment: Segment, cover: Cover) -> Iterator[tuple[int, int]]:
    """[first, last] token indexes of runs of capitalized words that no span covers."""
    particles = english_words().particles
    tokens, words = segment.tokens, segment.words
    index = 0
    while index < segment.count:
        if cover[index] is not None or not words[index][:1].isupper():
            index += 1
            continue
        last = index
        while last + 1 < segment.count and cover[last + 1] is None and not (
                tokens[last + 1].hard_before or tokens[last + 1].quote_before) and (
                words[last + 1][:1].isupper() or words[last + 1] in particles):
            last += 1
        while last > index and words[last] in particles:
            last -= 1
        yield index, last
        index = last + 1


def _run_span(segment: Segment, cover: Cover, first: int, last: int) -> Span | None:
    words = english_words()
    tokens = segment.tokens
    while first <= last and tokens[first].text in words.stop:
        first += 1
    org_last = last
    while org_last >= first and tokens[org_last].text in words.titles:
        org_last -= 1
    if org_last > first and tokens[org_last].text in words.org_words:
        return _span(segment, first, org_last, ORGANIZATION, RULE)
    name_first = first
    while name_first <= last and (tokens[name_first].text in words.titles
                                  or tokens[name_first].text in words.demonyms):
        name_first += 1
    titled = name_first > first or (first > 0 and tokens[first - 1].text in words.titles)
    if not titled or last - name_first + 1 < MIN_NAME_WORDS:
        return None
    span = _span(segment, name_first, last, PERSON, RULE_STRONG)
    role = role_before(segment, cover, name_first)
    if role:
        span.set_role(role, ROLE_TITLE)
    return span


def _span(segment: Segment, first: int, last: int, type_: str, priority: int) -> Span:
    tokens = segment.tokens
    name = plain_name(segment.surface(tokens[first].start, tokens[last].end))
    return Span(segment.index, tokens[first].start, tokens[last].end, tokens[first].start,
                type_, f"{type_}:{name}", name=name, priority=priority)


def find_all(segment: Segment, cover: Cover, runs: bool = True) -> list[Span]:
    """Roles on the people already found, and (with `runs`) the people and organizations of
    capitalized runs the gazetteer does not know."""
    for index, span in enumerate(cover):
        if span is not None and span.type == PERSON and span.start == segment.tokens[index].start:
            role = role_before(segment, cover, index)
            if role:
                span.set_role(role, ROLE_TITLE)
    found: list[Span] = []
    if not runs:
        return found
    for first, last in list(capitalized_runs(segment, cover)):
        span = _run_span(segment, cover, first, last)
        if span is not None:
            found.append(span)
    return found
