"""Drift counted for real: the replica serves drifted markup (a subprocess), each page goes
through the page worker's work (`page_result` + `publish`) into a real Redis, and
`drift_summary` reads the count back."""

from __future__ import annotations

import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from replica.content import load_articles
from replica.render import absolute, render_article_page
from tests.replica_process import replica_server
from workers.keys import DRIFT_WINDOW, key
from workers.messages import RawPage, Result
from workers.monitor.drift import drift_summaries, drift_summary
from workers.pages import page_result, publish

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture(scope="module")
def drifted_replica() -> Iterator[str]:
    """The Arabic replica with drifted article markup, on a free loopback port."""
    with replica_server("--markup", "drifted") as url:
        yield url


def fetch(url: str) -> tuple[str, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.headers.get("content-type") or "", response.read()


def raw_page(url: str, site: str, content_type: str, body: bytes) -> dict:
    return RawPage.build(url=url, final_url=url, site=site, status=200,
                         headers={"content-type": content_type}, body=body,
                         crawl_id="drift-test").to_dict()


def process(client: redis.Redis, prefix: str, raw: dict) -> Result:
    """What the page task does with one page."""
    result = page_result(raw)
    publish(client, prefix, result)
    return result


def served_article_urls(base_url: str) -> list[str]:
    _type, body = fetch(f"{base_url}/sitemap.xml")
    return [loc.text or "" for loc in ET.fromstring(body).iterfind(".//sm:loc", SITEMAP_NS)]


def test_drift_is_counted_per_site_over_the_last_pages(
    drifted_replica: str, redis_client: redis.Redis, key_prefix: str
) -> None:
    drifted = [process(redis_client, key_prefix, raw_page(url, "aawsat", *fetch(url)))
               for url in served_article_urls(drifted_replica)]
    assert drifted and all(r.kind == "article" for r in drifted)
    assert all((r.article or {})["extraction"]["method"] == "generic" for r in drifted)
    summary = drift_summary(redis_client, key_prefix, "aawsat")
    assert (summary.drifted, summary.of_last) == (len(drifted), len(drifted))
    n = len(drifted)
    assert str(summary) == f"aawsat: rules drifted on {n} of the last {n} pages"

    # The site's markup comes back: classic pages push the drifted ones out of the window.
    arabic = load_articles()
    for article_id, article in arabic.items():
        url = absolute("http://127.0.0.1:8000", article.path)
        html = render_article_page(article_id, arabic, "http://127.0.0.1:8000")
        process(redis_client, key_prefix, raw_page(url, "aawsat", "text/html", html.encode()))
    summary = drift_summary(redis_client, key_prefix, "aawsat")
    still_in_window = max(0, DRIFT_WINDOW - len(arabic))
    assert (summary.drifted, summary.of_last) == (min(still_in_window, len(drifted)), DRIFT_WINDOW)
    assert (summary.total_drifted, summary.total) == (len(drifted), len(drifted) + len(arabic))
    assert redis_client.llen(key("drift_recent", key_prefix, site="aawsat")) == DRIFT_WINDOW
    assert redis_client.xlen(key("results", key_prefix)) == len(drifted) + len(arabic)


def test_sites_are_counted_apart_and_unseen_sites_are_zero(
    drifted_replica: str, redis_client: redis.Redis, key_prefix: str
) -> None:
    url = served_article_urls(drifted_replica)[0]
    process(redis_client, key_prefix, raw_page(url, "aawsat", *fetch(url)))
    english = load_articles(edition="en")
    for article_id, article in english.items():
        page_url = absolute("http://127.0.0.1:8000", article.path)
        html = render_article_page(article_id, english, "http://127.0.0.1:8000")
        process(redis_client, key_prefix,
                raw_page(page_url, "aawsat-english", "text/html", html.encode()))
    summaries = {s.site: s for s in drift_summaries(redis_client, key_prefix)}
    assert str(summaries["aawsat"]) == "aawsat: rules drifted on 1 of the last 1 pages"
    assert str(summaries["aawsat-english"]) == (
        f"aawsat-english: rules drifted on 0 of the last {len(english)} pages")
    assert str(drift_summary(redis_client, key_prefix, "nowhere")) == (
        "nowhere: rules drifted on 0 of the last 0 pages")
