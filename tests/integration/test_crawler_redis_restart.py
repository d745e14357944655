"""Redis restarted in the middle of a crawl: the crawler waits for it and carries on by itself;
every article is handed off and nothing queued before the restart is lost.

The test runs its own redis-server (append-only persistence, in tmp_path, on a free port):
the shared Redis is never stopped.
"""

from __future__ import annotations

import base64
import json
import subprocess
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import redis

from crawler.scheduler import frontier_name_for
from replica.content import load_articles
from tests.integration.harness import service_env
from tests.redis_process import own_redis
from tests.replica_process import replica_server
from workers.keys import PAGES_QUEUE, key
from workers.processes import crawl_command, start_logged, stop_process

pytestmark = [pytest.mark.integration, pytest.mark.slow]

PREFIX = "akhbar-restart"
OUTAGE_S = 3.0  # how long Redis stays down (the crawler retries for 60 s by default)


def queued_urls(client: redis.Redis) -> list[str]:
    """The page URL of every process_page message waiting in the pages queue."""
    urls = []
    for raw in client.lrange(f"{PREFIX}:{PAGES_QUEUE}", 0, -1):
        body = json.loads(base64.b64decode(json.loads(raw)["body"]))
        urls.append(body[0][0]["url"])  # Celery message protocol 2: [args, kwargs, embed]
    return urls


def wait_for_first_page(
    client: redis.Redis, fetched_key: str, crawl: subprocess.Popen[bytes]
) -> int:
    deadline = time.monotonic() + 45
    while not client.scard(fetched_key) and crawl.poll() is None:
        assert time.monotonic() < deadline, "the crawl handed off no page"
        time.sleep(0.05)
    return int(client.scard(fetched_key))


def test_the_crawler_rides_out_a_redis_restart(tmp_path: Path) -> None:
    articles = {article.path for article in load_articles().values()}
    fetched_key = key("crawl_fetched", PREFIX, crawl_id="r1")
    with (replica_server("--delay", "1.0") as base_url,
          own_redis(tmp_path / "redis") as server):
        env = service_env(server.url, PREFIX, f"sqlite:///{tmp_path / 'a.db'}", tmp_path / "home")
        client = redis.Redis.from_url(server.url)
        log = tmp_path / "crawl.log"
        crawl = start_logged(crawl_command("aawsat", base_url, "r1"), env, log)
        try:
            before_outage = wait_for_first_page(client, fetched_key, crawl)
            server.stop()  # SIGTERM: Redis fsyncs its append-only file and exits
            assert crawl.poll() is None, "the crawl ended before Redis went down"
            time.sleep(OUTAGE_S)  # the outage: the crawl keeps running, retrying
            assert crawl.poll() is None, "the crawl gave up during a short Redis outage"
            server.start()  # same port, same files
        except BaseException:
            stop_process(crawl)
            raise
        try:
            exit_code = crawl.wait(90)
        finally:
            stop_process(crawl)
        fetched = {unquote(urlsplit(u.decode()).path) for u in client.smembers(fetched_key)}
        queued = queued_urls(client)
        info = client.hgetall(key("crawl_info", PREFIX, crawl_id="r1"))
        frontier = client.keys(f"{PREFIX}:frontier:*")
    assert 0 < before_outage < len(articles)  # Redis went down in the middle of the crawl
    assert exit_code == 0, log.read_text()[-3000:]
    assert info[b"finish_reason"] == b"finished"
    assert articles <= fetched
    # every page handed off, before or after the restart, is in the queue for the workers
    assert {unquote(urlsplit(u).path) for u in queued} == fetched
    assert not frontier  # the crawl finished cleanly: its frontier is gone


def test_a_redis_outage_past_the_limit_fails_the_crawl_and_the_next_crawl_redoes_it(
    tmp_path: Path,
) -> None:
    """AKHBAR_REDIS_OUTAGE_S=1: the crawl stops with a non-zero exit and a reason; what it had
    in flight stays in Redis, and the next crawl fetches it: every article ends queued."""
    articles = {article.path for article in load_articles().values()}
    with (replica_server("--delay", "1.0") as base_url,
          own_redis(tmp_path / "redis") as server):
        env = service_env(server.url, PREFIX, f"sqlite:///{tmp_path / 'a.db'}", tmp_path / "home")
        client = redis.Redis.from_url(server.url)
        log = tmp_path / "crawl-r1.log"
        crawl = start_logged(
            crawl_command("aawsat", base_url, "r1"), {**env, "AKHBAR_REDIS_OUTAGE_S": "1"}, log
        )
        try:
            wait_for_first_page(client, key("crawl_fetched", PREFIX, crawl_id="r1"), crawl)
            server.stop()
            exit_code = crawl.wait(60)  # Redis stays down until the crawl has given up
        finally:
            stop_process(crawl)
        server.start()
        site = frontier_name_for("aawsat", base_url)
        left = client.zcard(key("frontier_pending", PREFIX, site=site)) + client.hlen(
            key("frontier_inflight", PREFIX, site=site)
        )
        second = start_logged(
            crawl_command("aawsat", base_url, "r2"), env, tmp_path / "crawl-r2.log"
        )
        try:
            second_exit = second.wait(90)
        finally:
            stop_process(second)
        queued = {unquote(urlsplit(u).path) for u in queued_urls(client)}
    output = log.read_text()
    assert exit_code == 1
    assert "crawler.run: crawl r1 of aawsat did not finish" in output
    assert "stay in Redis for its next crawl" in output
    assert left > 0  # nothing the first crawl had not finished was dropped
    assert second_exit == 0
    assert articles <= queued  # every article reached the page queue, once Redis was back
