"""Messages written straight into the `pages` queue, laid out the way kombu's Redis transport
lays them out: each bad one is refused, logged and in the failure log; nothing is unpickled,
nothing is requeued, the worker keeps running, and a good page sent after them is stored."""

from __future__ import annotations

import base64
import json
import os
import pickle
import uuid
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import redis
from kombu import Connection

from replica.content import load_articles
from replica.render import render_article_page
from tests.integration.harness import (
    celery_worker,
    service_env,
    unacked,
    wait_for,
    wait_for_stream,
)
from workers.config import load_settings
from workers.keys import PAGES_QUEUE, key
from workers.messages import RawPage, Result
from workers.rejects import (
    GuardedTransport,
    MessageTooLarge,
    NotAnEnvelope,
    check_envelope,
    max_message_chars,
)
from workers.storage import open_storage
from workers.store import StoreConsumer

pytestmark = pytest.mark.integration

BASE = "http://127.0.0.1:8000"


class FileMaker:
    """Unpickling this creates the file at `path`: the proof that a pickle was loaded."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple[Any, ...]:
        return (open, (str(self.path), "w"))


def envelope(body: bytes, *, task: str = "process_page",
             content_type: str = "application/json", task_id: str | None = None) -> str:
    """One queue item as kombu writes it: a JSON envelope around the base64 task body."""
    task_id = task_id or str(uuid.uuid4())
    return json.dumps({
        "body": base64.b64encode(body).decode("ascii"),
        "content-encoding": "utf-8" if content_type == "application/json" else "binary",
        "content-type": content_type,
        "headers": {"lang": "py", "task": task, "id": task_id, "root_id": task_id,
                    "parent_id": None, "group": None, "retries": 0, "eta": None,
                    "expires": None, "timelimit": [None, None], "argsrepr": "",
                    "kwargsrepr": "{}", "origin": "test"},
        "properties": {"correlation_id": task_id, "delivery_mode": 2,
                       "delivery_info": {"exchange": "", "routing_key": PAGES_QUEUE},
                       "priority": 0, "body_encoding": "base64",
                       "delivery_tag": str(uuid.uuid4())},
    })


def task_body(*args: Any) -> bytes:
    """Celery's task protocol 2 body: [args, kwargs, embed]."""
    return json.dumps([list(args), {}, {"callbacks": None, "errbacks": None,
                                        "chain": None, "chord": None}]).encode()


def pickled_body(marker: Path) -> bytes:
    return pickle.dumps(((FileMaker(marker),), {}, {}))


def good_page(crawl_id: str) -> dict[str, Any]:
    articles = load_articles()
    article_id = sorted(articles)[0]
    url = f"{BASE}/good/{article_id}"
    body = render_article_page(article_id, articles, BASE).encode()
    return RawPage.build(url=url, final_url=url, site="aawsat", status=200,
                         headers={"content-type": "text/html; charset=utf-8"}, body=body,
                         crawl_id=crawl_id).to_dict()


def bad_items(marker: Path, crawl_id: str) -> dict[str, tuple[str, str, str]]:
    """name -> (queue item, error class of its failure record, what the worker log says)."""
    no_body = {"url": f"{BASE}/missing-field", "final_url": f"{BASE}/missing-field",
               "site": "aawsat", "status": 200, "headers": {}, "fetched_at": "2026-01-01",
               "crawl_id": crawl_id}
    huge = dict(no_body, url=f"{BASE}/huge", body_z="A" * (60 * 1024 * 1024))
    return {
        "pickle": (envelope(pickled_body(marker), content_type="application/x-python-serialize"),
                   "ContentDisallowed", "Refusing to deserialize untrusted content of type pickle"),
        "malformed-json": (envelope(b'[[{"url": "http://127.0.0.1/x"'), "DecodeError",
                           "Can't decode message body"),
        "unknown-task": (envelope(task_body(no_body), task="delete_everything"), "UnknownTask",
                         "unregistered task of type 'delete_everything'"),
        "huge": (envelope(task_body(huge)), "MessageTooLarge", "MessageTooLarge"),
        "missing-field": (envelope(task_body(no_body)), "ValueError",
                          "RawPage is missing ['body_z']"),
        "not-an-envelope": ("{this is not json", "NotAnEnvelope", "a queue item is not JSON"),
        "envelope-without-tag": (json.dumps({"body": "", "properties": {}}), "NotAnEnvelope",
                                 "no properties.delivery_tag"),
    }


def test_the_pickle_marker_works(tmp_path: Path) -> None:
    """The pickle sent to the worker does create its file when loaded: its absence later
    proves the worker never loaded it."""
    marker = tmp_path / "unpickled"
    pickle.loads(pickled_body(marker))
    assert marker.exists()


