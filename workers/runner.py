"""`akhbar run`: everything on this machine, one crawl per site, until every page is accounted for.

Redis (embedded unless REDIS_URL), a Celery worker process, the store consumer (a thread of
this process), and one crawl process per site; a Rich display per stage; a summary at the end.
"""

from __future__ import annotations

import socket
import subprocess
import threading
import time
import uuid
from abc import ABC, abstractmethod
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path

import redis
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from workers.config import Settings
from workers.keys import key
from workers.processes import child_env, crawl_command, start_logged, stop_process, worker_command
from workers.redisconn import EmbeddedRedis, check_redis, live_embedded_url
from workers.sites import registry
from workers.storage import Storage, open_storage
from workers.store import StoreConsumer

DEMO_SITE = "demo"  # the bundled replica of aawsat.com, both editions, served by this process
DEMO_EDITIONS = {"aawsat": "ar", "aawsat-english": "en"}  # site -> replica edition
STALL_SECONDS = 180.0  # no page accounted for this long after the crawl ended: give up


class RunFailed(RuntimeError):
    """The run cannot finish; the message says why and where the logs are."""


@dataclass
class RunContext:
    """What a job may use to start: the run's Redis, storage, environment and logs."""

    settings: Settings
    client: redis.Redis
    storage: Storage
    env: dict[str, str]
    logs: Path
    stack: ExitStack


class Job(ABC):
    """One source of pages in a run, accounted for under its own crawl id."""

    site: str
    crawl_id: str
    label: str

    @abstractmethod
    def start(self, context: RunContext) -> None: ...

    @property
    @abstractmethod
    def active(self) -> bool:
        """Still producing pages."""

    @property
    def exit_code(self) -> int | None:
        return 0


@dataclass
class CrawlJob(Job):
    """A crawl, in a child process (Scrapy's reactor cannot restart in this one)."""

    site: str
    base_url: str | None
    crawl_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    process: subprocess.Popen[bytes] | None = None

    @property
    def label(self) -> str:  # type: ignore[override]
        return f"crawl   {self.site} ({'replica' if self.base_url else 'live'})"

    def start(self, context: RunContext) -> None:
        command = crawl_command(self.site, self.base_url, self.crawl_id)
        self.process = start_logged(
            command, context.env, context.logs / f"crawl-{self.crawl_id}.log"
        )
        context.stack.callback(stop_process, self.process)

    @property
    def active(self) -> bool:
        return self.process is not None and self.process.poll() is None

    @property
    def exit_code(self) -> int | None:
        return self.process.returncode if self.process else None


@dataclass
class CrawlTally:
    fetched: int
    processed: int
    counts: dict[str, int]

    @property
    def accounted(self) -> int:
        return sum(n for name, n in self.counts.items() if name != "processed")


@dataclass
class RunReport:
    site: str
    crawl_id: str
    tally: CrawlTally
    seconds: float
    crawl_exit: int | None
    label: str = ""

    @property
    def stored(self) -> int:
        return self.tally.counts.get("stored", 0)


def tally(client: redis.Redis, prefix: str, crawl_id: str) -> CrawlTally:
    fetched = client.scard(key("crawl_fetched", prefix, crawl_id=crawl_id))
    raw_counts = client.hgetall(key("crawl_counts", prefix, crawl_id=crawl_id))
    counts = {k.decode(): int(v) for k, v in raw_counts.items()}
    return CrawlTally(int(fetched), counts.pop("processed", 0), counts)


def crawl_finished(client: redis.Redis, prefix: str, crawl_id: str) -> bool:
    """Whether the crawl's process has recorded its end (see crawler/extensions.py)."""
    return bool(client.hexists(key("crawl_info", prefix, crawl_id=crawl_id), "finished_at"))


def start_redis(settings: Settings, stack: ExitStack) -> str:
    """REDIS_URL, or the embedded Redis (started here, stopped with `stack`, if not running)."""
    url = settings.redis_url or live_embedded_url(settings)
    if url is None:
        embedded = EmbeddedRedis(settings)
        stack.callback(embedded.close)
        url = embedded.url
    return url


def serve_replica(edition: str) -> str:
    """Serve one edition of the bundled replica from a thread of this process; its URL."""
    from replica.server import serve

    ready: list[str] = []
    event = threading.Event()

    def on_ready(url: str) -> None:
        ready.append(url)
        event.set()

    thread = threading.Thread(
        target=serve,
        args=("127.0.0.1", 0, None, on_ready),
        kwargs={"edition": edition},
        daemon=True,
    )
    thread.start()
    if not event.wait(15):
        raise RunFailed(f"the demo replica ({edition}) did not start within 15 s")
    return ready[0]


def plan_crawls(sites: list[str]) -> list[Job]:
    """One crawl job per site; `demo` serves both editions of the replica from this process."""
    known = registry().names()
    unknown = [s for s in sites if s != DEMO_SITE and s not in known]
    if unknown:
        raise RunFailed(
            f"unknown site {unknown[0]!r}; known: {', '.join([DEMO_SITE, *known])} "
            "(add one with a YAML file in AKHBAR_SITES_DIR)"
        )
    jobs: list[Job] = []
    for site in sites:
        if site == DEMO_SITE:
            jobs += [
                CrawlJob(name, serve_replica(edition)) for name, edition in DEMO_EDITIONS.items()
            ]
        else:
            jobs.append(CrawlJob(site, None))
    return jobs


