"""Reliability run, by hand: `python bench/reliability.py [--json PATH] [--delay S] [--keep]`.

ONE end-to-end run of the real pipeline on the bundled replica under several faults at once,
then the counts (docs/reliability.md quotes them). Everything is the run's own, on 127.0.0.1:
a redis-server on a free port (append-only file fsynced on every write), SQLite in a work
folder, the replica holding each article page back `--delay` seconds, a Celery worker, an
`akhbar store` process and `crawler.run` processes. One article is a poison page
(AKHBAR_FAULT_CRASH_ON: the worker SIGKILLs itself on it every time).

While the crawl runs, in this order:
  1. the crawler is SIGKILLed and a new crawl of the site starts (it resumes the frontier);
  2. the worker's process group is SIGKILLed and a new worker starts;
  3. the store consumer is SIGKILLed and another starts;
  4. Redis gets SIGTERM, stays down 2 s and starts again on the same port and files.
Then it waits until the last crawl has ended, nothing is in flight, every finished crawl has no
page unaccounted and every fetched URL has an outcome in some crawl (a URL the killed crawl
fetched but never queued is fetched again by the next one; the killed crawl never finishes and
its own `akhbar status` still counts that URL unaccounted: the table shows it), runs
`akhbar status --crawl ID --json` for each crawl, and reads the database.

lost = replica articles neither stored nor in the failure log, nor waiting in a queue (a crawl's
hand-off ledger holds each page from its hand-off to its outcome: only a run stopped before it
settled has any), nor unfetched by a crawl still running; duplicated = replica articles with more
than one row in the articles table. If the worker or the store consumer dies by itself (nothing
restarts it: that is a finding) the wait ends once the crawl has ended. Exit 1 if lost or
duplicated is above 0, else 2 if the run did not settle before `--deadline`.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import redis
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from replica.content import load_articles  # noqa: E402
from tests.integration.harness import crawl_status_json, service_env  # noqa: E402
from tests.redis_process import RedisServer, own_redis  # noqa: E402
from tests.replica_process import replica_server  # noqa: E402
from workers.processes import crawl_command, start_logged, stop_process, worker_command  # noqa: E402
from workers.redisconn import as_text  # noqa: E402
from workers.status import crawl_status, in_flight  # noqa: E402
from workers.storage import Storage, open_storage  # noqa: E402

SITE = "aawsat"
PREFIX = "akhbar-reliability"
POISON = f"/{min(load_articles())}-"  # one article's URL path starts /<id>-<slug>
SETTINGS = {  # short timeouts, so that recovering from each fault takes seconds
    "AKHBAR_VISIBILITY_TIMEOUT": "6",  # a killed worker's tasks come back after this
    "AKHBAR_TASK_TIME_LIMIT": "5",  # must stay below the visibility timeout
    "AKHBAR_STORE_CLAIM_IDLE_S": "2",  # a killed store's pending entries are taken over
    "AKHBAR_MAX_PAGE_ATTEMPTS": "2",  # the poison page kills the worker twice, then fails
    "AKHBAR_FAULT_CRASH_ON": POISON,
    "AKHBAR_REDIS_OUTAGE_S": "60",
}
STEP_WAIT_S = 60.0  # each fault waits at most this long for its moment
POLL_S = 0.2


@dataclass
class Fault:
    name: str
    at: str  # UTC
    after_s: float  # since the run started
    detail: str


@dataclass
class Run:
    """The run's processes and the Redis it watches."""

    env: dict[str, str]
    workdir: Path
    redis_server: RedisServer
    base_url: str
    progress: Progress
    task: Any
    started: float = field(default_factory=time.monotonic)
    crawl_ids: list[str] = field(default_factory=list)
    crawl_exits: dict[str, int | None] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    starts: Counter[str] = field(default_factory=Counter)

    @functools.cached_property
    def client(self) -> redis.Redis:  # reconnects by itself after the Redis restart
        return redis.Redis.from_url(self.env["REDIS_URL"], socket_timeout=5)

    def start(self, role: str, command: list[str]) -> None:
        self.starts[role] += 1
        log = self.workdir / "logs" / f"{role}-{self.starts[role]}.log"
        self.processes[role] = start_logged(command, self.env, log)

    def start_crawl(self) -> None:
        crawl_id = f"c{len(self.crawl_ids) + 1}"
        self.crawl_ids.append(crawl_id)
        self.start("crawl", crawl_command(SITE, self.base_url, crawl_id))

    def died(self) -> dict[str, int]:
        """The worker or store consumer now running, if it exited without being told to."""
        return {f"{role}-{self.starts[role]}": code for role in ("worker", "store")
                if (code := self.processes[role].poll()) is not None}

    def crawling(self) -> bool:
        return self.processes["crawl"].poll() is None

    def record(self, name: str, detail: str) -> None:
        fault = Fault(name, datetime.now(UTC).isoformat(timespec="milliseconds"),
                      round(time.monotonic() - self.started, 1), detail)
        self.faults.append(fault)
        self.progress.console.print(f"[yellow]{fault.after_s:5.1f} s  {name}[/yellow]: {detail}")


