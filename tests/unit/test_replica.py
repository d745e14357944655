"""The offline replica of aawsat.com: the seed page, metadata, feeds, routing and the server."""

from __future__ import annotations

import json
import shutil
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit
from urllib.robotparser import RobotFileParser

import hijridate
import lxml.html
import pytest

from replica import render
from replica.content import (
    BUNDLED_CONTENT_DIR,
    MELONI_ARTICLE_ID,
    OPINION_SECTION,
    SECTIONS,
    SEED_ARTICLE_ID,
    ContentError,
    Lines,
    ReplicaArticle,
    load_articles,
)
from replica.site import ReplicaSite
from tests.replica_process import replica_server

REPO = Path(__file__).resolve().parents[2]
# Copies of ../shared/seed/ (the seed page's visible text and its expected records).
FIXTURES = REPO / "tests" / "fixtures"
SEED_TEXT = FIXTURES / "seed-page.txt"
SEED_EXPECTED = FIXTURES / "shoigu-north-korea.json"
HOST = "127.0.0.1:8765"
BASE = f"http://{HOST}"
RSS_NS = {"dc": "http://purl.org/dc/elements/1.1/"}
SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture(scope="module")
def articles() -> dict[int, ReplicaArticle]:
    return load_articles()


@pytest.fixture(scope="module")
def site() -> ReplicaSite:
    return ReplicaSite()


def get(site: ReplicaSite, path: str) -> tuple[int, str, str]:
    status, content_type, body = site.handle(quote(path, safe="/?=&"), HOST)
    return status, content_type, body.decode("utf-8")


def collapse(text: str) -> str:
    return " ".join(text.split())


def has_class(name: str) -> str:
    return f".//*[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]"


def main_visible_text(html: str) -> str:
    """`<main>` without `.entry-meta` / `.entry-tags`, text nodes joined by a space, no
    script or style, whitespace collapsed."""
    main = lxml.html.fromstring(html).find(".//main")
    assert main is not None
    for name in ("entry-meta", "entry-tags"):
        for element in main.xpath(has_class(name)):
            element.drop_tree()
    texts = main.xpath(".//text()[not(ancestor::script) and not(ancestor::style)]")
    return collapse(" ".join(texts))


# --- the seed page ------------------------------------------------------------------------


def test_seed_page_visible_text_equals_the_seed(articles: dict[int, ReplicaArticle]) -> None:
    html = render.render_article_page(SEED_ARTICLE_ID, articles, BASE)
    assert main_visible_text(html) == collapse(SEED_TEXT.read_text(encoding="utf-8"))


def test_seed_page_is_served_at_its_url(
    site: ReplicaSite, articles: dict[int, ReplicaArticle]
) -> None:
    seed = articles[SEED_ARTICLE_ID]
    assert seed.path == "/العالم/5154321-بتكليف-من-بوتين-شويغو-في-كوريا-الشمالية-للقاء-كيم"
    status, content_type, html = get(site, seed.path)
    assert (status, content_type) == (200, "text/html; charset=utf-8")
    assert main_visible_text(html) == collapse(SEED_TEXT.read_text(encoding="utf-8"))


def test_seed_teasers_match_the_expected_record(articles: dict[int, ReplicaArticle]) -> None:
    expected = json.loads(SEED_EXPECTED.read_text(encoding="utf-8"))
    seed = articles[SEED_ARTICLE_ID]
    assert seed.paragraphs == expected["body"]
    teasers = [articles[i] for i in seed.related]
    assert [t.title for t in teasers] == [r["title"] for r in expected["related"]]
    for teaser, record in zip(teasers, expected["related"], strict=True):
        assert teaser.section_label == record["section"]
        assert teaser.summary == record["summary"]
        assert teaser.has_video == record["has_video"]
        assert teaser.image is not None
        caption = collapse(teaser.image.caption)
        assert caption.startswith(record["image"]["caption"])
        assert caption.endswith(f"({record['image']['credit']})")
        assert teaser.dateline is not None and record["dateline"]["place"] in teaser.dateline
        assert len(teaser.paragraphs) >= 4


