"""process_page's work without Celery: every page becomes exactly one Result."""

from __future__ import annotations

import base64
import tracemalloc

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


# Bad input through the worker's real path: RawPage.build as the crawler makes it, then
# page_result. Each ends as a skipped page or a failure that says why; nothing raises.
SEED_HTML = render_article_page(SEED_ARTICLE_ID, load_articles(), BASE)
FIFTY_MB = 50 * 1024 * 1024


def raw_bytes(body: bytes, content_type: str | None = "text/html; charset=utf-8") -> dict:
    return RawPage.build(
        url=f"{BASE}/page", final_url=f"{BASE}/page", site="aawsat", status=200,
        headers={"content-type": content_type} if content_type else {}, body=body,
        crawl_id="c1",
    ).to_dict()


def windows_1256_seed() -> bytes:
    """The seed article as an old Arabic site serves it: windows-1256, declared in the page."""
    html = SEED_HTML.replace('<meta charset="utf-8">', '<meta charset="windows-1256">')
    assert html != SEED_HTML
    return html.encode("cp1256", errors="xmlcharrefreplace")


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "not an article: empty page"),
        (b" \n\t ", "not an article: empty page"),
        (bytes(range(256)) * 400, "not an article: binary content"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40, "not an article: binary content"),
        (b"<div>" * 10_000 + b"<p>x</p>" + b"</div>" * 10_000, "not an article: no article"),
        (b"<div>" * 10_000, "not an article"),
    ],
    ids=["empty", "blank", "binary", "png", "10000-deep", "10000-deep-unclosed"],
)
def test_bad_pages_are_skipped_with_what_was_wrong(body: bytes, reason: str) -> None:
    result = pages.page_result(raw_bytes(body))
    assert result.kind == "skipped" and result.reason, result
    assert result.reason.startswith(reason), result.reason
    assert not result.reason.startswith("not an article: not an article")


@pytest.mark.parametrize("cut", [0.3, 0.6, 0.9])
def test_a_truncated_page_gives_what_it_has(cut: float) -> None:
    data = SEED_HTML.encode()
    result = pages.page_result(raw_bytes(data[: int(len(data) * cut)]))  # may split a letter
    assert result.kind in ("article", "skipped"), result
    if result.kind == "article":
        assert Article.from_dict(result.article or {}).title.startswith("بتكليف من بوتين")


def test_a_deeply_nested_article_is_still_read() -> None:
    html = SEED_HTML.replace("<body>", "<body>" + "<div>" * 10_000, 1)
    result = pages.page_result(raw_bytes(html.encode()))
    assert result.kind == "article" and len((result.article or {})["body"]) == 7


def test_a_50_mb_page_is_refused_by_the_size_limit_before_it_is_inflated() -> None:
    page = raw_bytes(b"<html><body>" + b"<p>kalam kathir</p>\n" * (FIFTY_MB // 20))
    tracemalloc.start()
    try:
        result = pages.page_result(page)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    failure = Failure.from_dict(result.failure or {})
    assert result.kind == "failure" and failure.stage == "fetch", result
    assert failure.error_class == "PageTooLarge" and "AKHBAR_MAX_PAGE_BYTES" in failure.message
    # inflated to the limit (10 MB by default) and no further: never the 50 MB
    assert peak < 25 * 1024 * 1024, peak


def test_the_size_limit_comes_from_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AKHBAR_MAX_PAGE_BYTES", str(len(SEED_HTML.encode()) - 1))
    assert pages.page_result(raw(SEED_HTML)).kind == "failure"
    monkeypatch.setenv("AKHBAR_MAX_PAGE_BYTES", str(len(SEED_HTML.encode())))
    assert pages.page_result(raw(SEED_HTML)).kind == "article"


def test_a_body_that_is_not_zlib_is_a_failure_not_a_crash() -> None:
    page = raw_bytes(b"<p>x</p>")
    page["body_z"] = base64.b64encode(b"this is not zlib").decode()
    failure = Failure.from_dict(pages.page_result(page).failure or {})
    assert failure.stage == "extract" and "not zlib" in failure.message


@pytest.mark.parametrize("content_type", [
    "text/html; charset=utf-8",  # a server's default charset in front of an old page
    "text/html",
    None,
])
def test_windows_1256_is_read_right_when_the_header_says_utf8_or_nothing(
    content_type: str | None,
) -> None:
    result = pages.page_result(raw_bytes(windows_1256_seed(), content_type))
    assert result.kind == "article"
    assert (result.article or {})["title"].startswith("بتكليف من بوتين")


@pytest.mark.parametrize("content_type", [
    "text/html; charset=iso-8859-1", "text/html; charset=windows-1252",
])
def test_windows_1256_under_a_latin_header(content_type: str) -> None:
    result = pages.page_result(raw_bytes(windows_1256_seed(), content_type))
    assert (result.article or {}).get("title", "").startswith("بتكليف من بوتين")
