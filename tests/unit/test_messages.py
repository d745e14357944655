"""The records that cross process boundaries: JSON only, bodies compressed, bombs refused."""

import base64
import json
import zlib

import pytest

from workers.messages import Article, Image, RawPage, Related, Result, decompress_body


def raw_page(body: bytes = "<html>مرحبا</html>".encode()) -> RawPage:
    return RawPage.build(
        url="http://127.0.0.1/a",
        final_url="http://127.0.0.1/a",
        site="aawsat",
        status=200,
        headers={"content-type": "text/html"},
        body=body,
        crawl_id="c1",
    )


def test_a_raw_page_survives_json_and_its_body_is_compressed() -> None:
    body = ("<p>" + "نص عربي " * 2000 + "</p>").encode()
    page = raw_page(body)
    again = RawPage.from_dict(json.loads(json.dumps(page.to_dict())))
    assert again.body() == body
    assert len(page.body_z) < len(body) / 10


def test_a_raw_page_missing_a_field_says_which() -> None:
    data = raw_page().to_dict()
    del data["crawl_id"]
    with pytest.raises(ValueError, match="crawl_id"):
        RawPage.from_dict(data)


def test_a_compression_bomb_is_refused() -> None:
    bomb = base64.b64encode(zlib.compress(b"\0" * (2 * 1024 * 1024))).decode()
    with pytest.raises(ValueError, match="inflates past"):
        decompress_body(bomb, limit=1024 * 1024)


def test_article_round_trip_and_hash_ignores_fetch_time() -> None:
    article = Article(
        url="u",
        canonical_url="c",
        site="aawsat",
        title="عنوان",
        body=["فقرة أولى", "فقرة ثانية"],
        lead_image=Image(caption="صورة", credit="أ.ب"),
        related=[Related(title="خبر", has_video=True)],
        fetched_at="2025-01-01",
    ).finalize()
    again = Article.from_dict(json.loads(article.to_json()))
    assert again == article
    assert again.text == "فقرة أولى\n\nفقرة ثانية"
    later = Article.from_dict({**article.to_dict(), "fetched_at": "2026-01-01"}).finalize()
    assert later.content_hash == article.content_hash
    edited = Article.from_dict({**article.to_dict(), "body": ["فقرة أولى"]}).finalize()
    assert edited.content_hash != article.content_hash


@pytest.mark.parametrize("text", ['{"kind": "pickle"}', "[1, 2]", '"x"'])
def test_a_stream_entry_that_is_not_a_result_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not an akhbar Result"):
        Result.from_json(text)
