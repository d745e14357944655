"""A crawler SIGKILLed mid-crawl: the next crawl of the site fetches everything the dead one
discovered and did not finish (its frontier and in-flight requests live in Redis), and every
article ends stored exactly once. Also the site lock that keeps two crawls off one frontier."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock
from urllib.parse import unquote, urlsplit

import pytest
import redis

from crawler.scheduler import frontier_name_for
from crawler.sitelock import SiteBusy, SiteLock, owner_id
from replica.content import load_articles
from tests.integration.harness import celery_worker, crawl, drain, service_env, wait_for
from tests.replica_process import replica_server
from workers.config import load_settings
from workers.keys import key
from workers.processes import crawl_command, start_logged
from workers.storage import open_storage

pytestmark = pytest.mark.integration

SITE = "aawsat"
ARTICLE_DELAY_S = "1.0"  # the replica holds each article back this long: the kill lands mid-way


def frontier_keys(prefix: str, base_url: str = "") -> dict[str, str]:
    site = frontier_name_for(SITE, base_url)
    return {
        name: key(f"frontier_{name}", prefix, site=site)
        for name in ("pending", "inflight", "seen", "lock")
    }


def fetched_paths(client: redis.Redis, prefix: str, crawl_id: str) -> set[str]:
    urls = client.smembers(key("crawl_fetched", prefix, crawl_id=crawl_id))
    return {unquote(urlsplit(url.decode()).path) for url in urls}


def unfinished_paths(client: redis.Redis, prefix: str, base_url: str) -> set[str]:
    """The URL paths of the requests in the site's frontier, pending or in flight."""
    keys = frontier_keys(prefix, base_url)
    entries = [*client.zrange(keys["pending"], 0, -1), *client.hvals(keys["inflight"])]
    return {unquote(urlsplit(json.loads(entry)["request"]["url"]).path) for entry in entries}


def finished_articles(client: redis.Redis, prefix: str, crawl_id: str, base_url: str) -> set[str]:
    """Articles the crawl handed off and took out of its frontier."""
    return fetched_paths(client, prefix, crawl_id) - unfinished_paths(client, prefix, base_url)


def kill_mid_crawl(env: dict[str, str], base_url: str, client: redis.Redis, log: Path) -> None:
    """Start crawl c1; SIGKILL it once it finished some articles while others still wait."""
    prefix = env["AKHBAR_PREFIX"]
    pending = frontier_keys(prefix, base_url)["pending"]
    process = start_logged(crawl_command(SITE, base_url, "c1"), env, log)
    try:
        wait_for(
            lambda: (
                bool(finished_articles(client, prefix, "c1", base_url) and client.zcard(pending))
                or process.poll() is not None
            ),
            45,
            "crawl c1 to finish its first articles",
        )
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)  # reaped: the next crawl sees the lock holder is gone
    assert process.returncode == -signal.SIGKILL, "crawl c1 ended before it could be killed"


@pytest.mark.slow
def test_the_next_crawl_picks_up_what_a_killed_crawl_left(
    redis_url: str, key_prefix: str, tmp_path: Path
) -> None:
    db_url = f"sqlite:///{tmp_path / 'articles.db'}"
    env = service_env(redis_url, key_prefix, db_url, tmp_path / "home")
    client = redis.Redis.from_url(redis_url)
    articles = {article.path for article in load_articles().values()}
    storage = open_storage(db_url)
    with replica_server("--delay", ARTICLE_DELAY_S) as base_url:
        keys = frontier_keys(key_prefix, base_url)
        kill_mid_crawl(env, base_url, client, tmp_path / "crawl-c1.log")
        left_in_flight = client.hlen(keys["inflight"])
        assert client.zcard(keys["pending"]) + left_in_flight > 0
        first = fetched_paths(client, key_prefix, "c1")
        finished_in_c1 = finished_articles(client, key_prefix, "c1", base_url)
        assert finished_in_c1 and len(first & articles) < len(articles)

        with celery_worker(env, tmp_path / "worker.log") as worker:
            assert crawl(env, base_url, "c2", tmp_path / "crawl-c2.log") == 0
            second = fetched_paths(client, key_prefix, "c2")
            with mock.patch.dict(os.environ, env):
                settings = load_settings()
            done = drain(client, storage, settings, "c2", worker)
            wait_for(lambda: storage.count_articles() >= len(articles), 60, "c1's pages stored")

    assert articles <= first | second, sorted(articles - first - second)
    assert not second & finished_in_c1  # c2 resumed: what c1 finished is not fetched again
    assert done.accounted == done.fetched
    assert storage.count_articles() == len(articles)
    assert storage.count_versions() == len(articles)  # every article stored exactly once
    assert not client.exists(*keys.values())  # a crawl that finished cleanly leaves nothing
    # the killed crawl is marked ended by the crawl that resumed it: its pages can settle
    c1 = client.hgetall(key("crawl_info", key_prefix, crawl_id="c1"))
    assert c1[b"finish_reason"] == b"died; resumed by crawl c2" and c1[b"finished_at"]
    log = (tmp_path / "crawl-c2.log").read_text()
    assert "took over the frontier lock of a crawl that died" in log
    assert f"{left_in_flight} of them in flight when its last crawl stopped" in log
    storage.close()


def test_a_second_crawl_of_a_site_waits_for_the_lock_then_refuses(
    redis_client: redis.Redis, key_prefix: str
) -> None:
    name = frontier_keys(key_prefix)["lock"]
    first = SiteLock(redis_client, name, owner_id("first"), ttl_s=5)
    second = SiteLock(redis_client, name, owner_id("second"), ttl_s=5)
    first.acquire(wait_s=0)
    started = time.monotonic()
    with pytest.raises(SiteBusy, match='"crawl_id": "first"'):
        second.acquire(wait_s=0.3, poll_s=0.05)
    assert time.monotonic() - started >= 0.3
    assert first.refresh()
    first.release()
    second.acquire(wait_s=0)  # free once the first crawl ends
    assert not first.refresh()  # the first crawl no longer owns it


def test_a_lock_whose_holder_died_on_this_host_is_taken_over_at_once(
    redis_client: redis.Redis, key_prefix: str
) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    name = frontier_keys(key_prefix)["lock"]
    holder = owner_id("dead").replace(f'"pid": {os.getpid()}', f'"pid": {dead.pid}')
    redis_client.set(name, holder, px=60_000)
    lock = SiteLock(redis_client, name, owner_id("next"), ttl_s=5)
    lock.acquire(wait_s=0)
    assert redis_client.get(name) == owner_id("next").encode()


def test_a_lock_that_expired_during_an_outage_is_taken_back(
    redis_client: redis.Redis, key_prefix: str
) -> None:
    name = frontier_keys(key_prefix)["lock"]
    lock = SiteLock(redis_client, name, owner_id("mine"), ttl_s=5)
    lock.acquire(wait_s=0)
    redis_client.delete(name)  # as if its TTL ran out while Redis was away
    assert lock.refresh()
    redis_client.set(name, owner_id("other"))
    assert not lock.refresh()  # another crawl has it now: the caller stops
