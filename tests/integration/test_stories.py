"""Near-duplicates through the real Redis index: one story, however it was rewritten."""

from __future__ import annotations

import pytest

from replica.content import load_articles
from replica.render import render_article_page
from workers.enrich import enrich_article
from workers.enrich.neardup import RedisStoryIndex
from workers.extract import extract_article
from workers.messages import Article

pytestmark = pytest.mark.integration

BASE = "http://127.0.0.1:8000"
ORIGINAL, REWRITE, UNRELATED = 5180010, 5180013, 5154321  # 5180013 rewrites 5180010's story


def extracted(article_id: int) -> Article:
    articles = load_articles()
    html = render_article_page(article_id, articles, BASE)
    return extract_article(html, f"{BASE}/{article_id}", site="aawsat")


def test_a_rewritten_story_joins_the_original_through_redis(redis_url: str,
                                                            key_prefix: str) -> None:
    first_worker = RedisStoryIndex(redis_url, key_prefix)
    other_worker = RedisStoryIndex(redis_url, key_prefix)  # another process, same index

    original = enrich_article(extracted(ORIGINAL), first_worker)
    rewrite = enrich_article(extracted(REWRITE), other_worker)
    unrelated = enrich_article(extracted(UNRELATED), first_worker)

    assert rewrite["story_id"] == original["story_id"]
    assert rewrite["near_duplicates"] == [extracted(ORIGINAL).canonical_url]
    assert original["near_duplicates"] == []  # nothing like it had been seen before it
    assert unrelated["story_id"] not in (original["story_id"], None)
    assert unrelated["near_duplicates"] == []

    again = enrich_article(extracted(REWRITE), first_worker)  # a redelivered page
    assert again["story_id"] == original["story_id"]
