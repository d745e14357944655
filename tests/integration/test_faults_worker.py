"""Fault 1: a page worker SIGKILLed mid-task, and while holding prefetched tasks.

The crawl queues every page of the replica first; a worker starts on them and its whole process
group is SIGKILLed. The messages it had taken stay in kombu's `unacked` hash (the proof that
work was lost in flight) until the visibility timeout, set short here, hands them to the next
worker. A message the worker had popped but not yet written to that hash is in neither: the
hand-off ledger (workers/ledger.py) sends it again once the crawl is settled. After the new
worker drains: every article stored exactly once, every fetched page accounted for.
"""

from __future__ import annotations

import os
import signal
import time
import uuid
from pathlib import Path
from unittest import mock

import pytest
import redis
import sqlalchemy as sa

from replica.content import load_articles
from tests.integration.harness import (
    celery_worker,
    crawl,
    crawl_status_json,
    drain,
    fault_env,
    settings_for,
    unacked,
    wait_for,
)
from tests.replica_process import replica_server
from tests.unit.test_storage_sqlite import make_raw
from workers import ledger
from workers.config import load_settings
from workers.keys import PAGES_QUEUE, key
from workers.processes import start_logged, worker_command
from workers.runner import tally
from workers.storage import open_storage
from workers.store import StoreConsumer

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def rows_per_article(db_path: Path) -> dict[str, int]:
    engine = sa.create_engine(f"sqlite:///{db_path}")
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT canonical_url, count(*) FROM articles GROUP BY canonical_url").all()
    engine.dispose()
    return {url: count for url, count in rows}


def kill_worker_mid_work(env: dict[str, str], tmp_path: Path, concurrency: int,
                         min_unacked: int) -> int:
    """Crawl with no worker running, start one, SIGKILL its process group once it has
    processed a few pages and holds at least `min_unacked` messages; returns how many it
    held (read after the kill, when nothing can ack them any more)."""
    settings = settings_for(env)
    client = redis.Redis.from_url(env["REDIS_URL"])
    crawl_id = env["TEST_CRAWL_ID"]
    with replica_server() as base_url:
        assert crawl(env, base_url, crawl_id, tmp_path / "crawl.log") == 0
    fetched = tally(client, settings.prefix, crawl_id).fetched
    assert client.llen(f"{settings.prefix}:{PAGES_QUEUE}") == fetched  # all queued, none run
    worker = start_logged(worker_command(concurrency=concurrency, loglevel="WARNING"), env,
                          tmp_path / "worker-killed.log")
    try:
        wait_for(lambda: tally(client, settings.prefix, crawl_id).processed >= 2
                 and unacked(client, settings.prefix) >= min_unacked, 90, "work in flight",
                 poll_s=0.02)  # the kill must land while the work is in flight
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(10)
    held = unacked(client, settings.prefix)
    processed = tally(client, settings.prefix, crawl_id).processed
    assert processed < fetched, "killed too late"
    queued = client.llen(f"{settings.prefix}:{PAGES_QUEUE}")
    # Neither queued, held nor processed: popped by the worker, not yet in `unacked`.
    print(f"at the kill: {fetched} fetched, {queued} queued, {held} held, {processed} "
          f"processed; lost in transit: {max(0, fetched - queued - held - processed)}")
    return held


def recover_and_check(env: dict[str, str], tmp_path: Path) -> None:
    """A new worker and a store consumer finish the crawl: each article stored exactly once."""
    settings = settings_for(env)
    client = redis.Redis.from_url(env["REDIS_URL"])
    crawl_id = env["TEST_CRAWL_ID"]
    storage = open_storage(settings.db_url)
    try:
        started = time.monotonic()
        with celery_worker(env, tmp_path / "worker-new.log") as worker:
            done = drain(client, storage, settings, crawl_id, worker, timeout=120)
            wait_for(lambda: unacked(client, settings.prefix) == 0, 30, "the last acks",
                     poll_s=0.02)
        print(f"recovered in {time.monotonic() - started:.1f} s")
        expected = len(load_articles())
        assert done.accounted == done.fetched
        assert done.counts.get("stored") == expected
        per_article = rows_per_article(tmp_path / "articles.db")
        assert len(per_article) == expected and set(per_article.values()) == {1}
        assert client.llen(f"{settings.prefix}:{PAGES_QUEUE}") == 0
        assert not list(client.scan_iter(match=key("attempts", settings.prefix, url_hash="*")))
        assert client.hlen(key("crawl_pages", settings.prefix, crawl_id=crawl_id)) == 0
    finally:
        storage.close()
    code, record = crawl_status_json(env, crawl_id)
    assert code == 0, record
    assert record["unaccounted"] == 0 and record["settled"]
    assert record["outcomes"]["stored"] == expected


