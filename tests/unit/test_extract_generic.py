"""The generic path: pages of news sites with no rules of their own.

`tests/fixtures/generic/*.html` are article pages built for these tests (English and Arabic,
with cookie banners, share bars, newsletter boxes, related lists, captions with credits,
bylines, <time> tags, JSON-LD on some, a windows-1256 page); each `*.json` beside it holds
the fields extraction must produce, the body exactly, and strings that must not reach it.
"""

from __future__ import annotations

import json
from datetime import date, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from workers.extract import NotAnArticle, dates, decode_html, extract_article
from workers.extract.boilerplate import PageHints, clean_blocks
from workers.extract.generic_blocks import Block
from workers.extract.generic_fields import clean_title, split_credit
from workers.messages import Article

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "generic"
PAGES = sorted(path.stem for path in FIXTURES.glob("*.html"))


def expected(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def extract_fixture(name: str) -> Article:
    """The page as the page worker sees it: bytes, decoded by the page's own declaration."""
    return extract_article((FIXTURES / f"{name}.html").read_bytes(), expected(name)["url"])


# --- whole pages ----------------------------------------------------------------------------


def test_there_are_pages_of_both_languages() -> None:
    languages = {expected(name)["language"] for name in PAGES}
    assert languages == {"ar", "en"} and 5 <= len(PAGES) <= 8


@pytest.mark.parametrize("name", PAGES)
def test_fields(name: str) -> None:
    want, article = expected(name), extract_fixture(name)
    assert article.extraction.method == "generic"
    assert article.title == want["title"]
    assert article.authors == want["authors"]
    assert (article.published_at, article.updated_at) == (want["published_at"],
                                                          want["updated_at"])
    assert article.section == want["section"]
    assert article.tags == want["tags"]
    assert article.language == want["language"]
    assert article.extraction.warnings == want["warnings"]


@pytest.mark.parametrize("name", PAGES)
def test_body_paragraphs_exactly(name: str) -> None:
    assert extract_fixture(name).body == expected(name)["body"]


@pytest.mark.parametrize("name", PAGES)
def test_no_furniture_in_the_body(name: str) -> None:
    text = extract_fixture(name).text
    assert [s for s in expected(name)["not_in_body"] if s in text] == []


@pytest.mark.parametrize("name", PAGES)
def test_lead_image_and_related(name: str) -> None:
    want, article = expected(name), extract_fixture(name)
    image = article.lead_image
    assert {"url": image.url, "caption": image.caption, "credit": image.credit} == (
        want["lead_image"])
    assert [[r.url, r.title] for r in article.related] == want["related"]


def test_article_json_round_trip() -> None:
    article = extract_fixture("en_wire_jsonld")
    assert Article.from_dict(json.loads(article.to_json())) == article


# --- encodings ------------------------------------------------------------------------------


def test_windows_1256_page_read_by_its_own_declaration() -> None:
    raw = (FIXTURES / "ar_windows1256.html").read_bytes()
    text = decode_html(raw, None)
    assert expected("ar_windows1256")["title"] in text


def test_windows_1256_page_served_with_a_wrong_charset_header() -> None:
    want = expected("ar_windows1256")
    raw = (FIXTURES / "ar_windows1256.html").read_bytes()
    article = extract_article(decode_html(raw, want["content_type"]), want["url"])
    assert article.body == want["body"]


# --- refusals -------------------------------------------------------------------------------


def test_listing_without_article_metadata_is_not_an_article() -> None:
    links = "".join(f'<li><a href="/news/{i}">Headline number {i} of the day</a></li>'
                    for i in range(30))
    page = ('<html><head><meta property="og:type" content="website"><title>News</title>'
            f"</head><body><ul>{links}</ul></body></html>")
    with pytest.raises(NotAnArticle):
        extract_article(page, "https://news.example.com/")


# --- titles, captions, dates ----------------------------------------------------------------


@pytest.mark.parametrize(("title", "want"), [
    ("Storm hits the coast | Example News", "Storm hits the coast"),
    ("Example News - Storm hits the coast", "Storm hits the coast"),
    ("Storm hits the coast | Opinion", "Storm hits the coast"),
    ("Storm hits: what we know – Example News", "Storm hits: what we know"),
    ("Apple &amp;#8217;s new phone", "Apple ’s new phone"),
    ("قمة إقليمية تبحث أزمة المياه | الخبر اليوم", "قمة إقليمية تبحث أزمة المياه"),
])
def test_clean_title(title: str, want: str) -> None:
    assert clean_title(title, ["Example News", "الخبر اليوم"], "https://news.example.com/a") == (
        want)


@pytest.mark.parametrize(("caption", "want"), [
    ("Cranes at the port (AP)", ("Cranes at the port", "AP")),
    ("Cranes at the port. Photo: Jane Roe", ("Cranes at the port.", "Jane Roe")),
    ("Cranes at the port. Jane Roe/Getty Images", ("Cranes at the port.", "Jane Roe/Getty Images")),
    ("وزراء المياه في عمّان (رويترز)", ("وزراء المياه في عمّان", "رويترز")),
    ("زوار المعرض. تصوير: أحمد حسن", ("زوار المعرض.", "أحمد حسن")),
    ("A caption with no credit", ("A caption with no credit", None)),
])
def test_split_credit(caption: str, want: tuple[str | None, str | None]) -> None:
    assert split_credit(caption) == want


@pytest.mark.parametrize(("line", "want"), [
    ("June 17, 2025 10:15 AM EST", "2025-06-17T10:15:00-05:00"),
    ("Published 17 Jun 2025, 14:05 GMT+3", "2025-06-17T14:05:00+03:00"),
    ("2025-06-17T10:00:00+02:00", "2025-06-17T10:00:00+02:00"),
    ("الثلاثاء ١٧ يونيو ٢٠٢٥ - ١٠:١٥ م بتوقيت مكة المكرمة", "2025-06-17T22:15:00+03:00"),
    ("١٢ آب ٢٠٢٥ - ١٤:٠٠ بتوقيت غرينتش", "2025-08-12T14:00:00+00:00"),
    ("21 ذو الحجة 1446 هـ", "2025-06-17T00:00:00+00:00"),
])
def test_date_line_keeps_the_zone_it_states(line: str, want: str) -> None:
    moment = dates.find_date_line(["Home", "By Jane Roe", line], dates.UTC)
    assert moment is not None and dates.to_iso(moment) == want


def test_numeric_dates_month_first_only_when_asked() -> None:
    utc = timezone(timedelta(0))
    us = dates.parse_printed_date("03/04/2025", utc, month_first=True)
    arabic = dates.parse_printed_date("03/04/2025", utc)
    assert us is not None and arabic is not None
    assert (us.date(), arabic.date()) == (date(2025, 3, 4), date(2025, 4, 3))


@pytest.mark.parametrize(("url", "want"), [
    ("https://x.example/news/2025/06/17/storm", date(2025, 6, 17)),
    ("https://x.example/2025-06-17-storm.html", date(2025, 6, 17)),
    ("https://x.example/news/20250617/storm", date(2025, 6, 17)),
    ("https://x.example/news/123456789", None),
])
def test_date_in_url(url: str, want: date | None) -> None:
    assert dates.date_in_url(url) == want


# --- boilerplate filters --------------------------------------------------------------------

PROSE = ("The agreement raises wages by 14 percent over the life of the contract and limits "
         "the use of automated cranes at two of the port's five terminals.")


def clean(*blocks: Block, hints: PageHints | None = None) -> list[str]:
    return [b.text for b in clean_blocks(list(blocks), hints or PageHints())]


@pytest.mark.parametrize("line", [
    "Advertisement", "Share this article", "Read more: Shipping delays squeeze retailers",
    "Sign up for our newsletter", "5 min read", "Updated: June 3, 2025", "By Jane Roe",
    "Photo: Maria Lopez/Reuters", "© 2025 The Example Times", "Dec 08, 2023",
    "اقرأ أيضاً: قمة إقليمية تبحث أزمة المياه", "شارك المقال", "تصوير: أحمد حسن",
    "الثلاثاء 17 يونيو 2025 - 10:15 م", "نُشر: 17:32-17 يونيو 2025 م",
    "جميع الحقوق محفوظة © الخبر اليوم", "Port workers end strike",
])
def test_furniture_lines_are_dropped(line: str) -> None:
    hints = PageHints(titles=frozenset({"port workers end strike"}))
    assert clean(Block("p", PROSE), Block("p", line), hints=hints) == [PROSE]


@pytest.mark.parametrize("line", [
    "By then it was over.", "Related research shows that the cranes were idle.",
    "Copyright law protects the authors of the photographs.",
    "Updated guidance was issued on Tuesday.", "نشر الجيش قواته في المدينة",
    "اشترك في المؤتمر أكثر من مائة باحث", "شارك الرئيس في القمة",
])
def test_short_prose_is_kept(line: str) -> None:
    assert clean(Block("p", PROSE), Block("p", line)) == [PROSE, line]


def test_list_of_links_to_other_articles_is_dropped() -> None:
    teasers = ["Port strike enters its second week", "Shipping delays squeeze retailers",
               "European ports race to automate"]
    hints = PageHints(links=frozenset(t.lower() for t in teasers))
    blocks = [Block("p", PROSE), *(Block("item", t, group=1) for t in teasers)]
    assert clean(*blocks, hints=hints) == [PROSE]


def test_list_of_steps_is_kept() -> None:
    steps = ["A pot of at least 20 litres", "Peat-free compost", "A bamboo cane"]
    blocks = [Block("p", PROSE), *(Block("item", s, group=1) for s in steps)]
    assert clean(*blocks) == [PROSE, *steps]


def test_closing_related_section_is_cut() -> None:
    blocks = [Block("p", PROSE), Block("p", PROSE + " Again."), Block("head", "More from Opinion"),
              Block("p", "Bus lanes work. We just need more of them"),
              Block("p", "Rents will keep rising until we build more homes")]
    assert clean(*blocks) == [PROSE, PROSE + " Again."]


def test_author_biography_closing_the_article_is_cut() -> None:
    bio = "Helen Park is an urban ecologist and a visiting fellow at the Institute."
    blocks = [Block("p", PROSE), Block("p", PROSE + " Twice."), Block("p", bio)]
    hints = PageHints(authors=frozenset({"helen park"}))
    assert clean(*blocks, hints=hints) == [PROSE, PROSE + " Twice."]


def test_newsletter_box_in_a_sentence_is_dropped() -> None:
    promo = ("Love movies? Our Watch Party newsletter has the best picks, delivered to your "
             "inbox every week. Sign up now.")
    assert clean(Block("p", PROSE), Block("p", promo)) == [PROSE]


def test_table_rows_are_never_line_filtered() -> None:
    rows = [Block("row", "1/1/2013 +13.1%", group=1), Block("row", "2/1/2013 +13.1%", group=1)]
    assert clean(Block("p", PROSE), *rows) == [PROSE, "1/1/2013 +13.1%", "2/1/2013 +13.1%"]
