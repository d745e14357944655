"""The seed page and every other page of the replica, through the aawsat rules.

The replica renders the markup of `docs/replica.md`; `tests/fixtures/*.json` are the records
extraction must produce for the seed page's two articles (`../shared/seed/expected/`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from replica.content import MELONI_ARTICLE_ID, SEED_ARTICLE_ID, ReplicaArticle, load_articles
from replica.render import CANONICAL_BASE_URL, absolute, render_article_page, update_line
from workers.extract import extract_article
from workers.messages import Article
from workers.sites.aawsat import NOISE_STRINGS

BASE_URL = "http://127.0.0.1:8000"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
ARTICLES = load_articles()


def expected(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def url_of(article: ReplicaArticle) -> str:
    return absolute(BASE_URL, article.path)


def extract(article_id: int) -> Article:
    html = render_article_page(article_id, ARTICLES, BASE_URL)
    return extract_article(html, url_of(ARTICLES[article_id]), site="aawsat",
                           fetched_at="2025-11-29T12:00:00+00:00")


def strings(value: Any) -> Iterator[str]:
    """Every string anywhere in a nested dict / list."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


@pytest.fixture(scope="module")
def seed() -> Article:
    return extract(SEED_ARTICLE_ID)


@pytest.fixture(scope="module")
def meloni() -> Article:
    return extract(MELONI_ARTICLE_ID)


def test_seed_title_image_and_body_match_expected(seed: Article) -> None:
    want = expected("shoigu-north-korea")
    assert seed.title == want["title"]
    assert seed.lead_image.caption == want["lead_image"]["caption"]
    assert seed.lead_image.credit == want["lead_image"]["credit"]
    assert seed.body == want["body"]
    assert seed.text == "\n\n".join(want["body"])


def test_seed_related_teasers_match_expected(seed: Article) -> None:
    want = expected("shoigu-north-korea")["related"]
    got = [
        {"title": r.title, "section": r.section, "summary": r.summary,
         "image": {"caption": r.image.caption, "credit": r.image.credit},
         "has_video": r.has_video,
         "dateline": {"source": r.dateline.source, "place": r.dateline.place}}
        for r in seed.related
    ]
    assert got == want
    related_ids = ARTICLES[SEED_ARTICLE_ID].related
    assert [r.url for r in seed.related] == [url_of(ARTICLES[i]) for i in related_ids]
    assert all(r.image.url and r.image.url.startswith(BASE_URL) for r in seed.related)


def test_seed_next_article_is_linked_not_merged(seed: Article, meloni: Article) -> None:
    want = expected("shoigu-north-korea")
    assert seed.next_article_url == url_of(ARTICLES[MELONI_ARTICLE_ID])
    assert meloni.title == want["next_article_title"]
    assert not set(meloni.body) & set(seed.body)
    for text in want["must_not_appear_in_body"]:
        assert all(text not in paragraph for paragraph in seed.body), text
        assert text not in seed.text


def test_seed_metadata_fields(seed: Article) -> None:
    assert seed.url == url_of(ARTICLES[SEED_ARTICLE_ID])
    assert seed.canonical_url == absolute(CANONICAL_BASE_URL, ARTICLES[SEED_ARTICLE_ID].path)
    assert seed.site == "aawsat"
    assert seed.section == "العالم"
    assert seed.published_at == "2025-06-17T17:32:00+03:00"
    assert seed.updated_at is None
    assert seed.language == "ar"
    assert seed.tags == list(ARTICLES[SEED_ARTICLE_ID].tags)
    assert seed.lead_image.url == f"{BASE_URL}/styles/1037xauto/public/2025/06/shoigu.jpg"
    assert seed.extraction.method == "site"
    assert seed.extraction.rules_version
    assert seed.extraction.warnings == []
    assert seed.enrichment == {}  # the enrichment stage fills it (word count included)
    assert len(seed.content_hash) == 64
    assert seed.fetched_at == "2025-11-29T12:00:00+00:00"


def test_without_a_modified_date_in_metadata_the_update_line_gives_it() -> None:
    updated = next(a for a in ARTICLES.values() if update_line(a))
    html = render_article_page(updated.id, ARTICLES, BASE_URL)
    html = re.sub(r'"dateModified": "[^"]*", ', "", html)
    html = re.sub(r'<meta property="article:modified_time"[^>]*>', "", html)
    assert "dateModified" not in html and "modified_time" not in html
    article = extract_article(html, url_of(updated), site="aawsat")
    assert article.updated_at == updated.modified.isoformat()
    assert article.extraction.warnings == []


def test_meloni_matches_expected(meloni: Article) -> None:
    want = expected("meloni-trade-war")
    assert meloni.title == want["title"]
    assert meloni.lead_image.caption == want["lead_image"]["caption"]
    assert meloni.lead_image.credit == want["lead_image"]["credit"]
    assert meloni.body == want["body"]  # three of its paragraphs are <br> lines of one <p>
    for text in want["must_not_appear_in_body"]:
        assert all(text not in paragraph for paragraph in meloni.body), text


def test_extraction_is_deterministic(seed: Article) -> None:
    again = extract(SEED_ARTICLE_ID)
    assert again.content_hash == seed.content_hash
    assert again.to_dict() == seed.to_dict()


@pytest.mark.parametrize("article_id", sorted(ARTICLES))
def test_every_replica_article_is_clean_and_complete(article_id: int) -> None:
    source = ARTICLES[article_id]
    article = extract(article_id)
    found = [s for s in strings(article.to_dict()) if any(n in s for n in NOISE_STRINGS)]
    assert found == []
    assert article.title == source.title
    assert article.body == source.paragraphs  # embedded posts out, <br> lines split
    assert article.published_at == source.published.isoformat(timespec="seconds")
    want_updated = source.updated.isoformat(timespec="seconds") if source.updated else None
    assert article.updated_at == want_updated
    assert article.subtitle == source.subtitle
    assert article.authors == list(source.authors)
    assert article.section == source.section_label
    assert (article.lead_image.url is None) == (source.image is None)
    assert article.extraction.warnings == []
    assert article.language == "ar"
