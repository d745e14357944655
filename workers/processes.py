"""Starting and stopping the child processes `akhbar run` and the tests use."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from workers.config import Settings
from workers.keys import ALL_QUEUES


def child_env(
    settings: Settings, redis_url: str, allowed_hosts: Sequence[str] = ()
) -> dict[str, str]:
    """The environment a child needs to join this run: same Redis, database, home, prefix."""
    env = dict(os.environ)
    env.update(
        {
            "REDIS_URL": redis_url,
            "AKHBAR_DB_URL": settings.db_url,
            "AKHBAR_HOME": str(settings.home),
            "AKHBAR_PREFIX": settings.prefix,
        }
    )
    if settings.sites_dir:
        env["AKHBAR_SITES_DIR"] = str(settings.sites_dir)  # absolute: children may cd elsewhere
    hosts = [*settings.allowed_hosts, *allowed_hosts]
    if hosts:
        env["AKHBAR_ALLOWED_HOSTS"] = ",".join(dict.fromkeys(hosts))
    return env


def worker_command(
    queues: Sequence[str] = ALL_QUEUES,
    concurrency: int = 2,
    name: str | None = None,
    loglevel: str = "INFO",
) -> list[str]:
    node = name or f"akhbar-{os.getpid()}@{socket.gethostname()}"
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "workers.app",
        "worker",
        "-Q",
        ",".join(queues),
        "-c",
        str(concurrency),
        "-n",
        node,
        "--pool",
        "prefork",
        "--without-gossip",
        "--without-mingle",
        "--loglevel",
        loglevel,
    ]


def crawl_command(site: str, base_url: str | None, crawl_id: str) -> list[str]:
    command = [sys.executable, "-m", "crawler.run", site, "--crawl-id", crawl_id]
    return command + (["--base-url", base_url] if base_url else [])


def start_logged(
    command: list[str], env: dict[str, str], log_path: Path
) -> subprocess.Popen[bytes]:
    """Start a child in its own process group, its output going to `log_path`."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log_file:
        return subprocess.Popen(
            command,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )


def stop_process(process: subprocess.Popen[bytes], timeout: float = 20.0,
                 grace: float = 5.0) -> int:
    """SIGTERM the child alone; after `timeout`, its whole group; after `grace`, SIGKILL.

    The child alone first: a Celery worker's pool children take SIGTERM's default action, so
    signalled with it they would die mid-task (a WorkerLostError, and the page done again),
    while the worker itself finishes its running tasks and stops its pool (a warm shutdown).
    A worker still busy after `timeout` (a crawl_site task runs a crawl for up to an hour)
    has its group asked next, so such a crawl closes as Scrapy does on SIGTERM; whatever is
    left after that is killed."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signal.SIGTERM)
        if not _exited(process, timeout):
            _signal_group(process, signal.SIGTERM)
            _exited(process, grace)
        _signal_group(process, signal.SIGKILL)
        process.wait(5)
    return process.returncode


def _exited(process: subprocess.Popen[bytes], timeout: float) -> bool:
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        return False
    return True


def _signal_group(process: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
