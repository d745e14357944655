"""The enrichers, in the order they run, and the empty result they fill."""

from __future__ import annotations

from typing import Any

from workers.enrich import (
    Enricher,
    credits,
    datelines,
    entities,
    keywords,
    languages,
    normalize,
    quantities,
    quotes,
    textdates,
)


def empty_enrichment() -> dict[str, Any]:
    return {
        "search": {"title": "", "text": ""}, "languages": {"article": None, "paragraphs": []},
        "dateline": None, "credits": [], "entities": [], "quotes": [], "quantities": [],
        "dates": [], "keywords": [], "word_count": 0, "reading_minutes": 0,
        "story_id": None, "near_duplicates": [],
    }


# Each takes (article, result so far) and returns the keys it sets.
ENRICHERS: list[tuple[str, Enricher]] = [
    ("search", normalize.enrich_search),
    ("languages", languages.enrich_languages),
    ("dateline", datelines.enrich_dateline),
    ("credits", credits.enrich_credits),
    ("entities", entities.enrich_entities),
    ("quotes", quotes.enrich_quotes),  # speakers resolved against the entities
    ("quantities", quantities.enrich_quantities),
    ("dates", textdates.enrich_dates),
    ("keywords", keywords.enrich_keywords),  # salient entities and terms, reading time
]