def test_meloni_has_its_own_page_with_lines_paragraph(
    site: ReplicaSite, articles: dict[int, ReplicaArticle]
) -> None:
    meloni = articles[MELONI_ARTICLE_ID]
    assert articles[SEED_ARTICLE_ID].next == MELONI_ARTICLE_ID
    assert isinstance(meloni.body[2], Lines) and len(meloni.body[2].lines) == 4
    expected = json.loads((FIXTURES / "meloni-trade-war.json").read_text("utf-8"))
    assert meloni.paragraphs == expected["body"]
    status, _, html = get(site, meloni.path)
    assert status == 200
    doc = lxml.html.fromstring(html)
    first = doc.xpath("//main//article")[0]
    assert first.get("data-nid") == str(MELONI_ARTICLE_ID)
    assert len(first.xpath(".//div[@class='entry-content']/p[3]/br")) == 3


# --- dates --------------------------------------------------------------------------------


def test_hijri_date_of_the_seed_day() -> None:
    hijri = hijridate.Gregorian(2025, 6, 17).to_hijri()
    assert (hijri.year, hijri.month, hijri.day) == (1446, 12, 21)
    hijri = hijridate.Gregorian(2025, 7, 13).to_hijri()
    assert (hijri.year, hijri.month, hijri.day) == (1447, 1, 18)


def test_publish_line_of_the_seed_article(articles: dict[int, ReplicaArticle]) -> None:
    line = render.publish_line(articles[SEED_ARTICLE_ID])
    assert line == "نُشر: 17:32-17 يونيو 2025 م ـ 21 ذو الحجة 1446 هـ"
    html = render.render_article_page(SEED_ARTICLE_ID, articles, BASE)
    assert f'<span class="publish-date">{line}</span>' in html


def test_publish_line_month_styles_and_digits(articles: dict[int, ReplicaArticle]) -> None:
    when = articles[MELONI_ARTICLE_ID].published
    assert render.dated_line("نُشر", when, "both") == (
        "نُشر: 20:15-13 يوليو (تموز) 2025 م ـ 18 محرم 1447 هـ"
    )
    assert render.dated_line("نُشر", when, "levant") == "نُشر: 20:15-13 تموز 2025 م ـ 18 محرم 1447 هـ"
    assert render.dated_line("نُشر", when, "gulf", arabic_digits=True) == (
        "نُشر: ٢٠:١٥-١٣ يوليو ٢٠٢٥ م ـ ١٨ محرم ١٤٤٧ هـ"
    )


# --- every article ------------------------------------------------------------------------


def head_meta(doc: lxml.html.HtmlElement, prop: str) -> list[str]:
    return [str(v) for v in doc.xpath(f"//head/meta[@property='{prop}']/@content")]


def test_every_article_renders_with_metadata(
    site: ReplicaSite, articles: dict[int, ReplicaArticle]
) -> None:
    assert len(articles) >= 10
    for article in articles.values():
        status, _, html = get(site, article.path)
        assert status == 200, article.id
        doc = lxml.html.fromstring(html)
        url = "https://aawsat.com" + quote(article.path)  # a mirror names the original
        assert doc.xpath("//head/link[@rel='canonical']/@href") == [url]
        assert head_meta(doc, "og:title") == [article.title]
        assert head_meta(doc, "article:published_time") == [article.published.isoformat()]
        assert head_meta(doc, "article:tag") == list(article.tags)
        (ld_text,) = doc.xpath("//script[@type='application/ld+json']/text()")
        ld = json.loads(ld_text)
        assert ld["@type"] == "NewsArticle" and ld["headline"] == article.title
        assert ld["mainEntityOfPage"]["@id"] == url
        assert [a["name"] for a in ld["author"]] == list(article.authors)
        assert doc.xpath("string(//main//article[1]//h1)") == article.title


def test_hrefs_are_percent_encoded(site: ReplicaSite, articles: dict[int, ReplicaArticle]) -> None:
    for path in ("/", articles[SEED_ARTICLE_ID].path, f"/{OPINION_SECTION}"):
        doc = lxml.html.fromstring(get(site, path)[2])
        for href in doc.xpath("//@href | //@src | //@data-url | //@data-vr-contentbox-url"):
            assert str(href).isascii(), href


def test_missing_related_and_next_ids_are_skipped(tmp_path: Path) -> None:
    data = json.loads((BUNDLED_CONTENT_DIR / f"{SEED_ARTICLE_ID}.json").read_text("utf-8"))
    data.update(related=[4000001, 4000002], next=4000003)
    (tmp_path / f"{SEED_ARTICLE_ID}.json").write_text(json.dumps(data), encoding="utf-8")
    articles = load_articles(tmp_path)
    html = render.render_article_page(SEED_ARTICLE_ID, articles, BASE)
    assert "related-articles" not in html and "infinite-scroll-next" not in html


