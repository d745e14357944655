"""The English edition of the replica (english.aawsat.com) and the drifted markup of both."""

from __future__ import annotations

import json
import re
import shutil
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit
from urllib.robotparser import RobotFileParser

import lxml.html
import pytest

from replica import render
from replica.content import (
    EDITIONS,
    ENGLISH_CONTENT_DIR,
    ENGLISH_SECTIONS,
    Blockquote,
    ContentError,
    ReplicaArticle,
    load_articles,
)
from replica.server import parse_args
from replica.site import ReplicaSite
from tests.replica_process import replica_server
from tests.unit.test_replica import (
    collapse,
    has_class,
    head_meta,
    main_visible_text,
    render_card_links,
)

REPO = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1:8766"
BASE = f"http://{HOST}"
ENGLISH_BASE = "https://english.aawsat.com"
SHOIGU_ID = 5200001
OPINION_ID = 5200010
SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
CREDIT = re.compile(r"\((AP|Reuters|AFP|Asharq Al-Awsat)\)$")


@pytest.fixture(scope="module")
def articles() -> dict[int, ReplicaArticle]:
    return load_articles(edition="en")


@pytest.fixture(scope="module")
def site() -> ReplicaSite:
    return ReplicaSite(edition="en")


def get(site: ReplicaSite, path: str) -> tuple[int, str, str]:
    status, content_type, body = site.handle(quote(path, safe="/?=&"), HOST)
    return status, content_type, body.decode("utf-8")


def json_ld_of(doc: lxml.html.HtmlElement) -> dict[str, object]:
    (text,) = doc.xpath("//script[@type='application/ld+json']/text()")
    data = json.loads(text)
    assert isinstance(data, dict)
    return data


# --- content ------------------------------------------------------------------------------


def test_the_english_edition_is_described() -> None:
    edition = EDITIONS["en"]
    assert (edition.language, edition.direction, edition.locale) == ("en", "ltr", "en_US")
    assert edition.content_dir == ENGLISH_CONTENT_DIR
    assert edition.canonical_base == ENGLISH_BASE
    assert edition.site_name == "Asharq Al-Awsat"
    assert list(edition.sections) == [
        "world", "middle-east", "business", "sports", "culture", "opinion",
    ]  # fmt: skip
    assert all(slug.isascii() for slug in edition.sections)
    assert EDITIONS["ar"].canonical_base == "https://aawsat.com"


def test_english_content_is_complete(articles: dict[int, ReplicaArticle]) -> None:
    assert sorted(articles) == list(range(5200001, 5200011))
    assert {a.section for a in articles.values()} == set(ENGLISH_SECTIONS)
    for article in articles.values():
        assert article.edition == "en"
        assert 4 <= len(article.paragraphs) <= 7, article.id
        assert article.path.isascii() and article.slug == article.slug.lower()
        assert article.published.year == 2025
        if article.image is not None:
            assert CREDIT.search(article.image.caption), article.image.caption
        assert (article.dateline is None) == article.is_opinion
        assert set(article.related) <= set(articles) and article.next in articles
    assert sum(a.image is None for a in articles.values()) >= 2
    assert sum(a.has_video for a in articles.values()) == 1
    assert [a.is_opinion for a in articles.values()].count(True) == 1
    quotes = [i for a in articles.values() for i in a.body if not isinstance(i, str)]
    assert any(isinstance(i, Blockquote) for i in quotes)


def test_arabic_only_fields_are_refused_in_english(tmp_path: Path) -> None:
    folder = tmp_path / "content-en"
    shutil.copytree(ENGLISH_CONTENT_DIR, folder)
    path = folder / f"{SHOIGU_ID}.json"
    data = json.loads(path.read_text("utf-8"))
    data["month_style"] = "levant"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ContentError, match=rf"{SHOIGU_ID}\.json: field 'month_style'"):
        load_articles(folder, edition="en")
    with pytest.raises(ContentError, match="field 'section'"):
        load_articles(ENGLISH_CONTENT_DIR)  # English sections are not Arabic ones
    with pytest.raises(ValueError, match="unknown edition"):
        load_articles(edition="fr")


