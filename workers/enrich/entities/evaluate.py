"""Scoring entities against hand annotations (tests/fixtures/entities/<id>.json).

An annotation is {"id", "edition", "entities": [{"type", "name"}]}: every person, place and
organization of the article's title, subtitle, lead-image caption and body, one entry per
real-world thing (the rules an annotator followed are in the fixtures' README). A found
entity matches an annotated one when the types are equal and the names are the same after
normalization and variant merging: both names are folded, looked up among the gazetteer's
spellings (so «بريطانيا» and «المملكة المتحدة», «ترامب» and «دونالد ترمب» are one), and
otherwise compared without a generic head («حزب»، «مدينة»…) and without spaces
(«بيونغ يانغ» / «بيونغيانغ»).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from workers.enrich.entities.gazetteer import gazetteer
from workers.enrich.entities.sources import LOCATION, ORGANIZATION, PERSON
from workers.enrich.entities.text import flat_form
from workers.enrich.entities.words import arabic_words
from workers.messages import Article

TYPES = (PERSON, LOCATION, ORGANIZATION)
REPLICA_BASE = "http://127.0.0.1:8000"
SITES = {"ar": "aawsat", "en": "aawsat-english"}


@cache
def _spellings() -> dict[tuple[str, str], str]:
    """(type, folded spelling) → entry key, for every spelling the gazetteer knows."""
    table = gazetteer()
    index: dict[tuple[str, str], str] = {}
    for entry in table.entries:
        for form, _flags in entry.forms:
            index.setdefault((entry.type, flat_form(form)), entry.key)
        for name in (entry.name_ar, entry.name_en):
            if name:
                index.setdefault((entry.type, flat_form(name)), entry.key)
    return index


def _without_head(type_: str, flat: str) -> str:
    words = arabic_words()
    heads = (words.org_heads if type_ == ORGANIZATION
             else words.settlement_heads | {"منطقه"} if type_ == LOCATION else frozenset())
    first, _, rest = flat.partition(" ")
    return rest if rest and first in heads else flat


def canonical(type_: str, name: str) -> str:
    """The key two names of one thing share."""
    flat = flat_form(name)
    spellings = _spellings()
    for form in (flat, _without_head(type_, flat)):
        key = spellings.get((type_, form))
        if key:
            return key
    return f"{type_}:{_without_head(type_, flat).replace(' ', '')}"


@dataclass
class Score:
    true_positives: Counter[str] = field(default_factory=Counter)
    found: Counter[str] = field(default_factory=Counter)
    annotated: Counter[str] = field(default_factory=Counter)
    misses: list[tuple[int, str, str]] = field(default_factory=list)
    inventions: list[tuple[int, str, str]] = field(default_factory=list)

    def add(self, article_id: int, gold: Iterable[dict[str, Any]],
            found: Iterable[dict[str, Any]]) -> None:
        gold_keys = {canonical(e["type"], e["name"]): e for e in gold}
        found_keys = {canonical(e["type"], e["name"]): e for e in found}
        for key, entity in gold_keys.items():
            self.annotated[entity["type"]] += 1
            if key in found_keys:
                self.true_positives[entity["type"]] += 1
            else:
                self.misses.append((article_id, entity["type"], entity["name"]))
        for key, entity in found_keys.items():
            self.found[entity["type"]] += 1
            if key not in gold_keys:
                self.inventions.append((article_id, entity["type"], entity["name"]))

    def prf(self, type_: str | None = None) -> tuple[float, float, float]:
        """Precision, recall and F1 for one type, or over all types."""
        def total(counter: Counter[str]) -> int:
            return counter[type_] if type_ else sum(counter.values())
        tp, found, gold = total(self.true_positives), total(self.found), total(self.annotated)
        precision = tp / found if found else 1.0
        recall = tp / gold if gold else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1


def load_annotations(folder: Path) -> list[dict[str, Any]]:
    return [json.loads(path.read_text(encoding="utf-8"))
            for path in sorted(folder.glob("*.json"))]


def replica_article(article_id: int, edition: str) -> Article:
    """A replica article as the pipeline sees it: rendered, then extracted by the site rules."""
    from replica.content import load_articles
    from replica.render import render_article_page
    from workers.extract import extract_article

    articles = load_articles(edition=edition)
    html = render_article_page(article_id, articles, REPLICA_BASE)
    return extract_article(html, f"{REPLICA_BASE}/article/{article_id}", site=SITES[edition])
