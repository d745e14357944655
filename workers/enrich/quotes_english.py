"""Quotes in English copy: “…,” Meloni said / “…,” she added / “…,” said Meloni /
Meloni said: “…” / Meloni said that the bloc “…”.

The rules mirror the Arabic ones (see `quotes`): a quoted phrase that no speech verb
attributes — “trade war within the West” after "warned against a", “submission” — is a scare
quote, not a quote. A quote followed by its attribution must close its clause (end with a
comma or a full stop inside or right after it).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial
from typing import Any

from workers.enrich.speakers import Speakers, Spoken

MAX_LEAD_WORDS = 4  # words between "that" and the quote
MAX_AFTER_VERB_WORDS = 3  # "told reporters:", "said on Sunday that"
MAX_NAME_WORDS = 6  # bounds the name patterns: no quadratic search on a run of capitals
MAX_LOOKBACK_CHARS = 300  # of a sentence before a quote searched for "X said that"
MAX_QUOTE_CHARS = 2000

VERBS = (r"said|says|added|adds|told|tells|stated|wrote|warned|explained|noted|asked|"
         r"replied|insisted|declared|continued|argued|stressed|tweeted|recalled|"
         r"announced|acknowledged|cautioned|remarked")
_PARTICLE = r"(?:(?:al|bin|ibn|von|der|van|de|la|le)[- ]?)?"  # Ursula von der Leyen
NAME = rf"(?:[A-Z][\w'’.-]*)(?:\s+{_PARTICLE}[A-Z][\w'’.-]*){{0,{MAX_NAME_WORDS}}}"
DESCRIPTION = r"(?:the|a|an|his|her|their)\s+(?:[a-z][\w'’-]*\s+){0,4}?[a-z][\w'’-]*"
PRONOUN = r"(?:he|she|they|He|She|They)"
WHO = f"(?P<who>{PRONOUN}|{NAME}|{DESCRIPTION})"

QUOTE = re.compile(f"“([^“”]{{1,{MAX_QUOTE_CHARS}}})”|\"([^\"“”]{{1,{MAX_QUOTE_CHARS}}})\"")
ATTRIBUTION_AFTER = re.compile(  # matched right after the closing quote mark
    rf"\s*,?\s*(?:{WHO}\s+(?:{VERBS})\b|(?:{VERBS})\s+(?P<who2>{NAME}|{DESCRIPTION})(?![\w-]))")
ATTRIBUTION_BEFORE = re.compile(  # searched in the sentence before the quote
    rf"(?:^|[,;]\s+){WHO}\s+(?:{VERBS})(?:\s+[\w'’-]+){{0,{MAX_AFTER_VERB_WORDS}}}?"
    rf"(?:\s*:|\s*,|\s+that(?:\s+[\w'’-]+){{0,{MAX_LEAD_WORDS}}})?\s*$")
SPEECH = re.compile(  # "Trump said …", "said Trump": remembered for "he added"
    rf"(?P<a>{NAME})\s+(?:{VERBS})\b|\b(?:{VERBS})\s+(?P<b>{NAME})")
SENTENCE_END = re.compile(r"[.!?](?=\s|$)")
GENDERS = {"he": "m", "she": "f", "they": None}


def _speaker(who: str | None, speakers: Speakers) -> str | None:
    if not who:
        return None
    if who.lower() in GENDERS:
        return speakers.recall(GENDERS[who.lower()])
    return speakers.name(who.rstrip("."))


def _sentence_start(paragraph: str, spans: list[tuple[int, int]], position: int) -> int:
    start = 0
    for found in SENTENCE_END.finditer(paragraph, 0, position):
        if not any(a <= found.start() < b for a, b in spans):
            start = found.end()
    return start


def _quote(paragraph: str, span: tuple[int, int], spans: list[tuple[int, int]],
           speakers: Speakers) -> dict[str, Any] | None:
    inner = paragraph[span[0] + 1:span[1] - 1].strip()
    after = ATTRIBUTION_AFTER.match(paragraph, span[1])
    closes = inner[-1:] in ",.!?" or paragraph[span[1]:span[1] + 1] in (",", ".")
    if after and closes:
        speaker = _speaker(after["who"] or after["who2"], speakers)
    else:
        start = _sentence_start(paragraph, spans, span[0])
        before = ATTRIBUTION_BEFORE.search(
            paragraph[max(start, span[0] - MAX_LOOKBACK_CHARS):span[0]])
        if not before:
            return None
        speaker = _speaker(before["who"], speakers)
    if speaker:
        speakers.remember(None, partial(str, speaker))
    return {"text": inner.rstrip(","), "speaker": speaker}


def spoken(paragraph: str, speakers: Speakers) -> list[Spoken]:
    """The "X said" of a paragraph without quotes, as `Speakers` memory."""
    return [Spoken(None, partial(_speaker, m["a"] or m["b"], speakers))
            for m in SPEECH.finditer(paragraph)]


def english_quotes(paragraph: str, speakers: Speakers) -> Iterator[dict[str, Any]]:
    """The quotes of one English paragraph, remembering its speakers as they come."""
    spans = [(m.start(), m.end()) for m in QUOTE.finditer(paragraph)]
    events: list[tuple[int, re.Match[str] | tuple[int, int]]] = [
        (m.start(), m) for m in SPEECH.finditer(paragraph)
        if not any(a <= m.start() < b for a, b in spans)]
    events += [(span[0], span) for span in spans]
    for _, item in sorted(events, key=lambda e: e[0]):
        if isinstance(item, re.Match):
            speakers.remember(None, partial(_speaker, item["a"] or item["b"], speakers))
        else:
            found = _quote(paragraph, item, spans, speakers)
            if found:
                yield found
