"""Pipeline benchmark, run by hand: `python bench/pipeline.py [--runs 3]`.

Measures, on the bundled replica of aawsat.com:
  1. CPU milliseconds per page in process_page's work (decode, extract, enrich), warm;
  2. the size of one queued page in Redis (the Celery message as stored) against its raw HTML,
     and the size of its results-stream entry;
  3. end-to-end articles per second of `akhbar run demo` (embedded Redis, SQLite, fresh home).
Needs the Redis at REDIS_URL (default 127.0.0.1:6379) for (2); (3) uses the embedded one.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from unittest import mock

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from replica.content import load_articles  # noqa: E402
from replica.render import render_article_page  # noqa: E402
from workers.messages import RawPage  # noqa: E402
from workers.pages import page_result  # noqa: E402

BASE = "http://127.0.0.1:8000"


def replica_pages() -> list[dict]:
    articles = load_articles()
    return [RawPage.build(url=f"{BASE}/{i}", final_url=f"{BASE}/{i}", site="aawsat", status=200,
                          headers={"content-type": "text/html; charset=utf-8"},
                          body=render_article_page(i, articles, BASE).encode(),
                          crawl_id="bench").to_dict()
            for i in articles]


def cpu_ms_per_page(pages: list[dict], rounds: int = 5) -> tuple[float, float, float]:
    """(first call, median, p95) CPU ms of page_result; the first call loads lingua's model."""
    start = time.process_time()
    page_result(pages[0])
    first = (time.process_time() - start) * 1000
    samples = []
    for _ in range(rounds):
        for page in pages:
            start = time.process_time()
            page_result(page)
            samples.append((time.process_time() - start) * 1000)
    samples.sort()
    return first, statistics.median(samples), samples[int(len(samples) * 0.95)]


def queued_sizes(pages: list[dict]) -> tuple[float, float, float]:
    """Mean raw HTML bytes, mean bytes of the Celery message in Redis, mean stream entry bytes."""
    prefix = f"akhbar-bench-{uuid.uuid4().hex[:8]}"
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    with mock.patch.dict(os.environ, {"AKHBAR_PREFIX": prefix, "REDIS_URL": redis_url}):
        from workers.app import make_app
        from workers.keys import key
        from workers.pages import publish
        from workers.redisconn import redis_client

        app = make_app()
        client = redis_client(redis_url)
        try:
            raw, queued, streamed = [], [], []
            for page in pages:
                raw.append(len(RawPage.from_dict(page).body()))
                app.send_task("process_page", args=[page], queue="pages")
                message = client.lindex(f"{prefix}:pages", 0)
                if message is None:
                    raise SystemExit(f"no message in {prefix}:pages: did send_task publish?")
                queued.append(len(message))
                client.delete(f"{prefix}:pages")
                publish(client, prefix, page_result(page))
                entry = client.xrange(key("results", prefix), count=1)[0][1]
                streamed.append(len(entry[b"data"]))
                client.delete(key("results", prefix))
        finally:
            for name in client.scan_iter(match=f"{prefix}*"):
                client.delete(name)
    return statistics.mean(raw), statistics.mean(queued), statistics.mean(streamed)


def end_to_end(runs: int) -> list[tuple[int, float]]:
    """(articles stored, seconds) of `akhbar run demo` in a fresh home each time."""
    from workers.config import load_settings
    from workers.runner import DEMO_SITE, PipelineRun, plan_crawls

    results = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as home:
            env = {"AKHBAR_HOME": home}
            with mock.patch.dict(os.environ, env):
                os.environ.pop("REDIS_URL", None)
                os.environ.pop("AKHBAR_DB_URL", None)
                run = PipelineRun(load_settings(), Console(quiet=True), ("127.0.0.1",))
                reports = run.execute(plan_crawls([DEMO_SITE]))  # both editions, one run
            results.append((sum(r.stored for r in reports), reports[0].seconds))
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    console = Console()
    pages = replica_pages()
    first, median, p95 = cpu_ms_per_page(pages)
    raw, queued, streamed = queued_sizes(pages)
    runs = end_to_end(args.runs)

    table = Table(title=f"akhbar pipeline on the replica ({len(pages)} article pages)")
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_row("process_page CPU ms / page, median (warm)", f"{median:.1f}")
    table.add_row("process_page CPU ms / page, p95 (warm)", f"{p95:.1f}")
    table.add_row("process_page CPU ms, first page (loads lingua)", f"{first:.0f}")
    table.add_row("raw HTML bytes / page (mean)", f"{raw:,.0f}")
    table.add_row("queued Celery message bytes / page in Redis", f"{queued:,.0f}")
    table.add_row("queued / raw", f"{queued / raw:.2f}")
    table.add_row("results-stream entry bytes / page", f"{streamed:,.0f}")
    for stored, seconds in runs:
        table.add_row("akhbar run demo: stored, seconds, articles/s",
                      f"{stored}, {seconds:.1f} s, {stored / seconds:.1f}/s")
    console.print(table)


if __name__ == "__main__":
    main()
