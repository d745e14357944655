"""Articles for the enrichment tests: the seed's two (from their fixtures, with the publish
dates and bylines the replica gives them), the replica's, and articles made by hand."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from replica.content import load_articles
from replica.render import absolute, render_article_page
from workers.extract import extract_article
from workers.messages import Article

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
BASE_URL = "http://127.0.0.1:8000"
SHOIGU, MELONI = "shoigu-north-korea", "meloni-trade-war"
SEED_PUBLISHED = {SHOIGU: "2025-06-17T17:32:00+03:00", MELONI: "2025-07-13T20:15:00+03:00"}
SEED_BYLINES = {SHOIGU: "موسكو: «الشرق الأوسط»", MELONI: "روما: «الشرق الأوسط»"}
SITES = {"ar": "aawsat", "en": "aawsat-english"}

# The entities of the seed's articles, written by hand as workers/enrich/entities gives them.
SHOIGU_ENTITIES: list[dict[str, Any]] = [
    {"type": "PERSON", "name": "سيرغي شويغو", "name_en": "Sergei Shoigu",
     "role": "مستشار الأمن الرئاسي الروسي", "mentions": ["سيرغي شويغو", "شويغو", "لشويغو"]},
    {"type": "PERSON", "name": "فلاديمير بوتين", "name_en": "Vladimir Putin",
     "role": "الرئيس الروسي", "mentions": ["فلاديمير بوتين", "بوتين"]},
    {"type": "PERSON", "name": "كيم جونغ أون", "name_en": "Kim Jong Un",
     "role": "الزعيم الكوري الشمالي", "mentions": ["كيم جونغ أون", "كيم"]},
    {"type": "LOCATION", "name": "كوريا الشمالية", "name_en": "North Korea", "role": None,
     "mentions": ["كوريا الشمالية"] * 5},
    {"type": "ORGANIZATION", "name": "تاس", "name_en": "TASS", "role": None,
     "mentions": ["تاس"]},
]
MELONI_ENTITIES: list[dict[str, Any]] = [
    {"type": "PERSON", "name": "جورجيا ميلوني", "name_en": "Giorgia Meloni",
     "role": "رئيسة الوزراء الإيطالية", "mentions": ["جورجيا ميلوني", "ميلوني", "ميلوني"]},
    {"type": "PERSON", "name": "دونالد ترمب", "name_en": "Donald Trump",
     "role": "الرئيس الأميركي", "mentions": ["دونالد ترمب", "ترمب"]},
    {"type": "ORGANIZATION", "name": "الاتحاد الأوروبي", "name_en": "European Union",
     "role": None, "mentions": ["الاتحاد الأوروبي"] * 3},
    {"type": "ORGANIZATION", "name": "إخوة إيطاليا", "name_en": "Brothers of Italy",
     "role": None, "mentions": ["إخوة إيطاليا"]},
]


def seed_article(name: str) -> Article:
    """One of the seed page's two articles, as its fixture records it."""
    data = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    record = {key: data[key] for key in ("title", "lead_image", "body") if key in data}
    record["related"] = data.get("related", [])
    return Article.from_dict({
        "url": f"{BASE_URL}/{name}", "canonical_url": f"{BASE_URL}/{name}", "site": "aawsat",
        "language": "ar", "published_at": SEED_PUBLISHED[name], "authors": [SEED_BYLINES[name]],
        **record}).finalize()


def article(*body: str, title: str = "", published_at: str | None = None,
            language: str | None = None, **fields: Any) -> Article:
    """An article made by hand from its paragraphs."""
    return Article.from_dict({
        "url": "http://example.test/a", "canonical_url": "http://example.test/a",
        "site": "test", "title": title, "body": list(body), "published_at": published_at,
        "language": language, **fields}).finalize()


@cache
def replica(edition: str = "ar") -> dict[int, Article]:
    """The replica's articles of one edition, extracted as the page worker does."""
    pages = load_articles(edition=edition)
    return {article_id: extract_article(render_article_page(article_id, pages, BASE_URL),
                                        absolute(BASE_URL, page.path), site=SITES[edition])
            for article_id, page in pages.items()}
