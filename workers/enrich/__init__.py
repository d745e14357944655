"""Enrichment: pure functions of an Article → the `enrichment` part of the contract.

Arabic first, English too. No Scrapy, Celery or Redis here, except the near-duplicate index,
which needs a shared store (Redis) so every worker on every host sees the same index; it is
skipped when no index is given. Every enricher is total: bad text yields fewer fields, never
an exception (`enrich_article` still guards each one, and records what failed).

The result (all keys present, empty when nothing was found):
  search:      {"title", "text"} — normalized search forms, beside the original text
  languages:   {"article": "ar", "paragraphs": ["ar", "en", ...]}
  dateline:    {"source", "places": [...], "authors": [...]} or None — the article's own
               dateline / byline
  credits:     [{"text", "agency", "archive", "where"}] — photo credits (lead_image,
               related_image) and agencies named in the text
  entities:    [{"type": PERSON|LOCATION|ORGANIZATION, "name", "name_en", "role", "mentions"}]
  quotes:      [{"text", "speaker"}]
  quantities:  [{"value", "unit", "text", "kind": count|percent|currency}], one per mention
  dates:       [{"text", "date", "resolution": day|month|year}] — dates in the text resolved
               against published_at; `date` is a partial ISO date (2025-06-17, 2019-06, 2024)
  keywords:    ["..."]
  word_count, reading_minutes
  story_id, near_duplicates: [...] — only with a near-duplicate index
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol

from workers.messages import Article

log = logging.getLogger(__name__)


class NearDuplicateIndex(Protocol):
    """Assigns a story to an article and lists its near-duplicates (see neardup.py)."""

    def add(self, article: Article, search_text: str) -> tuple[str, list[str]]: ...


Enricher = Callable[[Article, dict[str, Any]], dict[str, Any]]


def _enrichers() -> list[tuple[str, Enricher]]:
    """In order: later enrichers read what earlier ones put in the result."""
    from workers.enrich import pipeline

    return pipeline.ENRICHERS


def warm_up() -> None:
    """Build the gazetteers and the language detector now, not on the first article.

    Called in a Celery worker's parent process before it forks its pool, so the children
    share those tables (copy-on-write) instead of each building its own (~0.6 s, ~75 MB).
    """
    from workers.enrich.entities.gazetteer import gazetteer
    from workers.extract.language import detector

    gazetteer()
    detector()


def enrich_article(article: Article, index: NearDuplicateIndex | None = None) -> dict[str, Any]:
    """The `enrichment` of `article`. Never raises: a failing enricher is skipped and named
    in `result["errors"]`."""
    from workers.enrich.pipeline import empty_enrichment

    result = empty_enrichment()
    for name, enricher in _enrichers():
        try:
            result.update(enricher(article, result))
        except Exception as exc:  # one broken enricher must not cost the article
            log.warning("enricher %s failed on %s: %s", name, article.url, exc, exc_info=True)
            result.setdefault("errors", []).append(f"{name}: {type(exc).__name__}: {exc}")
    if index is not None:
        try:
            story_id, duplicates = index.add(article, result["search"]["text"])
            result.update(story_id=story_id, near_duplicates=duplicates)
        except Exception as exc:
            log.warning("near-duplicate index failed on %s: %s", article.url, exc)
            result.setdefault("errors", []).append(f"near_duplicates: {exc}")
    return result