def test_the_largest_page_fits_the_message_limit() -> None:
    """A page of AKHBAR_MAX_PAGE_BYTES that does not compress at all still passes."""
    limit = 8 * 1024 * 1024
    raw = RawPage.build(url=f"{BASE}/big", final_url=f"{BASE}/big", site="aawsat", status=200,
                        headers={"content-type": "text/html"}, body=os.urandom(limit),
                        crawl_id="c").to_dict()
    check_envelope(json.loads(envelope(task_body(raw))), max_message_chars(limit))
    with pytest.raises(MessageTooLarge):
        check_envelope(json.loads(envelope(task_body(raw))), max_message_chars(limit // 2))


@pytest.mark.parametrize("payload", [
    [1, 2], "text", {"body": ""}, {"properties": {"delivery_tag": 7}},
    {"properties": {"delivery_tag": "t", "delivery_info": []}},
    {"properties": {"delivery_tag": "t", "body_encoding": "rot13"}},
    {"properties": {"delivery_tag": "t"}, "body": ["a"]},
])
def test_what_is_not_an_envelope(payload: Any) -> None:
    with pytest.raises(NotAnEnvelope):
        check_envelope(payload, 1000)


@pytest.mark.parametrize("url", ["redis://127.0.0.1:6379/0", "rediss://127.0.0.1:6380/0",
                                 "redis+socket:///tmp/redis.sock"])
def test_every_redis_url_spelling_gets_the_guarded_transport(url: str) -> None:
    assert Connection(url).get_transport_cls() is GuardedTransport


def test_the_synchronous_read_refuses_an_item_that_is_not_json(
        redis_url: str, key_prefix: str, redis_client: redis.Redis) -> None:
    """kombu's path with no event loop (basic_get): the item is dropped and recorded."""
    redis_client.lpush(f"{key_prefix}:{PAGES_QUEUE}", b"\xff\xfe not even UTF-8")
    env = {"REDIS_URL": redis_url, "AKHBAR_PREFIX": key_prefix}
    options = {"global_keyprefix": f"{key_prefix}:"}
    with mock.patch.dict(os.environ, env), Connection(redis_url,
                                                       transport_options=options) as conn:
        assert conn.default_channel.basic_get(PAGES_QUEUE) is None
    entries = redis_client.xrange(key("results", key_prefix))
    assert len(entries) == 1
    failure = Result.from_json(entries[0][1][b"data"]).failure or {}
    assert failure["stage"] == "queue" and failure["error_class"] == "NotAnEnvelope"
    assert failure["url"].startswith(f"queue://{PAGES_QUEUE}/sha256:")
    assert redis_client.llen(f"{key_prefix}:{PAGES_QUEUE}") == 0


@pytest.mark.slow
def test_bad_queue_messages_are_refused_logged_and_recorded(
        redis_url: str, key_prefix: str, tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'articles.db'}"
    env = service_env(redis_url, key_prefix, db_url, tmp_path / "home")
    with mock.patch.dict(os.environ, env):
        settings = load_settings()
    marker = tmp_path / "unpickled"
    crawl_id = uuid.uuid4().hex[:10]
    bad = bad_items(marker, crawl_id)
    client = redis.Redis.from_url(redis_url)
    queue = f"{key_prefix}:{PAGES_QUEUE}"  # kombu's global_keyprefix + the queue's name
    log = tmp_path / "worker.log"
    with celery_worker(env, log) as worker:
        for item, _, _ in bad.values():
            client.lpush(queue, item)
        client.lpush(queue, envelope(task_body(good_page(crawl_id))))  # after the bad ones
        wait_for_stream(client, key_prefix, len(bad) + 1, worker)
        assert worker.poll() is None, "the Celery worker died"
        assert client.llen(queue) == 0, "a refused message went back to the queue"
        # acks_late: a page's task is acknowledged after it has written its result, so the
        # last ones may still be in kombu's unacked hash for a moment. A message left there
        # would stay for the visibility timeout (300 s at least), far past this wait.
        wait_for(lambda: unacked(client, key_prefix) == 0, timeout=15,
                 what="every message to be acknowledged (one awaiting redelivery?)")

    assert not marker.exists(), "the worker unpickled a message"
    storage = open_storage(db_url)
    try:
        StoreConsumer(client, storage, settings.prefix, "test-store", block_ms=100).run(
            until_idle=True)
        assert storage.count_articles() == 1  # the good page, sent after every bad one
        failures = storage.recent_failures(50)
    finally:
        storage.close()
    by_class: dict[str, list[dict[str, Any]]] = {}
    for failure in failures:
        by_class.setdefault(failure["error_class"], []).append(failure)
    expected = sorted(error_class for _, error_class, _ in bad.values())
    assert sorted(f["error_class"] for f in failures) == expected, failures
    assert by_class["ValueError"][0]["url"] == f"{BASE}/missing-field"  # it names its page
    assert {f["stage"] for f in failures if f["error_class"] != "ValueError"} == {"queue"}
    text = log.read_text(errors="replace")
    for name, (_, _, said) in bad.items():
        assert said in text, f"{name}: the worker log does not say {said!r}"
    huge = by_class["MessageTooLarge"][0]
    assert huge["url"].startswith(f"queue://{PAGES_QUEUE}/")
    assert "AKHBAR_MAX_PAGE_BYTES" in huge["message"]
