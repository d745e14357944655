"""Drift: a site's headline or body rule finds nothing; the generic path extracts the page, the
article says so, and the page worker flags it for its site."""

from __future__ import annotations

import re

import pytest

from replica.content import SEED_ARTICLE_ID, load_articles
from replica.render import absolute, render_article_page
from workers.extract import NotAnArticle, extract_article
from workers.messages import RawPage
from workers.pages import drift_flag, page_result
from workers.sites import get_site

BASE_URL = "http://127.0.0.1:8000"
EDITIONS = {"ar": (load_articles(), SEED_ARTICLE_ID), "en": (load_articles(edition="en"), 5200001)}


def drifted_page(edition: str) -> tuple[str, str, str, list[str]]:
    """(html, url, title, paragraphs) of the edition's first article in drifted markup."""
    articles, article_id = EDITIONS[edition]
    article = articles[article_id]
    html = render_article_page(article_id, articles, BASE_URL, markup="drifted")
    return html, absolute(BASE_URL, article.path), article.title, article.paragraphs


@pytest.mark.parametrize(("edition", "site"), [("ar", "aawsat"), ("en", "aawsat-english")])
def test_a_drifted_page_is_extracted_by_the_generic_path_and_says_so(
    edition: str, site: str
) -> None:
    html, url, title, paragraphs = drifted_page(edition)
    article = extract_article(html, url, site=site)
    rules = get_site(site)
    assert rules is not None
    assert (article.site, article.extraction.method) == (site, "generic")
    assert article.extraction.rules_version == rules.rules_version
    assert article.title == title and article.body == paragraphs
    assert article.extraction.warnings[0] == (
        f"drift: {site} rules found no title ({rules.headline[0]}) and no body ({rules.body}); "
        "generic extraction used")
    assert article.related and article.next_article_url  # the rules that still work, work


def test_only_the_body_drifted() -> None:
    articles, article_id = EDITIONS["ar"]
    html = render_article_page(article_id, articles, BASE_URL).replace("entry-content", "story")
    article = extract_article(html, absolute(BASE_URL, articles[article_id].path), site="aawsat")
    assert article.extraction.method == "generic"
    assert article.extraction.warnings[0] == (
        "drift: aawsat rules found no body (.entry-content p); generic extraction used")
    assert article.body == articles[article_id].paragraphs


def test_a_drifted_page_without_metadata_is_still_an_article() -> None:
    html, url, title, paragraphs = drifted_page("en")
    html = re.sub(r'<script type="application/ld\+json">.*?</script>', "", html, flags=re.S)
    html = re.sub(r'<meta property="og:[a-z_:]+"[^>]*>', "", html)
    article = extract_article(html, url, site="aawsat-english")
    assert article.extraction.method == "generic"
    assert article.title == title and article.body == paragraphs


def test_a_page_with_neither_rules_nor_text_is_still_not_an_article() -> None:
    html = "<html><head><title>x</title></head><body><p>Too short.</p></body></html>"
    with pytest.raises(NotAnArticle, match="no headline and no body"):
        extract_article(html, f"{BASE_URL}/world/5200001-x", site="aawsat-english")


def test_a_classic_page_does_not_drift() -> None:
    articles, article_id = EDITIONS["en"]
    html = render_article_page(article_id, articles, BASE_URL)
    article = extract_article(html, absolute(BASE_URL, articles[article_id].path))
    assert article.extraction.method == "site"
    assert not any(w.startswith("drift") for w in article.extraction.warnings)


# --- the flag the page worker records ------------------------------------------------------------


def raw(html: str, url: str, site: str) -> dict:
    return RawPage.build(url=url, final_url=url, site=site, status=200,
                         headers={"content-type": "text/html; charset=utf-8"},
                         body=html.encode(), crawl_id="c1").to_dict()


def test_drift_flags_of_results() -> None:
    html, url, _title, _paragraphs = drifted_page("en")
    articles, article_id = EDITIONS["en"]
    classic = render_article_page(article_id, articles, BASE_URL)
    assert drift_flag(page_result(raw(html, url, "aawsat-english"))) == ("aawsat-english", True)
    assert drift_flag(page_result(raw(classic, url, "aawsat-english"))) == (
        "aawsat-english", False)
    listing = page_result(raw("<html><body><a href='/x'>x</a></body></html>", url, "aawsat"))
    assert listing.kind == "skipped" and drift_flag(listing) is None


def test_sites_without_rules_have_no_drift_flag() -> None:
    html = ("<html><head><meta property='og:type' content='article'><title>T</title></head>"
            "<body><article><h1>T</h1><p>" + "word " * 80 + "</p></article></body></html>")
    result = page_result(raw(html, "https://example.org/a/1", "example.org"))
    assert result.kind == "article" and drift_flag(result) is None