# --- article pages ------------------------------------------------------------------------


def test_every_english_article_renders_in_english(
    site: ReplicaSite, articles: dict[int, ReplicaArticle]
) -> None:
    for article in articles.values():
        status, content_type, html = get(site, article.path)
        assert (status, content_type) == (200, "text/html; charset=utf-8"), article.id
        doc = lxml.html.fromstring(html)
        root = doc.getroottree().getroot()
        assert (root.get("lang"), root.get("dir")) == ("en", "ltr")
        url = ENGLISH_BASE + quote(article.path)
        assert doc.xpath("//head/link[@rel='canonical']/@href") == [url]
        assert head_meta(doc, "og:url") == [url]
        assert head_meta(doc, "og:locale") == ["en_US"]
        assert head_meta(doc, "og:site_name") == ["Asharq Al-Awsat"]
        assert head_meta(doc, "article:section") == [article.section_label]
        ld = json_ld_of(doc)
        assert ld["inLanguage"] == "en" and ld["headline"] == article.title
        assert ld["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
        assert ld["publisher"] == {"@type": "Organization", "name": "Asharq Al-Awsat",
                                   "url": BASE + "/"}  # fmt: skip
        own = doc.xpath("//main//article")[0]
        assert collapse(own.xpath("string(.//div[@class='entry-title']/h1)")) == article.title
        paragraphs = own.xpath(".//div[@class='entry-content']/p")
        texts = [t for p in paragraphs for t in p.xpath("text()")]
        assert [collapse(t) for t in texts] == [collapse(p) for p in article.paragraphs]
        assert own.xpath("string(.//*[@class='font-size-control'])") == "TT"
        assert doc.xpath("string(//head/title)") == f"{article.title} | Asharq Al-Awsat"


def test_english_publish_and_update_lines(
    site: ReplicaSite, articles: dict[int, ReplicaArticle]
) -> None:
    shoigu = articles[SHOIGU_ID]
    line = "Published: 17:32-17 June 2025 AD ـ 21 Dhu al-Hijjah 1446 AH"
    assert render.publish_line(shoigu) == line
    assert f'<span class="publish-date">{line}</span>' in get(site, shoigu.path)[2]
    meloni = articles[5200007]
    assert render.publish_line(meloni) == ("Published: 20:15-13 July 2025 AD ـ 18 Muharram 1447 AH")
    lebanon = articles[5200003]
    assert render.update_line(lebanon) == (
        "Last Updated: 19:10-9 January 2025 AD ـ 9 Rajab 1446 AH"
    )


def test_english_related_block_video_and_infinite_scroll(
    site: ReplicaSite, articles: dict[int, ReplicaArticle]
) -> None:
    shoigu = articles[SHOIGU_ID]
    doc = lxml.html.fromstring(get(site, shoigu.path)[2])
    (heading,) = doc.xpath("//section[@class='related-articles']/h3/text()")
    assert heading == "Related Articles"
    cards = doc.xpath("//section[@class='related-articles']" + render_card_links())
    assert [unquote(str(c)) for c in cards] == [articles[i].path for i in shoigu.related]
    datelines = doc.xpath("//section[@class='related-articles']//*[@class='article-item-dateline']")
    assert [d.text for d in datelines] == [articles[i].dateline for i in shoigu.related]
    assert "London - Asharq Al-Awsat" in [d.text for d in datelines]
    (nxt,) = doc.xpath("//div[@class='infinite-scroll-next']/article")
    assert nxt.get("data-nid") == str(shoigu.next)
    video = next(a for a in articles.values() if a.has_video)
    teaser_page = next(a for a in articles.values() if video.id in a.related)
    html = get(site, teaser_page.path)[2]
    assert '<i class="icon-play-circle"></i>play-circle</span>' in html


def test_english_embedded_post_is_not_a_paragraph(
    site: ReplicaSite, articles: dict[int, ReplicaArticle]
) -> None:
    pope = articles[5200002]
    doc = lxml.html.fromstring(get(site, pope.path)[2])
    own = doc.xpath("//main//article")[0]
    (quote_element,) = own.xpath(".//blockquote[@class='embedded-post']")
    assert quote_element.xpath("string(cite)") == "@VaticanNews"
    direct = own.xpath(".//div[@class='entry-content']/p")
    assert len(direct) == len(pope.paragraphs)


# --- listings, feed, sitemap, robots, 404 ---------------------------------------------------


def test_english_home_and_section_listings(
    site: ReplicaSite, articles: dict[int, ReplicaArticle]
) -> None:
    status, _, html = get(site, "/")
    assert status == 200
    home = lxml.html.fromstring(html)
    assert home.getroottree().getroot().get("lang") == "en"
    assert home.xpath("//section[@class='home-section']/@data-section") == list(ENGLISH_SECTIONS)
    for slug, label in ENGLISH_SECTIONS.items():
        status, _, html = get(site, f"/{slug}")
        assert status == 200, slug
        doc = lxml.html.fromstring(html)
        assert doc.xpath("string(//h1[@class='section-title'])") == label
        if slug == "opinion":
            continue
        hrefs = {unquote(str(h)) for h in doc.xpath(render_card_links())}
        assert {a.path for a in articles.values() if a.section == slug} <= hrefs


def test_english_opinion_card_carries_the_audio_label(
    site: ReplicaSite, articles: dict[int, ReplicaArticle]
) -> None:
    column = articles[OPINION_ID]
    for path in ("/opinion", "/"):
        doc = lxml.html.fromstring(get(site, path)[2])
        (card,) = doc.xpath(has_class("node--type-opinion"))
        assert card.get("data-vr-contentbox-url") == BASE + quote(column.path)
        title = collapse(card.xpath("string(.//div[@class='article-item-title']/h2)"))
        assert title == f"{column.title} Listen to the article"
        assert card.xpath("string(.//a[@class='opinion-item-link'])") == "Samir Al-Khatib"


def test_english_feed_and_sitemap_list_every_article(
    site: ReplicaSite, articles: dict[int, ReplicaArticle]
) -> None:
    every = sorted(BASE + quote(a.path) for a in articles.values())
    status, content_type, body = get(site, "/feed")
    assert (status, content_type) == (200, "application/rss+xml; charset=utf-8")
    channel = ET.fromstring(body.encode("utf-8")).find("channel")
    assert channel is not None
    assert channel.findtext("language") == "en"
    assert channel.findtext("title") == "Asharq Al-Awsat"
    assert sorted(i.findtext("link") or "" for i in channel.findall("item")) == every
    for slug, label in ENGLISH_SECTIONS.items():
        items = ET.fromstring(get(site, f"/feed/{slug}")[2].encode("utf-8")).findall(".//item")
        assert len(items) == sum(a.section == slug for a in articles.values())
        assert {i.findtext("category") for i in items} == {label}
    status, content_type, body = get(site, "/sitemap.xml")
    assert (status, content_type) == (200, "application/xml; charset=utf-8")
    locs = ET.fromstring(body.encode("utf-8")).findall("sm:url/sm:loc", SITEMAP_NS)
    assert sorted(loc.text or "" for loc in locs) == every


def test_english_robots(site: ReplicaSite, articles: dict[int, ReplicaArticle]) -> None:
    status, content_type, body = get(site, "/robots.txt")
    assert (status, content_type) == (200, "text/plain; charset=utf-8")
    robots = RobotFileParser()
    robots.parse(body.splitlines())
    assert not robots.can_fetch("akhbar", f"{BASE}/search?q=oil")
    assert not robots.can_fetch("akhbar", f"{BASE}/user/login")
    assert robots.can_fetch("akhbar", BASE + articles[SHOIGU_ID].path)
    assert f"Sitemap: {BASE}/sitemap.xml" in body.splitlines()


def test_english_404_and_dead_link(site: ReplicaSite, articles: dict[int, ReplicaArticle]) -> None:
    shoigu = articles[SHOIGU_ID]
    arabic_seed = "/العالم/5154321-بتكليف-من-بوتين-شويغو-في-كوريا-الشمالية-للقاء-كيم"
    for path in ("/no-such-page", f"/business/{shoigu.id}-{shoigu.slug}", arabic_seed, "/العالم"):
        status, _, html = get(site, path)
        assert status == 404, path
        assert "<h1>Page not found</h1>" in html and 'lang="en" dir="ltr"' in html
    dead = render.DEAD_LINKS["en"]
    doc = lxml.html.fromstring(get(site, "/world")[2])
    assert dead.path in {unquote(str(h)) for h in doc.xpath(render_card_links())}
    assert get(site, dead.path)[0] == 404
    status, _, html = get(site, "/search?q=oil")
    assert status == 200 and "No results for “oil”." in html


def test_english_hrefs_are_ascii(site: ReplicaSite, articles: dict[int, ReplicaArticle]) -> None:
    for path in ("/", articles[SHOIGU_ID].path, "/opinion"):
        doc = lxml.html.fromstring(get(site, path)[2])
        for href in doc.xpath("//@href | //@src | //@data-url | //@data-vr-contentbox-url"):
            assert str(href).isascii(), href


# --- drifted markup -----------------------------------------------------------------------


DRIFT_CASES = [("ar", article_id) for article_id in sorted(load_articles())] + [
    ("en", article_id) for article_id in sorted(load_articles(edition="en"))
]


def head_html(html: str) -> str:
    return html[html.index("<head>") : html.index("</head>")]


@pytest.mark.parametrize(("edition", "article_id"), DRIFT_CASES)
def test_drifted_pages_rename_classes_but_keep_text_and_metadata(
    edition: str, article_id: int
) -> None:
    articles = load_articles(edition=edition)
    classic = render.render_article_page(article_id, articles, BASE)
    drifted = render.render_article_page(article_id, articles, BASE, markup="drifted")
    doc = lxml.html.fromstring(drifted)
    for gone in ("entry-title", "entry-content", "entry-media", "img-field"):
        assert not doc.xpath(has_class(gone)), gone
    own = doc.xpath("//main//article")[0]
    assert own.xpath("string(.//div[@class='article-headline']/h1)") == articles[article_id].title
    assert own.xpath(".//div[@class='article-body__text']/p")
    if articles[article_id].image is not None:
        assert own.xpath(".//div[@class='article-hero']/figure/img")
    assert main_visible_text(drifted) == main_visible_text(classic)
    assert head_html(drifted) == head_html(classic)
    outside = re.compile(r"<main.*</main>", re.S)
    assert outside.sub("", drifted) == outside.sub("", classic)


def test_the_site_and_the_server_take_the_markup() -> None:
    site = ReplicaSite(markup="drifted")
    seed = load_articles()[5154321]
    html = site.handle(quote(seed.path), HOST)[2].decode("utf-8")
    assert 'class="article-body__text"' in html and "entry-content" not in html
    assert 'class="entry-content"' in ReplicaSite().handle(quote(seed.path), HOST)[2].decode()
    args = parse_args(["--markup", "drifted", "--edition", "en"])
    assert (args.markup, args.edition) == ("drifted", "en")
    assert parse_args([]).markup == "classic" and parse_args([]).edition == "ar"
    with pytest.raises(ValueError, match="unknown markup"):
        ReplicaSite(markup="modern")


# --- the server process -------------------------------------------------------------------


@pytest.fixture
def english_server_url() -> Iterator[str]:
    with replica_server("--edition", "en") as url:
        yield url


def test_english_server_process_answers_on_loopback(
    english_server_url: str, articles: dict[int, ReplicaArticle]
) -> None:
    assert urlsplit(english_server_url).hostname == "127.0.0.1"
    with urllib.request.urlopen(f"{english_server_url}/feed", timeout=10) as response:
        feed = ET.fromstring(response.read())
    links = {item.findtext("link") for item in feed.findall("./channel/item")}
    assert links == {english_server_url + quote(a.path) for a in articles.values()}
    link = english_server_url + articles[SHOIGU_ID].path
    with urllib.request.urlopen(link, timeout=10) as response:
        html = response.read().decode("utf-8")
    assert '<html lang="en" dir="ltr">' in html
    assert f'<link rel="canonical" href="{ENGLISH_BASE}{articles[SHOIGU_ID].path}">' in html
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(f"{english_server_url}/no-such-page", timeout=10)
    assert missing.value.code == 404