# --- listings, feed, sitemap, robots --------------------------------------------------------


def test_home_and_section_listings(site: ReplicaSite, articles: dict[int, ReplicaArticle]) -> None:
    status, _, html = get(site, "/")
    assert status == 200
    links = {unquote(str(h)) for h in lxml.html.fromstring(html).xpath("//main//a/@href")}
    for slug in {a.section for a in articles.values()} - {OPINION_SECTION}:
        status, _, html = get(site, f"/{slug}")
        assert status == 200
        doc = lxml.html.fromstring(html)
        hrefs = {unquote(str(h)) for h in doc.xpath(render_card_links())}
        assert {a.path for a in articles.values() if a.section == slug} <= hrefs
        assert f"/{slug}" in links


def render_card_links() -> str:
    return (
        "//div[contains(@class, 'article-item-info')]//div[@class='article-item-title']/h2/a/@href"
    )


def test_opinion_listing_cards(site: ReplicaSite, articles: dict[int, ReplicaArticle]) -> None:
    doc = lxml.html.fromstring(get(site, f"/{OPINION_SECTION}")[2])
    cards = doc.xpath(has_class("node--type-opinion"))
    opinions = [a for a in articles.values() if a.section == OPINION_SECTION]
    assert len(cards) == len(opinions) >= 3
    by_url = {BASE + quote(a.path): a for a in opinions}
    for card in cards:
        article = by_url[card.get("data-vr-contentbox-url")]
        title = collapse(card.xpath("string(.//div[@class='article-item-title']/h2)"))
        assert title == f"{article.title} {render.LISTEN_LABEL}"


def test_a_listing_links_to_a_missing_article(site: ReplicaSite) -> None:
    doc = lxml.html.fromstring(get(site, "/العالم")[2])
    dead = f"/العالم/{render.DEAD_LINK_ID}-{render.DEAD_LINK_SLUG}"
    assert dead in {unquote(str(h)) for h in doc.xpath(render_card_links())}
    assert get(site, dead)[0] == 404


def test_feed_is_rss_of_every_article(
    site: ReplicaSite, articles: dict[int, ReplicaArticle]
) -> None:
    status, content_type, body = get(site, "/feed")
    assert (status, content_type) == (200, "application/rss+xml; charset=utf-8")
    root = ET.fromstring(body.encode("utf-8"))
    assert root.tag == "rss" and root.get("version") == "2.0"
    items = root.findall("./channel/item")
    links = [item.findtext("link") or "" for item in items]
    assert sorted(links) == sorted(BASE + quote(a.path) for a in articles.values())
    dates = [parsedate_to_datetime(item.findtext("pubDate") or "") for item in items]
    assert dates == sorted(dates, reverse=True)
    seed_item = items[links.index(BASE + quote(articles[SEED_ARTICLE_ID].path))]
    assert seed_item.findtext("pubDate") == "Tue, 17 Jun 2025 17:32:00 +0300"


def test_section_feed(site: ReplicaSite, articles: dict[int, ReplicaArticle]) -> None:
    for slug in SECTIONS:
        status, _, body = get(site, f"/feed/{slug}")
        assert status == 200
        items = ET.fromstring(body.encode("utf-8")).findall("./channel/item")
        assert len(items) == sum(a.section == slug for a in articles.values())
    assert get(site, "/feed/no-such-section")[0] == 404


def test_sitemap_lists_every_article(
    site: ReplicaSite, articles: dict[int, ReplicaArticle]
) -> None:
    status, content_type, body = get(site, "/sitemap.xml")
    assert (status, content_type) == (200, "application/xml; charset=utf-8")
    root = ET.fromstring(body.encode("utf-8"))
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    urls = root.findall("sm:url", SITEMAP_NS)
    locs = {u.findtext("sm:loc", namespaces=SITEMAP_NS) for u in urls}
    assert locs == {BASE + quote(a.path) for a in articles.values()}
    assert all(u.findtext("sm:lastmod", namespaces=SITEMAP_NS) for u in urls)


