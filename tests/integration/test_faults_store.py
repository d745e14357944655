"""Faults 2 and 6: the store consumer (`akhbar store`, a real process) under faults.

2. SIGKILLed between reading a batch and committing it: another consumer reclaims the pending
   entries (XAUTOCLAIM); nothing lost, nothing doubled. The test holds SQLite's write lock, so
   the consumer reads the batch and then waits in its transaction: the kill lands in between.
6. The database locked (SQLite) or unreachable (PostgreSQL behind a proxy the test closes) for
   several seconds: the consumer keeps the batch, retries, acks nothing until it commits.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from tests.integration.harness import crawl_status_json, service_env, wait_for
from tests.unit.test_storage_sqlite import article_result, make_article, skipped_result
from workers.keys import STORE_GROUP, key
from workers.messages import Result
from workers.processes import start_logged, stop_process
from workers.storage import open_storage

pytestmark = [pytest.mark.integration, pytest.mark.slow]

CRAWL = "crawl-1"  # the crawl id of the results tests.unit.test_storage_sqlite builds
ARTICLES = 12


def results() -> list[Result]:
    return [article_result(make_article(n)) for n in range(ARTICLES)] + [
        skipped_result("https://aawsat.example/section/world")]


def publish_crawl(client: redis.Redis, prefix: str, batch: list[Result]) -> None:
    """What a finished crawl leaves: its pages fetched, and their results on the stream."""
    client.sadd(key("crawl_fetched", prefix, crawl_id=CRAWL), *(r.url for r in batch))
    client.hset(key("crawl_info", prefix, crawl_id=CRAWL),
                mapping={"site": "aawsat", "finished_at": "2026-11-29T10:00:00+00:00"})
    client.zadd(key("crawls", prefix), {CRAWL: time.time()})
    pipe = client.pipeline(transaction=True)  # all at once: a consumer reads them in one batch
    for result in batch:
        pipe.xadd(key("results", prefix), {"data": result.to_json()})
    pipe.execute()


def start_store(env: dict[str, str], log: Path, *options: str) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "workers.cli", "store", *options]
    return start_logged(command, env, log)



def group_ready(client: redis.Redis, prefix: str) -> bool:
    """The consumer has opened the database and created its consumer group."""
    with contextlib.suppress(redis.ResponseError):
        return bool(client.xinfo_groups(key("results", prefix)))
    return False


def pending_of(client: redis.Redis, prefix: str) -> dict[str, int]:
    """Unacknowledged entries per consumer."""
    summary = client.xpending(key("results", prefix), STORE_GROUP)
    return {c["name"].decode(): int(c["pending"]) for c in summary["consumers"]}


def counts(client: redis.Redis, prefix: str) -> dict[str, int]:
    raw = client.hgetall(key("crawl_counts", prefix, crawl_id=CRAWL))
    return {k.decode(): int(v) for k, v in raw.items()}


@contextlib.contextmanager
def sqlite_write_lock(db_path: Path) -> Iterator[sqlite3.Connection]:
    """Hold the database's write lock (BEGIN EXCLUSIVE) from this test's own connection."""
    conn = sqlite3.connect(db_path, isolation_level=None, timeout=10)
    conn.execute("BEGIN EXCLUSIVE")
    try:
        yield conn
    finally:
        conn.execute("ROLLBACK")
        conn.close()


def assert_stored_once(env: dict[str, str], client: redis.Redis, prefix: str) -> None:
    storage = open_storage(env["AKHBAR_DB_URL"])
    try:
        assert storage.count_articles() == ARTICLES
        assert storage.count_versions() == ARTICLES  # none doubled
    finally:
        storage.close()
    assert counts(client, prefix) == {"stored": ARTICLES, "skipped": 1}
    assert client.xpending(key("results", prefix), STORE_GROUP)["pending"] == 0
    assert client.xlen(key("results", prefix)) == 0
    code, record = crawl_status_json(env, CRAWL)
    assert code == 0 and record["unaccounted"] == 0 and record["settled"]
    assert record["outcomes"]["stored"] == ARTICLES


@pytest.fixture
def sqlite_env(redis_url: str, key_prefix: str, tmp_path: Path) -> dict[str, str]:
    return service_env(redis_url, key_prefix, f"sqlite:///{tmp_path / 'articles.db'}",
                       tmp_path / "home")


def test_store_killed_between_read_and_commit(sqlite_env: dict[str, str],
                                              redis_client: redis.Redis, key_prefix: str,
                                              tmp_path: Path) -> None:
    env = {**sqlite_env, "AKHBAR_STORE_CLAIM_IDLE_S": "1"}
    first = start_store(env, tmp_path / "store-1.log")
    try:
        wait_for(lambda: group_ready(redis_client, key_prefix), 30, "the first consumer")
        with sqlite_write_lock(tmp_path / "articles.db") as lock:
            publish_crawl(redis_client, key_prefix, results())
            name = f"{socket.gethostname()}-{first.pid}"
            wait_for(lambda: pending_of(redis_client, key_prefix).get(name) == ARTICLES + 1, 30,
                     "the batch read by the first consumer")
            assert first.poll() is None  # blocked in its transaction, the batch in hand
            os.killpg(first.pid, signal.SIGKILL)
            first.wait(10)
            assert lock.execute("SELECT count(*) FROM articles").fetchone() == (0,)
        assert counts(redis_client, key_prefix) == {}  # nothing was acked nor counted
        second = start_store(env, tmp_path / "store-2.log", "--until-idle")
        assert second.wait(60) == 0
    finally:
        stop_process(first)
    assert "reclaimed 13 idle entries" in (tmp_path / "store-2.log").read_text()
    assert_stored_once(env, redis_client, key_prefix)


def test_store_waits_out_a_locked_sqlite(redis_url: str, redis_client: redis.Redis,
                                         key_prefix: str, tmp_path: Path) -> None:
    # The consumer gives up on the lock after 1 s (?timeout=1) and retries: more than once here.
    env = service_env(redis_url, key_prefix, f"sqlite:///{tmp_path / 'articles.db'}?timeout=1",
                      tmp_path / "home")
    store = start_store(env, tmp_path / "store.log")
    try:
        wait_for(lambda: group_ready(redis_client, key_prefix), 30, "the consumer")
        with sqlite_write_lock(tmp_path / "articles.db"):
            publish_crawl(redis_client, key_prefix, results())
            wait_for(lambda: (tmp_path / "store.log").read_text().count("unavailable") >= 2,
                     30, "two failed tries")
            assert store.poll() is None
            assert sum(pending_of(redis_client, key_prefix).values()) == ARTICLES + 1
            assert counts(redis_client, key_prefix) == {}  # nothing acked during the lock
        wait_for(lambda: counts(redis_client, key_prefix).get("stored") == ARTICLES, 60,
                 "the batch stored after the lock")
        assert store.poll() is None
    finally:
        stop_process(store)
    assert "database is locked" in (tmp_path / "store.log").read_text()
    assert_stored_once(env, redis_client, key_prefix)


class TcpProxy:
    """127.0.0.1:<port> forwarded to PostgreSQL; `cut()` drops every connection and refuses new
    ones, `restore()` listens again on the same port."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = 0
        self.connections: list[socket.socket] = []
        self.listener: socket.socket | None = None
        self.restore()

    def restore(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self.port = listener.getsockname()[1]
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        if self.listener is not None:
            # shutdown wakes the thread blocked in accept(); close alone would leave it listening
            with contextlib.suppress(OSError):
                self.listener.shutdown(socket.SHUT_RDWR)
            self.listener.close()
            self.listener = None
        for conn in self.connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()
        self.connections.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut
            upstream = socket.create_connection(self.target, timeout=5)
            upstream.settimeout(None)
            self.connections += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pump, args=(source, sink), daemon=True).start()


