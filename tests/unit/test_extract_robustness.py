"""No exception but NotAnArticle or ExtractionError escapes extract_article, whatever the input:
malformed, truncated, binary, hostile or simply random HTML."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from replica.content import SEED_ARTICLE_ID, load_articles
from replica.render import render_article_page
from workers.extract import ExtractionError, NotAnArticle, extract_article

BASE = "http://127.0.0.1:8000"
SEED_HTML = render_article_page(SEED_ARTICLE_ID, load_articles(), BASE)
URL = f"{BASE}/seed"
TAGS = ["<p>", "</p>", "<div class='entry-content'>", "</div>", "<h1>", "<article>", "<br>",
        "<script>", "</script>", "<!--", "-->", "<![CDATA[", "&amp;", "&#0;", "\x00", "\ufffd",
        "<meta charset='x-unknown'>", '<script type="application/ld+json">{"@type":']


def extract_or_refuse(html: str | bytes, site: str | None = "aawsat") -> None:
    try:
        article = extract_article(html, URL, site=site)
    except (NotAnArticle, ExtractionError):
        return
    # An Article, when one comes, has a title, and a body or a warning saying what is missing
    assert article.title and (article.body or article.extraction.warnings)


@pytest.mark.parametrize("cut", [0.1, 0.25, 0.5, 0.75, 0.9, 0.99])
def test_truncated_pages(cut: float) -> None:
    extract_or_refuse(SEED_HTML[: int(len(SEED_HTML) * cut)])


def test_a_truncated_seed_page_still_gives_its_first_paragraphs() -> None:
    article = extract_article(SEED_HTML[: SEED_HTML.index("مقالات ذات صلة")], URL, site="aawsat")
    assert len(article.body) == 7 and article.related == []


@pytest.mark.parametrize("html", [
    "", " ", "\x00" * 100, "<html>", "</html></body>", "<" * 5000, "<div>" * 10_000,
    "<p>" + "x" * 1_000_000 + "</p>", "\ufeff<html><body><h1>t</h1></body></html>",
])
def test_degenerate_pages(html: str) -> None:
    extract_or_refuse(html)


def test_binary_bytes() -> None:
    extract_or_refuse(bytes(range(256)) * 50)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(TAGS), st.text(max_size=40)), max_size=60),
       st.sampled_from(["aawsat", "aawsat-english", None]))
def test_random_markup_never_raises_anything_else(parts: list[str], site: str | None) -> None:
    extract_or_refuse("".join(parts), site)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, len(SEED_HTML) - 1), st.integers(1, 400), st.text(max_size=30))
def test_the_seed_page_with_a_random_splice(at: int, length: int, insert: str) -> None:
    extract_or_refuse(SEED_HTML[:at] + insert + SEED_HTML[at + length:])
