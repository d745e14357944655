"""Bad pages sent to a real Celery worker among good ones: each bad page is skipped or in the
failure log with its reason, every good page is stored, and the worker keeps running."""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import redis

from replica.content import load_articles
from replica.render import render_article_page
from tests.integration.harness import (
    celery_worker,
    service_env,
    unacked,
    wait_for,
    wait_for_stream,
)
from workers.app import make_app
from workers.config import load_settings
from workers.keys import PAGES_QUEUE, key
from workers.messages import RawPage, Result
from workers.storage import open_storage
from workers.store import StoreConsumer

pytestmark = [pytest.mark.integration, pytest.mark.slow]

BASE = "http://127.0.0.1:8000"
GOOD_COUNT = 6


def deep_page() -> bytes:
    return b"<html><body>" + b"<div>" * 10_000 + b"<p>x</p>" + b"</div>" * 10_000


def fifty_mb_page() -> bytes:
    return b"<html><body>" + b"<p>kalam kathir</p>\n" * (50 * 1024 * 1024 // 20)


# name -> (body, content-type, what the Result must be: ("skipped", reason) or
# ("failure", error class))
BAD_PAGES: dict[str, tuple[bytes, str, tuple[str, str]]] = {
    "empty": (b"", "text/html", ("skipped", "not an article: empty page")),
    "binary": (bytes(range(256)) * 400, "text/html", ("skipped", "not an article: binary")),
    "truncated": (b"<html><head><title>x</title></head><body><div class='entry-con",
                  "text/html; charset=utf-8", ("skipped", "not an article")),
    "deep": (deep_page(), "text/html", ("skipped", "not an article")),
    "fifty-mb": (fifty_mb_page(), "text/html", ("failure", "PageTooLarge")),
}


def raw_page(url: str, body: bytes, content_type: str, crawl_id: str) -> dict[str, Any]:
    return RawPage.build(url=url, final_url=url, site="aawsat", status=200,
                         headers={"content-type": content_type}, body=body,
                         crawl_id=crawl_id).to_dict()


def good_pages(crawl_id: str) -> dict[str, dict[str, Any]]:
    articles = load_articles()
    ids = sorted(articles)[:GOOD_COUNT]
    pages = {f"{BASE}/good/{i}": render_article_page(i, articles, BASE).encode() for i in ids}
    # one good page as an old Arabic site serves it: windows-1256 under a UTF-8 header
    first = f"{BASE}/good/{ids[0]}"
    pages[first] = pages[first].decode().replace('<meta charset="utf-8">',
                                                 '<meta charset="windows-1256">').encode("cp1256")
    return {url: raw_page(url, body, "text/html; charset=utf-8", crawl_id)
            for url, body in pages.items()}


def wait_for_results(client: redis.Redis, prefix: str, count: int,
                     worker: Any, timeout: float = 120) -> dict[str, Result]:
    """Every Result on the stream, by URL, once the worker has published `count` of them."""
    wait_for_stream(client, prefix, count, worker, timeout)
    stream = key("results", prefix)
    results = [Result.from_json(fields[b"data"]) for _id, fields in client.xrange(stream)]
    return {r.url: r for r in results}


def test_bad_pages_among_good_ones(redis_url: str, key_prefix: str, tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'articles.db'}"
    env = service_env(redis_url, key_prefix, db_url, tmp_path / "home")
    crawl_id = uuid.uuid4().hex[:10]
    bad = {f"{BASE}/bad/{name}": raw_page(f"{BASE}/bad/{name}", body, ctype, crawl_id)
           for name, (body, ctype, _) in BAD_PAGES.items()}
    good = good_pages(crawl_id)
    client = redis.Redis.from_url(redis_url)
    with mock.patch.dict(os.environ, env):
        app, settings = make_app(), load_settings()
    log = tmp_path / "worker.log"
    with celery_worker(env, log) as worker:
        for raw in [*bad.values(), *good.values()]:
            app.send_task("process_page", args=[raw], queue=PAGES_QUEUE)
        results = wait_for_results(client, key_prefix, len(bad) + len(good), worker)
        assert worker.poll() is None, "the Celery worker died"
        # a task is acknowledged after it publishes its result: stopping the worker before
        # the last ack would end that task mid-way, and the log check below would see it
        wait_for(lambda: unacked(client, key_prefix) == 0, 15, "the last acks")

    for name, (_body, _ctype, (kind, why)) in BAD_PAGES.items():
        result = results[f"{BASE}/bad/{name}"]
        assert result.kind == kind, (name, result.kind, result.reason, result.failure)
        said = result.reason if kind == "skipped" else (result.failure or {})["error_class"]
        assert said and said.startswith(why), (name, said)
    assert {results[url].kind for url in good} == {"article"}

    storage = open_storage(db_url)
    try:
        StoreConsumer(client, storage, settings.prefix, "test-store", block_ms=100).run(
            until_idle=True)
        assert storage.count_articles() == len(good)
        titles = {a["title"] for a in storage.iter_articles(None, None)}
        assert all(any("\u0621" <= ch <= "\u064a" for ch in t) for t in titles), titles  # Arabic
        failures = {f["url"]: f for f in storage.recent_failures(50)}
        too_large = failures[f"{BASE}/bad/fifty-mb"]
        assert too_large["stage"] == "fetch" and "AKHBAR_MAX_PAGE_BYTES" in too_large["message"]
        assert set(failures) == {f"{BASE}/bad/fifty-mb"}
    finally:
        storage.close()
    text = log.read_text(errors="replace")
    assert "WorkerLostError" not in text and "Traceback" not in text, text[-3000:]
