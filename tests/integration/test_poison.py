"""Fault 5: a poison page that kills the page worker process every time it is extracted.

The fault hook (workers/faults.py) makes the worker's pool process SIGKILL itself on one
article, as the OOM killer would. With `task_reject_on_worker_lost` the page goes back to the
queue after each death; the attempts counter (workers/attempts.py) lets it kill the worker
AKHBAR_MAX_PAGE_ATTEMPTS times, then records it in the failure log instead of trying again.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import redis

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
from workers.app import make_app
from workers.keys import PAGES_QUEUE, key
from workers.runner import tally
from workers.storage import open_storage

pytestmark = [pytest.mark.integration, pytest.mark.slow]

MAX_ATTEMPTS = 2


def test_a_page_that_kills_the_worker_ends_in_the_failure_log(
        redis_url: str, key_prefix: str, tmp_path: Path) -> None:
    poison = f"/{min(load_articles())}-"  # one article's URL path: /<id>-<slug>
    crawl_id = uuid.uuid4().hex[:10]
    env = fault_env(redis_url, key_prefix, tmp_path, AKHBAR_FAULT_CRASH_ON=poison,
                    AKHBAR_MAX_PAGE_ATTEMPTS=str(MAX_ATTEMPTS))
    settings = settings_for(env)
    client = redis.Redis.from_url(redis_url)
    storage = open_storage(settings.db_url)
    try:
        with replica_server() as base_url, celery_worker(env, tmp_path / "worker.log") as worker:
            assert crawl(env, base_url, crawl_id, tmp_path / "crawl.log") == 0
            done = drain(client, storage, settings, crawl_id, worker, timeout=120)
            [failure] = storage.recent_failures(10)
            assert poison in failure["url"]
            assert failure["stage"] == "extract"
            assert failure["error_class"] == "PageKilledWorker"
            assert f"killed the page worker {MAX_ATTEMPTS} times" in failure["message"]
            assert failure["attempt"] == MAX_ATTEMPTS + 1
            assert done.counts == {"stored": len(load_articles()) - 1, "skipped": 1, "failed": 1}
            assert storage.count_versions() == len(load_articles()) - 1
            assert not list(client.scan_iter(match=key("attempts", key_prefix, url_hash="*")))
            assert_worker_still_consumes(client, storage, env, worker)
    finally:
        storage.close()
    log = (tmp_path / "worker.log").read_text()
    assert log.count("fault injection") == MAX_ATTEMPTS  # killed that often, no more
    code, record = crawl_status_json(env, crawl_id)
    assert code == 0 and record["unaccounted"] == 0
    assert record["failed_by_stage"] == {"extract": 1}


def assert_worker_still_consumes(client: redis.Redis, storage, env: dict[str, str],  # type: ignore[no-untyped-def]
                                 worker) -> None:  # type: ignore[no-untyped-def]
    """A page sent after the poison is processed by the same worker."""
    settings = settings_for(env)
    page = next(iter(storage.raw_pages(latest_only=True)))
    page.crawl_id = "after-poison"
    make_app(settings).send_task("process_page", args=[page.to_dict()], queue=PAGES_QUEUE)
    wait_for(lambda: tally(client, settings.prefix, "after-poison").processed == 1, 60,
             "the page sent after the poison")
    wait_for(lambda: unacked(client, settings.prefix) == 0
             and client.llen(f"{settings.prefix}:{PAGES_QUEUE}") == 0, 30, "the ack")
    assert worker.poll() is None
