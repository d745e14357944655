"""The aawsat spider on hand-built responses of the replica's pages: what it discovers."""

from __future__ import annotations

from urllib.parse import unquote

from scrapy import Request
from scrapy.http import HtmlResponse, TextResponse

from crawler.spiders.aawsat import AawsatSpider
from replica.content import MELONI_ARTICLE_ID, SEED_ARTICLE_ID, load_articles
from replica.render import render_article_page, render_feed, render_section_page, render_sitemap
from workers.messages import RawPage

BASE = "http://127.0.0.1:8000"
ARTICLES = load_articles()


def html_response(url: str, html: str, status: int = 200) -> HtmlResponse:
    return HtmlResponse(
        url=url,
        body=html.encode(),
        encoding="utf-8",
        status=status,
        request=Request(url),
        headers={"Content-Type": "text/html; charset=utf-8"},
    )


def xml_response(url: str, xml: str) -> TextResponse:
    return TextResponse(
        url=url,
        body=xml.encode(),
        encoding="utf-8",
        request=Request(url),
        headers={"Content-Type": "application/xml; charset=utf-8"},
    )


def article_ids(requests: list) -> set[int]:  # type: ignore[type-arg]
    ids = set()
    for request in requests:
        slug = unquote(request.url).rsplit("/", 1)[-1]
        ids.add(int(slug.split("-", 1)[0]))
    return ids


def test_the_feed_and_the_sitemap_yield_every_article() -> None:
    spider = AawsatSpider(base_url=BASE, crawl_id="t")
    feed = list(spider.parse_discovery(xml_response(f"{BASE}/feed", render_feed(ARTICLES, BASE))))
    sitemap = list(
        spider.parse_discovery(xml_response(f"{BASE}/sitemap.xml", render_sitemap(ARTICLES, BASE)))
    )
    assert article_ids(sitemap) == set(ARTICLES)
    assert article_ids(feed) <= set(ARTICLES) and feed
    assert all(r.callback == spider.parse_article for r in feed + sitemap)


def test_listings_yield_article_links_including_opinion_cards() -> None:
    spider = AawsatSpider(base_url=BASE, crawl_id="t")
    opinion = html_response(f"{BASE}/الرأي", render_section_page("الرأي", ARTICLES, BASE))
    found = article_ids(list(spider.parse_discovery(opinion)))
    assert found == {i for i, a in ARTICLES.items() if a.section == "الرأي"}


def test_an_article_page_becomes_a_raw_page_and_its_next_and_related_are_followed() -> None:
    spider = AawsatSpider(base_url=BASE, crawl_id="crawl-1")
    html = render_article_page(SEED_ARTICLE_ID, ARTICLES, BASE)
    url = f"{BASE}/seed"
    raw, *follow = list(spider.parse_article(html_response(url, html)))
    page = RawPage.from_dict(raw)
    assert page.body() == html.encode() and page.crawl_id == "crawl-1" and page.site == "aawsat"
    assert page.headers["content-type"].startswith("text/html")
    assert MELONI_ARTICLE_ID in article_ids(follow)
    assert len(article_ids(follow)) == 6  # the appended article and the five teasers


def test_error_pages_are_handed_on_but_not_followed() -> None:
    spider = AawsatSpider(base_url=BASE, crawl_id="t")
    out = list(spider.parse_article(html_response(f"{BASE}/العالم/1234-x", "<h1>404</h1>", 404)))
    assert len(out) == 1 and out[0]["status"] == 404


def test_the_spider_stays_on_its_domains() -> None:
    spider = AawsatSpider(base_url=BASE)
    assert spider.allowed_domains == ["aawsat.com", "www.aawsat.com", "127.0.0.1"]
    assert AawsatSpider().base_url == "https://aawsat.com"
