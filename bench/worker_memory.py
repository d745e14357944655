"""Worker memory benchmark, run by hand: `python bench/worker_memory.py [--concurrency 2]
[--rounds 4]`.

Starts a real Celery worker (prefork), sends it the replica's article pages `rounds` times,
waits for every result, then reads each process's memory (psutil): RSS, USS (pages only this
process holds) and PSS (shared pages split among their sharers). The sum of PSS is what the
worker costs the machine; a pool child's USS is what one more child costs. Needs the Redis at
REDIS_URL (default 127.0.0.1:6379).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from unittest import mock

import psutil
import redis
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.pipeline import replica_pages  # noqa: E402
from workers.keys import PAGES_QUEUE, key  # noqa: E402
from workers.processes import start_logged, stop_process, worker_command  # noqa: E402

MB = 2**20


def worker_env(redis_url: str, prefix: str, home: Path) -> dict[str, str]:
    return {**os.environ, "REDIS_URL": redis_url, "AKHBAR_PREFIX": prefix,
            "AKHBAR_HOME": str(home), "AKHBAR_DB_URL": f"sqlite:///{home / 'articles.db'}"}


def send_pages(env: dict[str, str], rounds: int) -> int:
    with mock.patch.dict(os.environ, env):
        from workers.app import make_app

        app = make_app()
    pages = replica_pages()
    for _ in range(rounds):
        for page in pages:
            app.send_task("process_page", args=[page], queue=PAGES_QUEUE)
    return rounds * len(pages)


def wait_for_results(client: redis.Redis, stream: str, sent: int,
                     worker: subprocess.Popen[bytes], log: Path) -> None:
    with Progress(transient=True) as progress:
        task = progress.add_task("pages processed", total=sent)
        while (done := client.xlen(stream)) < sent:
            if worker.poll() is not None:
                tail = log.read_text(errors="replace")[-2000:]
                raise SystemExit(f"the worker exited ({worker.returncode}):\n{tail}")
            progress.update(task, completed=done)
            time.sleep(0.2)


def memory_rows(worker_pid: int) -> list[tuple[str, float, float, float]]:
    parent = psutil.Process(worker_pid)
    rows = []
    for name, process in [("parent", parent), *(("pool child", c) for c in parent.children())]:
        info = process.memory_full_info()
        rows.append((name, info.rss / MB, info.uss / MB, info.pss / MB))
    return rows


def report(rows: list[tuple[str, float, float, float]], sent: int, concurrency: int) -> None:
    table = Table(title=f"Celery worker, concurrency {concurrency}, after {sent} pages")
    for column in ("process", "RSS MB", "USS MB", "PSS MB"):
        table.add_column(column, justify="left" if column == "process" else "right")
    for name, rss, uss, pss in rows:
        table.add_row(name, f"{rss:.1f}", f"{uss:.1f}", f"{pss:.1f}")
    table.add_row("total", "", f"{sum(r[2] for r in rows):.1f}", f"{sum(r[3] for r in rows):.1f}")
    Console().print(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    prefix = f"akhbar-bench-{uuid.uuid4().hex[:8]}"
    client = redis.Redis.from_url(redis_url)
    with tempfile.TemporaryDirectory() as home:
        env = worker_env(redis_url, prefix, Path(home))
        log = Path(home) / "worker.log"
        worker = start_logged(worker_command(concurrency=args.concurrency, loglevel="WARNING"),
                              env, log)
        try:
            sent = send_pages(env, args.rounds)
            wait_for_results(client, key("results", prefix), sent, worker, log)
            time.sleep(1)  # the last tasks' acks and heartbeats
            report(memory_rows(worker.pid), sent, args.concurrency)
        finally:
            stop_process(worker)
            for name in client.scan_iter(f"{prefix}:*"):
                client.delete(name)


if __name__ == "__main__":
    main()