def test_worker_killed_mid_task(redis_url: str, key_prefix: str, tmp_path: Path) -> None:
    env = fault_env(redis_url, key_prefix, tmp_path, TEST_CRAWL_ID=uuid.uuid4().hex[:10])
    held = kill_worker_mid_work(env, tmp_path, concurrency=2, min_unacked=1)
    assert held >= 1  # pages taken and never acked: in flight when the worker died
    recover_and_check(env, tmp_path)


def test_worker_killed_holding_prefetched_tasks(redis_url: str, key_prefix: str,
                                                tmp_path: Path) -> None:
    env = fault_env(redis_url, key_prefix, tmp_path, TEST_CRAWL_ID=uuid.uuid4().hex[:10],
                    AKHBAR_PREFETCH_MULTIPLIER="4")
    held = kill_worker_mid_work(env, tmp_path, concurrency=1, min_unacked=3)
    # One process runs one task: every held message beyond the first was reserved, not started.
    assert held >= 3
    recover_and_check(env, tmp_path)


def test_a_page_lost_between_the_queue_and_the_worker_is_sent_again(
        redis_url: str, key_prefix: str, tmp_path: Path) -> None:
    """The kombu gap, made certain: a message popped off the queue (as a worker's BRPOP does)
    by a worker that dies before recording it in `unacked` is gone from Redis; the hand-off
    ledger sends its page again once the crawl is settled."""
    env = fault_env(redis_url, key_prefix, tmp_path, TEST_CRAWL_ID=uuid.uuid4().hex[:10])
    client = redis.Redis.from_url(redis_url)
    with replica_server() as base_url:
        assert crawl(env, base_url, env["TEST_CRAWL_ID"], tmp_path / "crawl.log") == 0
    assert client.rpop(f"{key_prefix}:{PAGES_QUEUE}") is not None  # the popped, lost message
    pages = key("crawl_pages", key_prefix, crawl_id=env["TEST_CRAWL_ID"])
    assert client.hlen(pages) == tally(client, key_prefix, env["TEST_CRAWL_ID"]).fetched
    recover_and_check(env, tmp_path)


def test_a_visibility_timeout_not_above_the_time_limit_is_refused() -> None:
    env = {"AKHBAR_VISIBILITY_TIMEOUT": "60", "AKHBAR_TASK_TIME_LIMIT": "60"}
    with mock.patch.dict(os.environ, env), pytest.raises(SystemExit, match="must be greater"):
        load_settings()


class SentTasks:
    """Stands in for the Celery app: remembers what would have been queued."""

    def __init__(self) -> None:
        self.sent: list[dict[str, object]] = []

    def send_task(self, name: str, args: list[dict[str, object]], queue: str) -> None:
        assert (name, queue) == ("process_page", PAGES_QUEUE)
        self.sent.append(args[0])


def test_a_page_lost_again_and_again_ends_as_a_failure(redis_client: redis.Redis,
                                                       key_prefix: str, tmp_path: Path) -> None:
    """A page that never comes back (lost each time, or refused without an outcome of its
    crawl) is sent again MAX_REQUEUES times, then accounted for as a failure."""
    raw = make_raw("https://aawsat.example/article/lost", crawl_id="c1")
    redis_client.sadd(key("crawl_fetched", key_prefix, crawl_id="c1"), raw.url)
    redis_client.hset(key("crawl_info", key_prefix, crawl_id="c1"), "finished_at", "now")
    redis_client.zadd(key("crawls", key_prefix), {"c1": 1})
    ledger.record(redis_client, key_prefix, raw.to_dict())
    app = SentTasks()
    for _ in range(ledger.MAX_REQUEUES + 1):
        ledger.requeue_lost(redis_client, key_prefix, app)  # type: ignore[arg-type]
    assert app.sent == [raw.to_dict()] * ledger.MAX_REQUEUES
    storage = open_storage(f"sqlite:///{tmp_path / 'a.db'}")
    try:
        StoreConsumer(redis_client, storage, key_prefix, "s", block_ms=10).run(until_idle=True)
        [failure] = storage.recent_failures()
    finally:
        storage.close()
    assert (failure["url"], failure["stage"], failure["error_class"]) == (
        raw.url, "queue", "PageLost")
    assert tally(redis_client, key_prefix, "c1").counts == {"failed": 1}
    assert redis_client.hlen(key("crawl_pages", key_prefix, crawl_id="c1")) == 0