def test_robots_disallows_search_and_user(
    site: ReplicaSite, articles: dict[int, ReplicaArticle]
) -> None:
    status, content_type, body = get(site, "/robots.txt")
    assert (status, content_type) == (200, "text/plain; charset=utf-8")
    assert f"Sitemap: {BASE}/sitemap.xml" in body.splitlines()
    robots = RobotFileParser()
    robots.parse(body.splitlines())
    assert not robots.can_fetch("akhbar", f"{BASE}/search?q=x")
    assert not robots.can_fetch("akhbar", f"{BASE}/user/login")
    assert robots.can_fetch("akhbar", BASE + quote(articles[SEED_ARTICLE_ID].path))
    assert get(site, "/search?q=روسيا")[0] == 200


# --- routing ------------------------------------------------------------------------------


def test_unknown_paths_are_404_pages(
    site: ReplicaSite, articles: dict[int, ReplicaArticle]
) -> None:
    seed = articles[SEED_ARTICLE_ID]
    for path in ("/no-such-page", "/العالم/1-x", f"/أوروبا/{seed.id}-{seed.slug}", "/user/login"):
        status, content_type, html = get(site, path)
        assert (status, content_type) == (404, "text/html; charset=utf-8"), path
        assert 'class="site-header"' in html and 'class="site-footer"' in html


def test_images_serve_the_placeholder(site: ReplicaSite) -> None:
    status, content_type, body = site.handle("/styles/1037xauto/public/2025/06/any.jpg", HOST)
    assert (status, content_type) == (200, "image/jpeg")
    assert body[:2] == b"\xff\xd8" and body[-2:] == b"\xff\xd9"


def test_absolute_urls_follow_the_host_header(articles: dict[int, ReplicaArticle]) -> None:
    site = ReplicaSite()
    path = quote(articles[SEED_ARTICLE_ID].path)
    body = site.handle(path, "example.test:9000")[2].decode("utf-8")
    assert f'data-url="http://example.test:9000{path}"' in body
    assert 'href="http://example.test:9000/feed"' in body or "http://example.test:9000/" in body
    # ...but the canonical URL names the original site, whatever the Host
    assert f'<link rel="canonical" href="https://aawsat.com{path}">' in body


# --- content files ------------------------------------------------------------------------


def copy_content(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(BUNDLED_CONTENT_DIR, folder)
    return folder


def test_a_bad_file_is_named_with_its_field(tmp_path: Path) -> None:
    folder = copy_content(tmp_path)
    path = folder / f"{MELONI_ARTICLE_ID}.json"
    data = json.loads(path.read_text("utf-8"))
    data["published"] = "13 July 2025"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ContentError, match=rf"{MELONI_ARTICLE_ID}\.json: field 'published'"):
        load_articles(folder)
    data["published"], data["section"] = "2025-07-13T20:15:00+03:00", "nowhere"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ContentError, match="field 'section'"):
        load_articles(folder)
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ContentError, match="not valid JSON"):
        load_articles(folder)


def test_edits_are_served_without_a_restart(tmp_path: Path) -> None:
    folder = copy_content(tmp_path)
    site = ReplicaSite(folder)
    seed = site.articles()[SEED_ARTICLE_ID]
    path = folder / f"{SEED_ARTICLE_ID}.json"
    data = json.loads(path.read_text("utf-8"))
    data["title"] = "عنوان معدل"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    body = site.handle(quote(seed.path), HOST)[2].decode("utf-8")
    assert "<h1>عنوان معدل</h1>" in body


# --- the server process -------------------------------------------------------------------


@pytest.fixture
def server_url() -> Iterator[str]:
    with replica_server() as url:
        yield url


def test_server_process_serves_feed_and_article(
    server_url: str, articles: dict[int, ReplicaArticle]
) -> None:
    assert urlsplit(server_url).hostname == "127.0.0.1"
    with urllib.request.urlopen(f"{server_url}/feed", timeout=10) as response:
        assert response.headers["Content-Type"] == "application/rss+xml; charset=utf-8"
        feed = ET.fromstring(response.read())
    link = server_url + quote(articles[SEED_ARTICLE_ID].path)
    assert link in [item.findtext("link") for item in feed.findall("./channel/item")]
    with urllib.request.urlopen(link, timeout=10) as response:
        html = response.read().decode("utf-8")
    assert main_visible_text(html) == collapse(SEED_TEXT.read_text(encoding="utf-8"))
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(f"{server_url}/no-such-page", timeout=10)
    assert missing.value.code == 404
