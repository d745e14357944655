"""`akhbar status` as a user runs it (a subprocess) against a real Redis and SQLite.

The fault tests call `akhbar_status` after each fault: every fetched page must be accounted for.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import redis

from tests.integration.harness import akhbar_status, crawl_status_json, service_env
from workers.keys import key

pytestmark = pytest.mark.integration

URLS = [f"https://aawsat.example/article/{n}" for n in range(5)]


def record_crawl(client: redis.Redis, prefix: str, crawl_id: str, counts: dict[str, int],
                 finished: bool = True) -> None:
    """What the crawler and the store consumer leave in Redis for one crawl."""
    client.sadd(key("crawl_fetched", prefix, crawl_id=crawl_id), *URLS)
    info = {"site": "aawsat", "started_at": "2026-11-29T10:00:00+00:00"}
    if finished:
        info["finished_at"] = "2026-11-29T10:01:00+00:00"
    client.hset(key("crawl_info", prefix, crawl_id=crawl_id), mapping=info)
    client.zadd(key("crawls", prefix), {crawl_id: time.time()})
    client.hset(key("crawl_counts", prefix, crawl_id=crawl_id), mapping=counts)


@pytest.fixture
def env(redis_url: str, key_prefix: str, tmp_path: Path) -> dict[str, str]:
    return service_env(redis_url, key_prefix, f"sqlite:///{tmp_path / 'a.db'}", tmp_path / "home")


def test_a_fully_accounted_crawl(env: dict[str, str], redis_client: redis.Redis,
                                 key_prefix: str) -> None:
    counts = {"processed": 5, "stored": 3, "skipped": 1, "failed": 1}
    record_crawl(redis_client, key_prefix, "c1", counts)
    code, record = crawl_status_json(env, "c1")
    assert code == 0
    assert record["fetched"] == 5 and record["accounted"] == 5
    assert record["outcomes"] == {"stored": 3, "unchanged": 0, "skipped": 1, "failed": 1}
    assert record["unaccounted"] == 0 and record["settled"] and not record["lost"]
    assert record["in_flight"]["total"] == 0


def test_a_lost_page_makes_the_exit_code_non_zero(env: dict[str, str],
                                                  redis_client: redis.Redis,
                                                  key_prefix: str) -> None:
    record_crawl(redis_client, key_prefix, "c1", {"stored": 3, "skipped": 1})
    code, record = crawl_status_json(env, "c1")
    assert code == 1
    assert record["unaccounted"] == 1 and record["lost"]
    code, out, _ = akhbar_status(env)  # the table, for the latest crawl
    assert code == 1
    assert "unaccounted" in out and "lost" in out


def test_pages_in_flight_are_not_lost(env: dict[str, str], redis_client: redis.Redis,
                                      key_prefix: str) -> None:
    record_crawl(redis_client, key_prefix, "c1", {"stored": 3})
    redis_client.lpush(f"{key_prefix}:pages", "a queued message")
    redis_client.xadd(key("results", key_prefix), {"data": "{}"})
    code, record = crawl_status_json(env, "c1")
    assert code == 0
    assert record["in_flight"]["queued"] == 1 and record["in_flight"]["stream"] == 1
    assert record["unaccounted"] == 0 and not record["settled"]


def test_a_running_crawl_is_never_lost(env: dict[str, str], redis_client: redis.Redis,
                                       key_prefix: str) -> None:
    record_crawl(redis_client, key_prefix, "c1", {"stored": 1}, finished=False)
    code, record = crawl_status_json(env, "c1")
    assert code == 0 and record["unaccounted"] == 4 and not record["lost"]


def test_all_lists_recent_crawls_newest_first(env: dict[str, str], redis_client: redis.Redis,
                                              key_prefix: str) -> None:
    record_crawl(redis_client, key_prefix, "old", {"stored": 5})
    record_crawl(redis_client, key_prefix, "new", {"stored": 2, "unchanged": 3})
    code, out, _ = akhbar_status(env, "--all", "--json")
    assert code == 0
    assert [c["crawl_id"] for c in json.loads(out)["crawls"]] == ["new", "old"]


def test_an_unknown_crawl_is_a_clear_error(env: dict[str, str]) -> None:
    code, _, err = akhbar_status(env, "--crawl", "nope")
    assert code == 1
    assert "no crawl 'nope'" in err


def test_workers_that_take_no_task_show_as_unhealthy(env: dict[str, str],
                                                     redis_client: redis.Redis,
                                                     key_prefix: str) -> None:
    record_crawl(redis_client, key_prefix, "c1", {"stored": 5})
    code, out, _ = akhbar_status(env, "--json")
    assert code == 0 and json.loads(out)["workers"]["healthy"]
    redis_client.lpush(f"{key_prefix}:pages", "a message no worker takes")
    code, out, _ = akhbar_status(env)
    assert code == 0  # nothing lost: the page waits in the queue
    assert "UNHEALTHY" in out and "start the workers" in out
