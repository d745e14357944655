"""The aawsat-english site rules on the English replica's pages, and English date lines."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

import pytest

from replica.content import load_articles
from replica.render import absolute, render_article_page, render_section_page
from workers.extract import extract_article, listing_article_links
from workers.extract.dates import parse_printed_date, read_printed_date
from workers.sites import get_site

BASE_URL = "http://127.0.0.1:8000"
ARTICLES = load_articles(edition="en")
FIRST = 5200001  # Shoigu in North Korea; `Published: 17:32-17 June 2025 AD ـ 21 Dhu al-Hijjah…`
NOISE = ("Listen to the article", "play-circle", "TT")


def page(article_id: int) -> tuple[str, str]:
    article = ARTICLES[article_id]
    return render_article_page(article_id, ARTICLES, BASE_URL), absolute(BASE_URL, article.path)


def strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


@pytest.mark.parametrize("article_id", sorted(ARTICLES))
def test_every_english_article_is_read_by_the_english_rules(article_id: int) -> None:
    html, url = page(article_id)
    expected = ARTICLES[article_id]
    article = extract_article(html, url)  # 127.0.0.1: the site comes from the canonical URL
    assert (article.site, article.extraction.method) == ("aawsat-english", "site")
    assert article.title == expected.title
    assert article.body == expected.paragraphs
    assert article.published_at == expected.published.isoformat(timespec="seconds")
    assert article.language == "en"
    assert article.section == expected.section_label
    assert not any(w.startswith(("drift", "rules:")) for w in article.extraction.warnings)
    texts = strings({k: v for k, v in article.to_dict().items() if k != "url"})
    assert not [s for s in texts if s in NOISE or "Listen to the article" in s]


def test_related_cards_and_the_appended_article() -> None:
    html, url = page(FIRST)
    article = extract_article(html, url, site="aawsat-english")
    related = {r.url for r in article.related}
    assert related == {absolute(BASE_URL, ARTICLES[i].path) for i in ARTICLES[FIRST].related}
    assert article.next_article_url == absolute(BASE_URL, ARTICLES[5200007].path)
    assert "Melon" not in " ".join(article.body)  # the appended article stays out of the body


def test_the_english_publish_line_alone_gives_the_date() -> None:
    html, url = page(FIRST)
    html = re.sub(r'<script type="application/ld\+json">.*?</script>', "", html, flags=re.S)
    html = re.sub(r'<meta property="article:[a-z_]+_time"[^>]*>', "", html)
    article = extract_article(html, url, site="aawsat-english")
    assert article.published_at == "2025-06-17T17:32:00+03:00"
    assert article.extraction.warnings == []


@pytest.mark.parametrize("slug", ["world", "opinion"])
def test_english_listing_links(slug: str) -> None:
    rules = get_site("aawsat-english")
    assert rules is not None
    html = render_section_page(slug, ARTICLES, BASE_URL, edition="en")
    links = listing_article_links(html, absolute(BASE_URL, f"/{slug}"), rules)
    in_section = {absolute(BASE_URL, a.path) for a in ARTICLES.values() if a.section == slug}
    assert in_section and in_section <= set(links)


# --- English date lines --------------------------------------------------------------------------

RIYADH = timezone(timedelta(hours=3))


@pytest.mark.parametrize(("line", "expected"), [
    ("Published: 17:32-17 June 2025 AD ـ 21 Dhu al-Hijjah 1446 AH", datetime(2025, 6, 17, 17, 32)),
    ("Last updated: 09:05-13 July 2025 AD", datetime(2025, 7, 13, 9, 5)),
    ("June 17, 2025 5:32 pm", datetime(2025, 6, 17, 17, 32)),
    ("Jun. 3 2024, 12:10 a.m.", datetime(2024, 6, 3, 0, 10)),
    ("17th of March, 2025", datetime(2025, 3, 17)),
    ("Tuesday, 17 Sept 2024 - 11:00", datetime(2024, 9, 17, 11, 0)),
    ("21 Dhu al-Hijjah 1446 AH", datetime(2025, 6, 17)),  # Hijri alone is converted
])
def test_english_date_lines(line: str, expected: datetime) -> None:
    assert parse_printed_date(line, RIYADH) == expected.replace(tzinfo=RIYADH)


def test_english_hijri_date_is_read_for_the_cross_check() -> None:
    printed = read_printed_date("Published: 17:32-17 June 2025 AD ـ 21 Dhu al-Hijjah 1446 AH")
    assert printed.gregorian == printed.hijri == datetime(2025, 6, 17).date()


def test_english_lines_without_a_date_and_gmt_lines() -> None:
    assert parse_printed_date("May we all be well in 2025", RIYADH) is None
    assert parse_printed_date("June 17, 2025 11:00 GMT", RIYADH) == datetime(
        2025, 6, 17, 11, tzinfo=UTC)
