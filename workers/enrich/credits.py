"""Credits: which agency a photo or a report comes from.

Photo credits as pages print them: «أ.ب» → Associated Press, «رويترز» → Reuters, «إ.ب.أ» →
EPA, «أ.ف.ب» → AFP, «أرشيفية - رويترز» → an archive photo of Reuters, "AP Photo/John Smith" →
AP; free forms («موقع المرشد») are kept as printed, with no agency. Agencies named in the
text («وكالة «تاس» الروسية», «رويترز», "according to Agence France-Presse") are credits too,
with `where="text"`. The table of agencies is data (`data/agencies.yaml`), kept by hand.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

import ahocorasick

from workers.enrich.lexicon import load_data
from workers.enrich.normalize import normalize_arabic, paragraphs_of
from workers.messages import Article

CREDIT_PART_SEPARATOR = re.compile(r"\s*(?:[-–—/|،,;:]|\s\+\s)\s*")
TRAILING_CREDIT = re.compile(r"\(\s*([^()]{1,40}?)\s*\)\s*$")
# A parenthesised credit in the text: ending a paragraph, or before the dash of a wire lead.
TEXT_CREDIT = re.compile(r"\(\s*([^()\d]{1,30}?)\s*\)\s*(?:[.،]?\s*$|[-–—])")
ARABIC_CLITICS = frozenset({"", "و", "ف", "ب", "ل", "ك", "وب", "ول", "فب", "فل", "وك"})
MAX_CREDIT_CHARS = 120


@dataclass(frozen=True)
class Agencies:
    credit_forms: dict[str, str]  # normalized form -> agency, every form
    text_forms: Any  # ahocorasick.Automaton over the forms matched in running text
    archive_markers: frozenset[str]


def credit_key(text: str) -> str:
    """A credit's lookup form: normalized, dots without spaces, no enclosing brackets."""
    key = re.sub(r"\s*\.\s*", ".", normalize_arabic(text))
    return key.strip(" .()[]«»\"'")


@cache
def agencies() -> Agencies:
    """The agency table of `data/agencies.yaml`, indexed once per process."""
    data = load_data("agencies")
    credit_forms: dict[str, str] = {}
    automaton = ahocorasick.Automaton()
    for entry in data["agencies"]:
        agency = entry["agency"]
        for form in entry.get("names", []) + entry.get("credit_only", []):
            credit_forms.setdefault(credit_key(form), agency)
        if entry.get("in_text", True):
            for form in entry.get("names", []):
                key = credit_key(form)
                automaton.add_word(key, (key, form, agency))
    automaton.make_automaton()
    markers = frozenset(credit_key(m) for m in data["archive_markers"])
    return Agencies(credit_forms, automaton, markers)


def agency_of(text: str | None) -> str | None:
    """The agency a credit names (the whole credit or one of its parts), else None."""
    if not isinstance(text, str) or not text.strip():
        return None
    table = agencies().credit_forms
    found = table.get(credit_key(text))
    if found:
        return found
    return next((table[k] for k in map(credit_key, CREDIT_PART_SEPARATOR.split(text))
                 if k in table), None)


def parse_credit(text: str, where: str) -> dict[str, Any] | None:
    """{"text", "agency", "archive", "where"} of one printed credit; None for no credit."""
    if not isinstance(text, str):
        return None
    text = " ".join(text.split()).strip(" ()")
    if not text or len(text) > MAX_CREDIT_CHARS:
        return None
    parts = [credit_key(p) for p in CREDIT_PART_SEPARATOR.split(text)]
    archive = any(p in agencies().archive_markers for p in parts)
    return {"text": text, "agency": agency_of(text), "archive": archive, "where": where}


def image_credit(credit: object, caption: object) -> str | None:
    """The printed credit of an image: its credit field, else a `(…)` ending the caption."""
    if isinstance(credit, str) and credit.strip():
        return credit
    if isinstance(caption, str):
        found = TRAILING_CREDIT.search(caption)
        if found and agency_of(found[1]):
            return found[1]
    return None


def _image_credits(article: Article) -> Iterator[dict[str, Any] | None]:
    lead = article.lead_image
    text = image_credit(getattr(lead, "credit", None), getattr(lead, "caption", None))
    if text:
        yield parse_credit(text, "lead_image")
    for related in article.related or []:
        image = getattr(related, "image", None)
        text = image_credit(getattr(image, "credit", None), getattr(image, "caption", None))
        if text:
            yield parse_credit(text, "related_image")


def _clitic_prefix_ok(search_text: str, start: int) -> bool:
    """The match starts a word, or follows only Arabic clitics (و ف ب ل ك) in its word."""
    word_start = start
    while word_start > 0 and search_text[word_start - 1].isalnum():
        word_start -= 1
    return search_text[word_start:start] in ARABIC_CLITICS


def _named_in_text(search_text: str) -> Iterator[dict[str, Any]]:
    """Agencies named in the (normalized) text, each match a whole word."""
    for end, (key, form, agency) in agencies().text_forms.iter(search_text):
        start = end - len(key) + 1
        after = search_text[end + 1:end + 2]
        if (after.isalnum() or not _clitic_prefix_ok(search_text, start)):
            continue
        yield {"text": form, "agency": agency, "archive": False, "where": "text"}


def _credited_in_text(paragraphs: list[str]) -> Iterator[dict[str, Any]]:
    """Wire credits in parentheses: `... (أ.ف.ب)` ending a paragraph, `LONDON (AP) -`."""
    for paragraph in paragraphs:
        for found in TEXT_CREDIT.finditer(paragraph):
            agency = agencies().credit_forms.get(credit_key(found[1]))
            if agency:
                yield {"text": found[1], "agency": agency, "archive": False, "where": "text"}


def _unique(credits: Iterator[dict[str, Any] | None]) -> list[dict[str, Any]]:
    """One credit per printed text and place (a teaser image credited «أ.ب» twice is one);
    in the text, one per agency."""
    seen: set[tuple[str | None, str]] = set()
    kept = []
    for credit in credits:
        if credit is None:
            continue
        name = credit["agency"] if credit["where"] == "text" else credit["text"]
        if (name, credit["where"]) not in seen:
            seen.add((name, credit["where"]))
            kept.append(credit)
    return kept


def enrich_credits(article: Article, result: dict[str, Any]) -> dict[str, Any]:
    """{"credits": [...]}: image credits (lead, then related teasers), then the text's."""
    search = result.get("search") or {}
    search_text = search.get("text") if isinstance(search, dict) else None
    if not isinstance(search_text, str):
        search_text = normalize_arabic("\n".join(paragraphs_of(article)))

    def every() -> Iterator[dict[str, Any] | None]:
        yield from _image_credits(article)
        yield from _named_in_text(search_text)
        yield from _credited_in_text(paragraphs_of(article))

    return {"credits": _unique(every())}