class PipelineRun:
    """One `akhbar run` or `akhbar reprocess`: owns every process and thread it starts, and
    stops them all."""

    def __init__(
        self, settings: Settings, console: Console, allowed_hosts: tuple[str, ...] = ()
    ) -> None:
        self.settings = settings
        self.console = console
        self.allowed_hosts = allowed_hosts
        self.logs = settings.home / "logs"

    def execute(self, jobs: list[Job], stall_seconds: float = STALL_SECONDS) -> list[RunReport]:
        with ExitStack() as stack:
            redis_url = start_redis(self.settings, stack)
            client = check_redis(redis_url)
            storage = open_storage(self.settings.db_url)
            stack.callback(storage.close)
            env = child_env(self.settings, redis_url, self.allowed_hosts)
            self._start_worker(stack, env)
            self._start_store(stack, client, storage, redis_url)
            context = RunContext(self.settings, client, storage, env, self.logs, stack)
            started = time.monotonic()
            for job in jobs:
                job.start(context)
            self._watch(client, jobs, stall_seconds)
            seconds = time.monotonic() - started
            return [
                RunReport(
                    job.site,
                    job.crawl_id,
                    tally(client, self.settings.prefix, job.crawl_id),
                    seconds,
                    job.exit_code,
                )
                for job in jobs
            ]

    def _start_worker(self, stack: ExitStack, env: dict[str, str]) -> None:
        command = worker_command(
            concurrency=self.settings.worker_concurrency,
            name=f"akhbar-run-{uuid.uuid4().hex[:6]}@{socket.gethostname()}",
        )
        self.worker = start_logged(command, env, self.logs / "worker.log")
        stack.callback(stop_process, self.worker)

    def _start_store(
        self, stack: ExitStack, client: redis.Redis, storage: Storage, redis_url: str
    ) -> None:
        """The store consumer in a thread; it also re-sends pages a killed worker lost."""
        from workers.app import make_app  # Celery's app only when a run needs it

        stop = threading.Event()
        consumer = StoreConsumer(
            client,
            storage,
            self.settings.prefix,
            consumer=f"run-{socket.gethostname()}-{uuid.uuid4().hex[:6]}",
            batch=self.settings.store_batch,
            block_ms=200,
            claim_idle_ms=self.settings.store_claim_idle_s * 1000,
            requeue_app=make_app(replace(self.settings, redis_url=redis_url)),
        )
        thread = threading.Thread(target=consumer.run, kwargs={"stop": stop}, daemon=True)
        thread.start()
        stack.callback(thread.join, 30)
        stack.callback(stop.set)

    def _watch(self, client: redis.Redis, crawls: list[Job], stall_seconds: float) -> None:
        columns = (
            TextColumn("{task.description:<28}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=self.console, transient=False) as progress:
            rows = {c.crawl_id: self._rows(progress, c) for c in crawls}
            last_change, last_seen = time.monotonic(), -1
            while True:
                tallies = {
                    c.crawl_id: tally(client, self.settings.prefix, c.crawl_id) for c in crawls
                }
                for crawl in crawls:
                    self._update(progress, rows[crawl.crawl_id], crawl, tallies[crawl.crawl_id])
                if self._finished(crawls, tallies):
                    return
                seen = sum(t.accounted + t.fetched for t in tallies.values())
                if seen != last_seen:
                    last_change, last_seen = time.monotonic(), seen
                self._check_alive(crawls, last_change, stall_seconds)
                time.sleep(0.25)

    @staticmethod
    def _rows(progress: Progress, job: Job) -> tuple[TaskID, TaskID, TaskID]:
        return (
            progress.add_task(job.label, total=None),
            progress.add_task("extract (process_page)", total=None),
            progress.add_task("store   (stream → db)", total=None),
        )

    @staticmethod
    def _update(
        progress: Progress,
        rows: tuple[TaskID, TaskID, TaskID],
        crawl: Job,
        current: CrawlTally,
    ) -> None:
        fetch_row, extract_row, store_row = rows
        progress.update(
            fetch_row, completed=current.fetched, total=None if crawl.active else current.fetched
        )
        progress.update(extract_row, completed=current.processed, total=current.fetched)
        progress.update(store_row, completed=current.accounted, total=current.fetched)

    @staticmethod
    def _finished(crawls: list[Job], tallies: dict[str, CrawlTally]) -> bool:
        return all(
            not c.active and tallies[c.crawl_id].accounted >= tallies[c.crawl_id].fetched
            for c in crawls
        )

    def _check_alive(self, crawls: list[Job], last_change: float, stall: float) -> None:
        if self.worker.poll() is not None:
            raise RunFailed(
                f"the Celery worker exited ({self.worker.returncode}); "
                f"see {self.logs / 'worker.log'}"
            )
        if not any(c.active for c in crawls) and time.monotonic() - last_change > stall:
            raise RunFailed(
                f"no page was accounted for in {stall:.0f} s; the pages left "
                f"stay queued for the next run (see {self.logs})"
            )