# -- watching --------------------------------------------------------------------------------


def fetched(run: Run, crawl_id: str) -> int:
    return int(run.client.scard(f"{PREFIX}:crawl:{crawl_id}:fetched"))


def accounted_total(run: Run) -> int:
    return sum(crawl_status(run.client, PREFIX, c).accounted for c in run.crawl_ids)


def processed_total(run: Run) -> int:
    counts = [run.client.hget(f"{PREFIX}:crawl:{c}:counts", "processed") for c in run.crawl_ids]
    return sum(int(n or 0) for n in counts)


def snapshot(run: Run) -> str:
    try:
        flight = in_flight(run.client, PREFIX)
        pages = sum(fetched(run, c) for c in run.crawl_ids)
        return (f"fetched {pages} · processed {processed_total(run)} · accounted "
                f"{accounted_total(run)} · in flight {flight.total}")
    except redis.RedisError:
        return "Redis unavailable"


def wait_until(run: Run, what: str, condition: Callable[[], bool], timeout: float) -> bool:
    """Poll `condition` (a Redis error counts as not yet) until true or `timeout` passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return True
        except redis.RedisError:
            pass  # Redis is restarting: ask again
        run.progress.update(run.task, description=f"{what} · {snapshot(run)}")
        time.sleep(POLL_S)
    run.progress.console.print(f"not within {timeout:.0f} s: {what}")
    return False


def without_outcome(run: Run) -> set[str]:
    """URLs fetched by some crawl with an outcome in none. A URL a killed crawl fetched and
    did not hand off is fetched again by the next crawl: it counts as accounted there."""
    client = run.client
    fetched_urls = client.sunion([f"{PREFIX}:crawl:{c}:fetched" for c in run.crawl_ids])
    answered: set[Any] = set()
    for crawl_id in run.crawl_ids:
        answered.update(client.hkeys(f"{PREFIX}:crawl:{crawl_id}:outcomes"))
    return {as_text(url) for url in set(fetched_urls) - answered}


def settled(run: Run) -> bool:
    """The last crawl has ended, nothing is in flight, every fetched URL has an outcome, and
    every crawl that finished has none unaccounted (a killed crawl never finishes)."""
    if run.crawling():
        return False
    run.crawl_exits[run.crawl_ids[-1]] = run.processes["crawl"].returncode
    client = run.client
    flight = in_flight(client, PREFIX)
    if flight.total or without_outcome(run):
        return False
    statuses = [crawl_status(client, PREFIX, c, flight=flight) for c in run.crawl_ids]
    return all(s.unaccounted == 0 for s in statuses if s.finished_at)


# -- the faults ------------------------------------------------------------------------------


def sigkill_group(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGKILL)  # start_logged gave each child a group of its own
    process.wait(10)


def kill_crawler(run: Run) -> None:
    crawl_id = run.crawl_ids[-1]
    wait_until(run, f"crawl {crawl_id} fetching", lambda: fetched(run, crawl_id) >= 8, STEP_WAIT_S)
    running = run.crawling()
    sigkill_group(run.processes["crawl"])
    run.crawl_exits[crawl_id] = run.processes["crawl"].returncode
    run.record("crawler SIGKILL", f"crawl {crawl_id} after {fetched(run, crawl_id)} pages "
               f"fetched (was running: {running}); next crawl started")
    run.start_crawl()


def kill_worker(run: Run) -> None:
    crawl_id = run.crawl_ids[-1]
    wait_until(run, f"crawl {crawl_id} fetching", lambda: fetched(run, crawl_id) >= 1, STEP_WAIT_S)
    held = int(run.client.hlen(f"{PREFIX}:unacked"))
    sigkill_group(run.processes["worker"])
    run.record("worker SIGKILL (process group)",
               f"{held} tasks unacked at the kill; crawl running: {run.crawling()}; new worker")
    run.start("worker", worker_command(loglevel="INFO"))


def kill_store(run: Run) -> None:
    base = processed_total(run)
    wait_until(run, "the new worker processing", lambda: processed_total(run) > base, STEP_WAIT_S)
    stream = int(run.client.xlen(f"{PREFIX}:results"))
    sigkill_group(run.processes["store"])
    run.record("store consumer SIGKILL",
               f"{stream} results in the stream at the kill; crawl running: {run.crawling()}; "
               "new store consumer")
    run.start("store", store_command())


def restart_redis(run: Run) -> None:
    base = accounted_total(run)
    # briefly: the restart must land while the crawl still runs
    wait_until(run, "the new store storing", lambda: accounted_total(run) > base, 3.0)
    run.redis_server.stop()
    running = run.crawling()
    run.record("Redis SIGTERM", f"down 2 s, same port and files; crawl running: {running}")
    time.sleep(2.0)
    run.redis_server.start()
    run.record("Redis started again", f"port {run.redis_server.port}")


def store_command() -> list[str]:
    return [sys.executable, "-m", "workers.cli", "store"]


# -- the figures -----------------------------------------------------------------------------


def path_of(url: str) -> str:
    return unquote(urlsplit(url).path)


def rows_per_article(storage: Storage) -> Counter[str]:
    """Rows in the articles table per URL path (every version of every canonical URL)."""
    rows: Counter[str] = Counter()
    for article in storage.iter_articles():
        rows[path_of(article["canonical_url"])] += len(storage.versions(article["canonical_url"]))
    return rows


def failure_log(storage: Storage) -> list[dict[str, Any]]:
    return storage.recent_failures(limit=100_000)


def database_figures(db_url: str) -> dict[str, Any]:
    storage = open_storage(db_url)
    try:
        rows = rows_per_article(storage)
        failures = failure_log(storage)
        stored, versions = storage.count_articles(), storage.count_versions()
    finally:
        storage.close()
    articles = {a.path for a in load_articles().values()}
    failed_paths = {path_of(f["url"]) for f in failures}
    reasons = Counter(f"{stage}/{error}" for _, stage, error in
                      {(path_of(f["url"]), f["stage"], f["error_class"]) for f in failures})
    poison = [f for f in failures if POISON in f["url"]]
    return {
        "replica_articles": len(articles),
        "stored_articles": stored,
        "article_rows": versions,
        "failed_by_reason": dict(sorted(reasons.items())),
        "failure_log": [{k: f[k] for k in ("url", "stage", "error_class", "attempt", "crawl_id")}
                        for f in failures],
        "poison_page": {"url_contains": POISON,
                        "error_classes": sorted({f["error_class"] for f in poison})},
        "unfinished": sorted(articles - set(rows) - failed_paths),
        "duplicated": sorted(p for p, n in rows.items() if p in articles and n > 1),
    }


def crawl_figures(run: Run) -> dict[str, Any]:
    """`akhbar status --crawl ID --json` of each crawl, and the fetched URLs over all."""
    crawls = []
    for crawl_id in run.crawl_ids:
        code, record = crawl_status_json(run.env, crawl_id, timeout=120)
        crawls.append({"crawl_id": crawl_id, "crawler_exit": run.crawl_exits.get(crawl_id),
                       "status_exit": code, **{k: record[k] for k in (
                           "fetched", "accounted", "outcomes", "failed_by_stage", "unaccounted",
                           "settled", "finished_at")},
                       "left_in_ledger": int(run.client.hlen(f"{PREFIX}:crawl:{crawl_id}:pages"))})
    keys = [f"{PREFIX}:crawl:{c}:fetched" for c in run.crawl_ids]
    union = [as_text(url) for url in run.client.sunion(keys)]
    waiting = [as_text(url) for c in run.crawl_ids
               for url in run.client.hkeys(f"{PREFIX}:crawl:{c}:pages")]
    return {"crawls": crawls, "pages_fetched": len(union), "fetched_urls": sorted(union),
            "waiting_urls": sorted(waiting), "crawling": run.crawling(),
            "pages_fetched_per_crawl": sum(c["fetched"] for c in crawls),
            "skipped": sum(c["outcomes"].get("skipped", 0) for c in crawls),
            "unchanged": sum(c["outcomes"].get("unchanged", 0) for c in crawls),
            "unaccounted": sum(c["unaccounted"] for c in crawls),
            "without_outcome": sorted(without_outcome(run))}


def poison_kills(workdir: Path) -> int:
    """How often the poison page killed a worker process (workers.faults logs each)."""
    logs = (workdir / "logs").glob("worker-*.log")
    return sum(log.read_text(errors="replace").count("fault injection") for log in logs)


# -- the run ---------------------------------------------------------------------------------


def run_env(workdir: Path, redis_url: str) -> dict[str, str]:
    env = service_env(redis_url, PREFIX, f"sqlite:///{workdir / 'articles.db'}",
                      workdir / "home")
    env.update(SETTINGS)
    return env


def stop_all(run: Run) -> None:
    for process in run.processes.values():
        stop_process(process)


def execute(workdir: Path, delay: float, deadline: float, console: Console) -> dict[str, Any]:
    progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                        console=console)
    with ExitStack() as stack:
        server = stack.enter_context(own_redis(workdir / "redis"))
        base_url = stack.enter_context(replica_server("--delay", str(delay)))
        stack.enter_context(progress)
        run = Run(run_env(workdir, server.url), workdir, server, base_url, progress,
                  progress.add_task("starting", total=None))
        stack.callback(stop_all, run)
        run.start("worker", worker_command(loglevel="INFO"))
        run.start("store", store_command())
        run.start_crawl()
        for fault in (kill_crawler, kill_worker, kill_store, restart_redis):
            fault(run)
        last_fault = time.monotonic()
        # Once the worker or the store consumer has died nothing more is stored: stop when
        # the crawl has ended (what it fetched is then waiting in the queues).
        wait_until(run, "every page accounted for",
                   lambda: settled(run) or bool(run.died() and not run.crawling()), deadline)
        recovery = time.monotonic() - last_fault
        figures = {"settled": settled(run), "recovery_s": round(recovery, 1),
                   "died": run.died(), "in_flight_at_end": asdict(in_flight(run.client, PREFIX)),
                   "wall_time_s": round(time.monotonic() - run.started, 1),
                   "replica_delay_s": delay, "settings": SETTINGS,
                   "faults": [asdict(f) for f in run.faults],
                   "poison_kills": poison_kills(workdir), **crawl_figures(run)}
    return with_lost(figures | database_figures(run.env["AKHBAR_DB_URL"]))


def with_lost(figures: dict[str, Any]) -> dict[str, Any]:
    """Split the articles neither stored nor failed: still waiting for a worker or the store
    (in a crawl's hand-off ledger: the run stopped early), never fetched by a crawl cut short,
    and lost (everything else)."""
    waiting = {path_of(url) for url in figures["waiting_urls"]}
    fetched_paths = {path_of(url) for url in figures["fetched_urls"]}
    unfinished = set(figures["unfinished"])
    figures["waiting"] = sorted(unfinished & waiting)
    figures["not_fetched"] = sorted(unfinished - fetched_paths) if figures["crawling"] else []
    figures["lost"] = sorted(unfinished - waiting - set(figures["not_fetched"]))
    return figures


# -- output ----------------------------------------------------------------------------------


def print_figures(console: Console, figures: dict[str, Any]) -> None:
    faults = Table(title="faults injected")
    for column in ("after", "at (UTC)", "fault", "detail"):
        faults.add_column(column)
    for fault in figures["faults"]:
        faults.add_row(f"{fault['after_s']:.1f} s", fault["at"][11:23], fault["name"],
                       fault["detail"])
    console.print(faults)
    crawls = Table(title="akhbar status --crawl ID --json")
    for column in ("crawl", "crawler exit", "fetched", "outcomes", "failed by stage",
                   "unaccounted", "settled", "in ledger"):
        crawls.add_column(column)
    for c in figures["crawls"]:
        crawls.add_row(c["crawl_id"], str(c["crawler_exit"]), str(c["fetched"]),
                       compact(c["outcomes"]), compact(c["failed_by_stage"]),
                       str(c["unaccounted"]), str(c["settled"]), str(c["left_in_ledger"]))
    console.print(crawls)
    console.print(summary_table(figures))


def compact(counts: dict[str, int]) -> str:
    return ", ".join(f"{name} {n}" for name, n in counts.items() if n) or "-"


def summary_table(figures: dict[str, Any]) -> Table:
    table = Table(title="akhbar reliability run: the counts")
    table.add_column("figure")
    table.add_column("value", justify="right")
    rows = [
        ("replica articles", figures["replica_articles"]),
        ("pages fetched (distinct URLs over the crawls)", figures["pages_fetched"]),
        ("pages fetched (sum of the crawls)", figures["pages_fetched_per_crawl"]),
        ("stored articles", figures["stored_articles"]),
        ("article rows in the database", figures["article_rows"]),
        ("unchanged", figures["unchanged"]),
        ("skipped (not articles)", figures["skipped"]),
        ("failed, by reason", compact(figures["failed_by_reason"])),
        ("poison page in the failure log as", ", ".join(figures["poison_page"]["error_classes"])
         or "MISSING"),
        ("worker processes the poison page killed", figures["poison_kills"]),
        ("unaccounted (akhbar status, sum of the crawls)", figures["unaccounted"]),
        ("fetched URLs with an outcome in no crawl", len(figures["without_outcome"])),
        ("articles neither stored nor failed", len(figures["unfinished"])),
        ("  of which waiting in a queue (not lost)", len(figures["waiting"])),
        ("  of which not fetched yet (crawl still running)", len(figures["not_fetched"])),
        ("lost", len(figures["lost"])),
        ("duplicated", len(figures["duplicated"])),
        ("processes that died on their own (exit code)", compact(figures["died"])),
        ("in flight at the end (queued, unacked, stream)",
         "{queued}, {unacked}, {stream}".format(**figures["in_flight_at_end"])),
        ("settled before the deadline", figures["settled"]),
        ("recovery after the last fault", f"{figures['recovery_s']:.1f} s"),
        ("wall time", f"{figures['wall_time_s']:.1f} s"),
    ]
    for label, value in rows:
        table.add_row(label, str(value))
    return table


def exit_code(console: Console, figures: dict[str, Any]) -> int:
    for name in ("lost", "duplicated"):
        for path in figures[name]:
            console.print(f"[red]{name}: {path}[/red]")
    for process, code in figures["died"].items():
        console.print(f"[red]{process} exited by itself (code {code}): see its log[/red]")
    if figures["lost"] or figures["duplicated"]:
        return 1
    return 0 if figures["settled"] else 2


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--delay", type=float, default=6.0,
                        help="seconds the replica holds back each article page")
    parser.add_argument("--deadline", type=float, default=240.0,
                        help="seconds after the last fault to wait for every page")
    parser.add_argument("--keep", action="store_true",
                        help="keep the work folder (logs, database, Redis files)")
    args = parser.parse_args()
    console = Console()
    workdir = Path(tempfile.mkdtemp(prefix="akhbar-reliability-"))
    figures = execute(workdir, args.delay, args.deadline, console)
    print_figures(console, figures)
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n")
    code = exit_code(console, figures)
    if args.keep or code:
        console.print(f"work folder kept: {workdir}")
    else:
        shutil.rmtree(workdir)
    return code


if __name__ == "__main__":
    sys.exit(main())
