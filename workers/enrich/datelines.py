"""Datelines and bylines: where a story was filed from, and by whom.

The forms Asharq Al-Awsat prints, and the wire form of English agency copy:

- teaser datelines  `«الشرق الأوسط» (موسكو )`, `«الشرق الأوسط» (كييف - موسكو)`;
- Arabic bylines    `موسكو: «الشرق الأوسط»` (a source in guillemets) and `لندن: سعيد الأبيض`
                    (a reporter), as extraction stores them in `authors`;
- English bylines   `London - Asharq Al-Awsat`, `Kyiv - Moscow - Asharq Al-Awsat`;
- wire leads        `MOSCOW (Reuters) - ...` at the start of the first paragraph.

`parse_dateline` reads one such line; `enrich_dateline` merges the article's own (every
byline, else the wire lead) into {"source", "places", "authors"}.
"""

from __future__ import annotations

import re
from typing import Any

from workers.enrich import credits
from workers.enrich.normalize import normalize_arabic, paragraphs_of
from workers.messages import Article

MAX_PLACE_WORDS = 4
MAX_NAME_WORDS = 6
MAX_LINE_CHARS = 160

TEASER = re.compile(r"^\s*«\s*([^«»()]{1,60}?)\s*»\s*\(\s*([^()«»]{1,100}?)\s*\)\s*$")
ARABIC_BYLINE = re.compile(r"^\s*([^:«»()\d]{1,100}?)\s*:\s*(.{1,80}?)\s*$")
# Split at the last spaced dash: `Kyiv - Moscow - Asharq Al-Awsat` (Al-Awsat keeps its hyphen).
ENGLISH_BYLINE = re.compile(
    r"^\s*([^:«»()\d]{1,100})\s+[-–—]\s+((?:(?!\s[-–—]\s)[^:«»()]){1,80}?)\s*$")
WIRE_LEAD = re.compile(
    r"^\s*([A-Z][A-Z.'’ ]{1,40}?(?:,\s*[A-Z][\w.'’ ]{1,30})?)\s*\(([^()]{2,40})\)\s*[-–—]")
GUILLEMETS = re.compile(r"^«\s*(.+?)\s*»$")
PLACE_SEPARATOR = re.compile(
    r"\s*[–—/،,|]\s*|\s+-\s*|\s*-\s+|(?<=[\u0600-\u06ff])-(?=[\u0600-\u06ff])")
# The site's own name in its two editions: a source even without guillemets.
SITE_SOURCES = frozenset(normalize_arabic(s) for s in ("الشرق الأوسط", "Asharq Al-Awsat"))


def _words(text: str) -> int:
    return len(text.split())


def split_places(text: str | None) -> list[str]:
    """`كييف - موسكو` → [كييف, موسكو]; [] when a part is not place-like (digits, too long)."""
    if not isinstance(text, str):
        return []
    places = [p.strip(" \t()«»") for p in PLACE_SEPARATOR.split(text)]
    places = [p for p in places if p]
    if not places or any(_words(p) > MAX_PLACE_WORDS or any(c.isdigit() for c in p)
                         for p in places):
        return []
    return places


def _is_source(text: str) -> bool:
    """A news organisation rather than a reporter: the site itself or a known agency."""
    return normalize_arabic(text) in SITE_SOURCES or credits.agency_of(text) is not None


def _credit_side(text: str) -> tuple[str | None, str | None]:
    """(source, author) from the part of a byline after the places."""
    quoted = GUILLEMETS.match(text)
    if quoted:
        return quoted[1], None
    if "«" in text or "»" in text or _words(text) > MAX_NAME_WORDS:
        return None, None
    return (text, None) if _is_source(text) else (None, text)


def _dateline(places: list[str], source: str | None, author: str | None) -> dict[str, Any]:
    return {"source": source, "places": places, "authors": [author] if author else []}


def parse_dateline(text: str | None) -> dict[str, Any] | None:
    """{"source", "places", "authors"} of one dateline or byline; None when `text` is none
    of the forms above (a bare name such as an opinion writer's is not a dateline)."""
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_LINE_CHARS:
        return None
    text = " ".join(text.split())
    found = TEASER.match(text)
    if found:
        places = split_places(found[2])
        return _dateline(places, found[1], None) if places else None
    for form in (ARABIC_BYLINE, ENGLISH_BYLINE):
        found = form.match(text)
        if found:
            places = split_places(found[1])
            source, author = _credit_side(found[2])
            if places and (source or author):
                return _dateline(places, source, author)
    return None


def parse_wire_lead(paragraph: str | None) -> dict[str, Any] | None:
    """The dateline that opens English agency copy: `MOSCOW (Reuters) - ...`."""
    if not isinstance(paragraph, str):
        return None
    found = WIRE_LEAD.match(paragraph)
    if not found:
        return None
    place = found[1].split(",")[0].strip().title()
    return _dateline([place], found[2].strip(), None)


def merge_datelines(datelines: list[dict[str, Any]]) -> dict[str, Any] | None:
    """One dateline from several bylines (`غزة: «الشرق الأوسط»` + `تل أبيب: نظير مجلي`)."""
    if not datelines:
        return None
    places: list[str] = []
    authors: list[str] = []
    for line in datelines:
        places += [p for p in line["places"] if p not in places]
        authors += [a for a in line["authors"] if a not in authors]
    source = next((line["source"] for line in datelines if line["source"]), None)
    return {"source": source, "places": places, "authors": authors}


def enrich_dateline(article: Article, result: dict[str, Any]) -> dict[str, Any]:
    """{"dateline": {"source", "places", "authors"} or None}: from the bylines, else from a
    wire lead in the first paragraph."""
    authors = [a for a in article.authors or [] if isinstance(a, str)]
    found = [d for d in map(parse_dateline, authors) if d is not None]
    if not found:
        paragraphs = paragraphs_of(article)
        lead = parse_wire_lead(paragraphs[0]) if paragraphs else None
        found = [lead] if lead else []
    return {"dateline": merge_datelines(found)}