def _pump(source: socket.socket, sink: socket.socket) -> None:
    with contextlib.suppress(OSError):
        while data := source.recv(65536):
            sink.sendall(data)
    with contextlib.suppress(OSError):
        sink.shutdown(socket.SHUT_WR)


def test_store_waits_out_a_postgresql_outage(redis_url: str, redis_client: redis.Redis,
                                             key_prefix: str, pg_url: str,
                                             tmp_path: Path) -> None:
    proxy = TcpProxy(("127.0.0.1", 5432))
    assert "127.0.0.1:5432" in pg_url
    env = service_env(redis_url, key_prefix, pg_url.replace("127.0.0.1:5432",
                                                            f"127.0.0.1:{proxy.port}"),
                      tmp_path / "home")
    store = start_store(env, tmp_path / "store.log")
    try:
        wait_for(lambda: group_ready(redis_client, key_prefix), 30, "the consumer")
        proxy.cut()
        publish_crawl(redis_client, key_prefix, results())
        outage_ends = time.monotonic() + 4
        while time.monotonic() < outage_ends:  # the whole outage: nothing acked, none stored
            assert counts(redis_client, key_prefix) == {}
            assert redis_client.xlen(key("results", key_prefix)) == ARTICLES + 1
            time.sleep(0.2)
        assert sum(pending_of(redis_client, key_prefix).values()) == ARTICLES + 1
        wait_for(lambda: "unavailable" in (tmp_path / "store.log").read_text(), 30,
                 "the store to log that the database is unavailable")
        proxy.restore()
        wait_for(lambda: counts(redis_client, key_prefix).get("stored") == ARTICLES, 60,
                 "the batch stored after the outage")
        assert store.poll() is None
    finally:
        stop_process(store)
        proxy.cut()
    assert_stored_once({**env, "AKHBAR_DB_URL": pg_url}, redis_client, key_prefix)
