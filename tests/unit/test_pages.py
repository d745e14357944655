"""process_page's work without Celery: every page becomes exactly one Result."""

from __future__ import annotations

import pytest

from replica.content import SEED_ARTICLE_ID, load_articles
from replica.render import render_article_page, render_home_page
from workers import pages
from workers.messages import Article, Failure, RawPage

BASE = "http://127.0.0.1:8000"


def raw(body: str, status: int = 200, url: str = f"{BASE}/page") -> dict:
    return RawPage.build(
        url=url,
        final_url=url,
        site="aawsat",
        status=status,
        headers={"content-type": "text/html; charset=utf-8"},
        body=body.encode(),
        crawl_id="c1",
    ).to_dict()


def test_an_article_page_becomes_an_article_with_its_raw_page() -> None:
    html = render_article_page(SEED_ARTICLE_ID, load_articles(), BASE)
    result = pages.page_result(raw(html))
    assert result.kind == "article" and result.crawl_id == "c1"
    article = Article.from_dict(result.article or {})
    assert article.url == f"{BASE}/page" and article.canonical_url.startswith("https://aawsat.com/")
    assert len(article.body) == 7 and article.language == "ar" and article.content_hash
    assert RawPage.from_dict(result.raw or {}).body() == html.encode()


@pytest.mark.parametrize(
    ("body", "status", "reason"),
    [
        ("<html><body><h1>الصفحة غير موجودة</h1></body></html>", 404, "HTTP 404"),
        (None, 200, "not an article"),
    ],
)
def test_error_pages_and_listings_are_skipped_not_failed(
    body: str | None, status: int, reason: str
) -> None:
    html = body if body is not None else render_home_page(load_articles(), BASE)
    result = pages.page_result(raw(html, status))
    assert result.kind == "skipped" and result.reason and result.reason.startswith(reason)
    assert result.raw is not None  # archived with the rest


def test_a_malformed_message_becomes_a_failure_naming_what_is_missing() -> None:
    result = pages.page_result({"url": "http://127.0.0.1/x", "crawl_id": "c1"})
    failure = Failure.from_dict(result.failure or {})
    assert result.kind == "failure" and failure.stage == "extract"
    assert "missing" in failure.message and failure.crawl_id == "c1"


def test_an_extraction_bug_is_recorded_with_its_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*args: object, **kwargs: object) -> Article:
        raise RuntimeError("selector blew up")

    monkeypatch.setattr(pages, "extract_article", explode)
    result = pages.page_result(raw("<html><h1>x</h1></html>"), attempt=2)
    failure = Failure.from_dict(result.failure or {})
    assert (failure.error_class, failure.message, failure.attempt) == (
        "RuntimeError",
        "selector blew up",
        2,
    )
