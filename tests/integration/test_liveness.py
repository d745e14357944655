"""Fault 3, second half: a worker alive but no longer taking tasks is caught by `akhbar health`.

The real failure (celery/celery#8091) cannot be summoned on demand; SIGSTOP on the worker's
process group gives the same picture from outside: the process exists, the queue fills, no
task is taken. SIGCONT is the restart: health comes back.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
import redis
import yaml

from tests.integration.harness import ROOT, celery_worker, service_env
from tests.integration.test_redis_restart import (
    app_of,
    processed,
    queue_pages,
    replica_pages,
    settings_of,
    wait_until,
)
from workers.keys import PAGES_QUEUE, key
from workers.liveness import Heartbeat, check_health, queue_depth, worker_beats

pytestmark = pytest.mark.integration

MAX_IDLE_S = 3


def akhbar_health(env: dict[str, str], *options: str) -> tuple[int, dict[str, Any]]:
    """`akhbar health --json` as a healthcheck runs it: its exit code and its report."""
    done = subprocess.run([sys.executable, "-m", "workers.cli", "health", "--json", *options],
                          env=env, capture_output=True, text=True, timeout=60, check=False)
    return done.returncode, json.loads(done.stdout)


def test_the_check_reads_the_queue_and_the_heartbeats(
    redis_url: str, key_prefix: str, redis_client: redis.Redis, tmp_path: Path
) -> None:
    """The verdicts, on real Redis: empty queue, a recent beat, a stale one, none, another host."""
    settings = settings_of(service_env(redis_url, key_prefix, "sqlite://", tmp_path))
    assert check_health(settings, 60).healthy  # nothing queued, nothing recorded

    redis_client.lpush(f"{key_prefix}:{PAGES_QUEUE}", "m1", "m2")  # kombu's list for the queue
    assert queue_depth(redis_client, key_prefix) == 2
    never = check_health(settings, 60)
    assert not never.healthy and "no worker is recorded" in never.reason, never

    Heartbeat(redis_client, key_prefix).beat("w1@host", "received_at")
    recent = check_health(settings, 60)
    assert recent.healthy and recent.workers == 1, recent
    time.sleep(1.2)
    stale = check_health(settings, 1)
    assert not stale.healthy and stale.queued == 2, stale
    assert "restart the workers" in stale.reason and stale.idle_s and stale.idle_s >= 1.0

    here = socket.gethostname()
    assert [b.host for b in worker_beats(redis_client, key_prefix)] == [here]
    elsewhere = check_health(settings, 60, host=f"not-{here}")
    assert not elsewhere.healthy and f"no worker on not-{here}" in elsewhere.reason


def test_the_compose_healthcheck_runs_the_health_command(
    redis_url: str, key_prefix: str, tmp_path: Path
) -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    command = compose["services"]["workers"]["healthcheck"]["test"]
    assert command[:3] == ["CMD", "akhbar", "health"], command
    env = service_env(redis_url, key_prefix, "sqlite://", tmp_path)
    done = subprocess.run([sys.executable, "-m", "workers.cli", *command[2:]], env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr  # nothing queued: healthy
    assert done.stdout.startswith("healthy: pages queue is empty"), done.stdout


@pytest.mark.slow
def test_a_worker_that_stops_taking_tasks_is_unhealthy_until_it_takes_them_again(
    redis_url: str, key_prefix: str, redis_client: redis.Redis, tmp_path: Path
) -> None:
    env = service_env(redis_url, key_prefix, f"sqlite:///{tmp_path / 'a.db'}", tmp_path / "home")
    env["AKHBAR_LIVENESS_IDLE_S"] = str(MAX_IDLE_S)
    crawl_id = uuid.uuid4().hex[:10]
    pages = replica_pages(crawl_id)[:8]
    app = app_of(env)
    with celery_worker(env, tmp_path / "worker.log") as worker:
        queue_pages(app, redis_client, key_prefix, pages[:2])
        wait_until(lambda: processed(redis_client, key_prefix, crawl_id) == 2, "2 pages done")
        assert akhbar_health(env)[0] == 0
        [node] = redis_client.smembers(key("liveness_nodes", key_prefix))
        beats = key("liveness", key_prefix, node=node.decode())
        # a page counts as processed when its result is published; its task's finish is
        # beaten just after that (task_postrun)
        wait_until(lambda: {b"started_at", b"received_at", b"finished_at"}
                   <= set(redis_client.hkeys(beats)),
                   lambda: f"the three beats: {redis_client.hgetall(beats)}")

        os.killpg(worker.pid, signal.SIGSTOP)  # alive, and taking nothing
        try:
            stopped = time.monotonic()
            queue_pages(app, redis_client, key_prefix, pages[2:])
            code, report = wait_for_health(env, unhealthy=True)
            detected_after = time.monotonic() - stopped
            assert code == 1 and report["queued"] > 0, report
            assert "no worker has taken one" in report["reason"], report
            assert "restart the workers" in report["reason"]
            assert akhbar_health(env, "--local")[0] == 1  # the container's view: same verdict
            assert processed(redis_client, key_prefix, crawl_id) == 2  # it really took none
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(worker.pid, signal.SIGCONT)
        assert detected_after < MAX_IDLE_S + 20, detected_after

        wait_for_health(env, unhealthy=False)
        wait_until(lambda: processed(redis_client, key_prefix, crawl_id) == len(pages),
                   "the worker took the waiting pages after SIGCONT")
        assert worker.poll() is None
    assert not redis_client.exists(key("liveness", key_prefix, node=node.decode()))  # clean stop


def wait_for_health(env: dict[str, str], unhealthy: bool,
                    timeout: float = 40.0) -> tuple[int, dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while True:
        code, report = akhbar_health(env)
        if (code == 1) == unhealthy:
            return code, report
        assert time.monotonic() < deadline, f"health still {report} after {timeout:.0f} s"
        time.sleep(0.5)
