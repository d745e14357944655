"""A spider for every configured site, built from its rules."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, TextResponse
from scrapy.settings import Settings
from scrapy.spiderloader import SpiderLoader

from crawler.spiders.aawsat import AawsatSpider
from crawler.spiders.news import start_urls
from crawler.spiders.sites import UnknownSite, spider_class, spider_for
from replica.content import load_articles
from replica.render import absolute, render_article_page, render_section_page, render_sitemap
from workers.messages import RawPage
from workers.sites import get_site, load_site_file

BASE = "http://127.0.0.1:8000"
ENGLISH = load_articles(edition="en")
ROOT = Path(__file__).resolve().parents[2]
USER_SITE = """\
name: example-news
domains: [example.com, www.example.com]
article_url_pattern: '^/news/\\d+'
start: [/feed, https://example.com/sitemap.xml, https://feeds.example.net/all.xml]
"""


def html_response(url: str, html: str) -> HtmlResponse:
    return HtmlResponse(url=url, body=html.encode(), encoding="utf-8", request=Request(url),
                        headers={"Content-Type": "text/html; charset=utf-8"})


def ids(requests: list[Request]) -> set[int]:
    return {int(unquote(r.url).rsplit("/", 1)[-1].split("-", 1)[0]) for r in requests}


def test_every_site_has_a_spider_named_after_it() -> None:
    english = spider_for("aawsat-english")
    assert english.__name__ == "AawsatEnglishSpider" and english.name == "aawsat-english"
    assert english.rules == get_site("aawsat-english")
    assert spider_for("aawsat") is AawsatSpider


def test_scrapy_lists_every_site_once() -> None:
    loader = SpiderLoader.from_settings(Settings({"SPIDER_MODULES": ["crawler.spiders"]}))
    assert sorted(loader.list()) == ["aawsat", "aawsat-english"]
    assert loader.load("aawsat-english") is spider_for("aawsat-english")


def test_an_unknown_site_names_the_known_ones() -> None:
    with pytest.raises(UnknownSite, match="unknown site 'nope'; known sites: aawsat, aawsat-eng"):
        spider_for("nope")


def test_crawler_run_refuses_an_unknown_site_in_one_line() -> None:
    done = subprocess.run([sys.executable, "-m", "crawler.run", "nope"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "crawler.run: unknown site 'nope'; known sites: aawsat, aawsat-english "
        "(add one as a YAML file in AKHBAR_SITES_DIR)"]


def test_the_english_spider_discovers_and_hands_on_english_pages() -> None:
    spider = spider_for("aawsat-english")(base_url=BASE, crawl_id="c1")
    sitemap = TextResponse(url=f"{BASE}/sitemap.xml", body=render_sitemap(ENGLISH, BASE).encode(),
                           encoding="utf-8", request=Request(f"{BASE}/sitemap.xml"),
                           headers={"Content-Type": "application/xml"})
    assert ids(list(spider.parse_discovery(sitemap))) == set(ENGLISH)
    world = html_response(f"{BASE}/world", render_section_page("world", ENGLISH, BASE, "en"))
    assert ids(list(spider.parse_discovery(world))) >= {5200001, 5200002}
    first = absolute(BASE, ENGLISH[5200001].path)
    raw, *follow = list(spider.parse_article(
        html_response(first, render_article_page(5200001, ENGLISH, BASE))))
    assert RawPage.from_dict(raw).site == "aawsat-english"
    assert ids(follow) == {5200007, *ENGLISH[5200001].related}


# --- a user's site without selectors -------------------------------------------------------------


@pytest.fixture
def user_spider(tmp_path: Path) -> type:
    path = tmp_path / "example.yaml"
    path.write_text(USER_SITE, encoding="utf-8")
    return spider_class(load_site_file(path))


def test_start_urls_move_to_the_base_url_but_other_hosts_stay(user_spider: type) -> None:
    spider = user_spider(base_url="http://127.0.0.1:9000", crawl_id="c")
    assert spider.first_urls == ["http://127.0.0.1:9000/feed", "http://127.0.0.1:9000/sitemap.xml",
                                 "https://feeds.example.net/all.xml"]
    assert "feeds.example.net" in spider.allowed_domains
    assert "127.0.0.1" in spider.allowed_domains
    assert start_urls(spider.rules, None)[:2] == [
        "https://example.com/feed", "https://example.com/sitemap.xml"]


def test_a_site_without_listing_rules_follows_every_article_link(user_spider: type) -> None:
    spider = user_spider(crawl_id="c")
    listing = html_response("https://example.com/", (
        '<a href="/news/1-storm">Storm</a> <a href="/about">About</a>'
        '<a href="https://example.com/news/2">Two</a>'))
    urls = [r.url for r in spider.parse_discovery(listing)]
    assert urls == ["https://example.com/news/1-storm", "https://example.com/news/2"]
    raw, *follow = list(spider.parse_article(html_response(urls[0], listing.text)))
    assert RawPage.from_dict(raw).site == "example-news" and follow == []
