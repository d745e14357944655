"""Real processes for the integration tests: the replica site, a Celery worker, crawls."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

import redis

from workers.app import make_app
from workers.config import Settings, load_settings
from workers.keys import key
from workers.processes import crawl_command, start_logged, stop_process, worker_command
from workers.runner import CrawlTally, crawl_finished, tally
from workers.status import in_flight
from workers.storage import Storage
from workers.store import StoreConsumer

ROOT = Path(__file__).resolve().parents[2]
BUNDLED_CONTENT = ROOT / "replica" / "content"


def copy_content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(BUNDLED_CONTENT, target)
    return target


def service_env(redis_url: str, prefix: str, db_url: str, home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "REDIS_URL": redis_url,
            "AKHBAR_PREFIX": prefix,
            "AKHBAR_DB_URL": db_url,
            "AKHBAR_HOME": str(home),
            "AKHBAR_ALLOWED_HOSTS": "127.0.0.1",
        }
    )
    return env


VISIBILITY_TIMEOUT_S = 6  # redelivery after a SIGKILL takes this long plus a 1 s sweep
TASK_TIME_LIMIT_S = 5  # must stay below the visibility timeout (load_settings checks)


def fault_env(redis_url: str, prefix: str, tmp_path: Path, **extra: str) -> dict[str, str]:
    """service_env with a short visibility timeout: a message a worker took and never
    acknowledged (killed, or Redis lost it mid-task) comes back within a test's wait."""
    env = service_env(redis_url, prefix, f"sqlite:///{tmp_path / 'articles.db'}",
                      tmp_path / "home")
    env.update(AKHBAR_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT_S),
               AKHBAR_TASK_TIME_LIMIT=str(TASK_TIME_LIMIT_S), **extra)
    return env


def settings_for(env: dict[str, str]) -> Settings:
    with mock.patch.dict(os.environ, env):
        return load_settings()


def unacked(client: redis.Redis, prefix: str) -> int:
    """Messages delivered to some worker and not acknowledged (kombu's Redis transport)."""
    return int(client.hlen(f"{prefix}:unacked"))


@contextmanager
def celery_worker(
    env: dict[str, str], log: Path, concurrency: int = 2
) -> Iterator[subprocess.Popen[bytes]]:
    process = start_logged(worker_command(concurrency=concurrency, loglevel="WARNING"), env, log)
    try:
        yield process
    finally:
        stop_process(process)


def crawl(env: dict[str, str], base_url: str, crawl_id: str, log: Path) -> int:
    process = start_logged(crawl_command("aawsat", base_url, crawl_id), env, log)
    return process.wait(300)


def drain(
    client: redis.Redis,
    storage: Storage,
    settings: Settings,
    crawl_id: str,
    worker: subprocess.Popen[bytes],
    timeout: float = 180,
) -> CrawlTally:
    """Run a store consumer until the crawl has ended, its every page is accounted for and
    nothing is left in between (a page processed twice leaves a second result to store)."""
    consumer = StoreConsumer(client, storage, settings.prefix, consumer="test-store", block_ms=100,
                             claim_idle_ms=settings.store_claim_idle_s * 1000,
                             requeue_app=make_app(settings), lost_sweep_s=1.0)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        consumer.step()
        current = tally(client, settings.prefix, crawl_id)
        finished = crawl_finished(client, settings.prefix, crawl_id)
        settled = finished and current.fetched and current.accounted >= current.fetched
        if settled and in_flight(client, settings.prefix).total == 0:
            return current
        assert worker.poll() is None, "the Celery worker died"
    raise AssertionError(f"crawl {crawl_id} not accounted for in {timeout}s: {current}")


def wait_for_stream(client: redis.Redis, prefix: str, count: int,
                    worker: subprocess.Popen[bytes], timeout: float = 120) -> None:
    """Until the results stream holds `count` entries (nothing consumes it meanwhile)."""
    stream = key("results", prefix)
    deadline = time.monotonic() + timeout
    while client.xlen(stream) < count:
        assert worker.poll() is None, "the Celery worker died"
        assert time.monotonic() < deadline, f"{client.xlen(stream)} of {count} results"
        time.sleep(0.2)


def wait_for(condition: Callable[[], object], timeout: float, what: str,
             poll_s: float = 0.05) -> None:
    """Until `condition()` is true; fails naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out after {timeout} s waiting for {what}"
        time.sleep(poll_s)


def akhbar_status(env: dict[str, str], *options: str,
                  timeout: float = 60) -> tuple[int, str, str]:
    """Run `akhbar status OPTIONS` as a user does; (exit code, stdout, stderr)."""
    done = subprocess.run([sys.executable, "-m", "workers.cli", "status", *options], env=env,
                          cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    return done.returncode, done.stdout, done.stderr


def crawl_status_json(env: dict[str, str], crawl_id: str,
                      timeout: float = 60) -> tuple[int, dict[str, Any]]:
    """`akhbar status --crawl ID --json`: (exit code, the crawl's record)."""
    code, out, err = akhbar_status(env, "--crawl", crawl_id, "--json", timeout=timeout)
    assert out, f"akhbar status printed nothing (exit {code}): {err}"
    [record] = json.loads(out)["crawls"]
    return code, record
