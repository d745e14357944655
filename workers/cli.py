"""The `akhbar` command."""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import uuid
from contextlib import ExitStack
from datetime import datetime
from enum import StrEnum
from typing import Annotated

import redis
import typer
from rich.console import Console
from w3lib.url import safe_url_string

from workers.config import Settings, load_settings
from workers.keys import ALL_QUEUES
from workers.redisconn import RedisUnavailable, check_redis, mask_url
from workers.runner import RunFailed
from workers.sites import SiteConfigError, registry
from workers.sites_cli import sites_app
from workers.storage import BadDatabaseUrl, StorageUnavailable, open_storage

app = typer.Typer(
    help="akhbar: crawl news sites, extract clean articles, store them.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(sites_app, name="sites")
console = Console()
err = Console(stderr=True)


class ExportFormat(StrEnum):
    jsonl = "jsonl"
    csv = "csv"


def _settings() -> Settings:
    return load_settings()


def _redis_url(settings: Settings, stack: ExitStack) -> str:
    from workers.runner import start_redis

    url = start_redis(settings, stack)
    check_redis(url)
    return url


@app.command()
def run(
    sites: Annotated[
        list[str] | None,
        typer.Argument(
            help="sites to crawl: 'demo' (the bundled replica) or 'aawsat' (the live site)"
        ),
    ] = None,
    stall: Annotated[float, typer.Option(help="give up after this many idle seconds")] = 180.0,
) -> None:
    """Run everything on this machine until every fetched page is accounted for.

    Starts Redis if needed, a Celery worker, the store consumer and one crawl per site; stops
    when every fetched page is stored, unchanged, skipped or failed, and prints a summary.
    """
    from workers.report import print_summary, run_problems
    from workers.runner import DEMO_SITE, PipelineRun, plan_crawls

    settings = _settings()
    sites = sites or [DEMO_SITE]
    allowed = ("127.0.0.1",) if DEMO_SITE in sites else ()
    reports = PipelineRun(settings, console, allowed).execute(plan_crawls(sites), stall)
    print_summary(console, settings, reports)
    _exit_on_problems(run_problems(reports, settings.home / "logs"))


@app.command()
def reprocess(
    site: Annotated[str | None, typer.Option(help="only this site's pages")] = None,
    since: Annotated[datetime | None, typer.Option(help="pages fetched on or after")] = None,
    stall: Annotated[float, typer.Option(help="give up after this many idle seconds")] = 180.0,
) -> None:
    """Re-extract archived pages through the queue, with no re-fetch.

    After a site's rules change: the last archived page of each URL goes back to process_page;
    a new version is stored only where the content hash changed.
    """
    from workers.report import print_summary, run_problems
    from workers.reprocess import ReprocessJob
    from workers.runner import PipelineRun

    settings = _settings()
    reports = PipelineRun(settings, console).execute([ReprocessJob(site, since)], stall)
    print_summary(console, settings, reports)
    _exit_on_problems(run_problems(reports, settings.home / "logs"))


def _exit_on_problems(problems: list[str]) -> None:
    for problem in problems:
        err.print(f"[red]akhbar: {problem}[/red]")
    if problems:
        raise typer.Exit(1)


@app.command()
def crawl(
    site: str,
    base_url: Annotated[str | None, typer.Option(help="crawl this address instead")] = None,
    crawl_id: Annotated[str | None, typer.Option(help="id to account pages under")] = None,
) -> None:
    """Run one crawl in the foreground (in its own process); return when it ends."""
    from workers.processes import child_env, crawl_command

    settings = _settings()
    with ExitStack() as stack:
        redis_url = _redis_url(settings, stack)
        crawl_id = crawl_id or uuid.uuid4().hex[:12]
        err.print(f"crawl {crawl_id}: {site} {base_url or ''}")
        code = subprocess.run(
            crawl_command(site, base_url, crawl_id), env=child_env(settings, redis_url), check=False
        ).returncode
    raise typer.Exit(code)


@app.command()
def worker(
    queues: Annotated[str, typer.Option(help="comma-separated queues")] = ",".join(ALL_QUEUES),
    concurrency: Annotated[int | None, typer.Option(help="pool processes")] = None,
    loglevel: str = "INFO",
) -> None:
    """Run a Celery worker (every queue unless --queues says otherwise)."""
    from workers.processes import child_env, worker_command

    registry()  # a broken site file fails here, not on every page
    settings = _settings()
    with ExitStack() as stack:
        redis_url = _redis_url(settings, stack)
        command = worker_command(
            queues.split(","), concurrency or settings.worker_concurrency, loglevel=loglevel
        )
        process = subprocess.Popen(command, env=child_env(settings, redis_url))
        signal.signal(signal.SIGTERM, lambda *_: process.terminate())
        try:
            code = process.wait()
        except KeyboardInterrupt:
            code = process.wait()
    raise typer.Exit(code)


@app.command()
def store(
    batch: Annotated[int | None, typer.Option(help="entries per transaction")] = None,
    until_idle: Annotated[bool, typer.Option(help="exit when the stream is drained")] = False,
) -> None:
    """Consume the results stream into the database (XACK after commit)."""
    from workers.app import make_app
    from workers.store import StoreConsumer

    settings = _settings()
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    with ExitStack() as stack:
        client = check_redis(_redis_url(settings, stack))
        storage = open_storage(settings.db_url)
        stack.callback(storage.close)
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        consumer = StoreConsumer(
            client,
            storage,
            settings.prefix,
            consumer=f"{socket.gethostname()}-{os.getpid()}",
            batch=batch or settings.store_batch,
            claim_idle_ms=settings.store_claim_idle_s * 1000,
            requeue_app=make_app(settings),
        )
        err.print(f"store: {mask_url(settings.db_url)} ← stream under prefix {settings.prefix!r}")
        try:
            consumer.run(stop=stop, until_idle=until_idle)
        except KeyboardInterrupt:
            stop.set()


@app.command()
def status(
    crawl: Annotated[str | None, typer.Option(help="this crawl id (default: the latest)")] = None,
    all_crawls: Annotated[
        bool, typer.Option("--all", help="the 10 most recent crawls")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON, for scripts")] = False,
) -> None:
    """Where each fetched page of a crawl is: stored, unchanged, skipped, failed, in flight;
    and whether the workers take tasks.

    Exits 1 when a finished crawl, with every queue empty, has pages with no outcome (lost).
    """
    from workers.liveness import check_health
    from workers.status import RECENT_CRAWLS, UnknownCrawl, gather, print_status, status_json

    settings = _settings()
    with ExitStack() as stack:
        client = check_redis(_redis_url(settings, stack))
        try:
            storage = open_storage(settings.db_url)
            stack.callback(storage.close)
        except StorageUnavailable as exc:  # the counts live in Redis; only stages need the db
            err.print(f"akhbar: failures by stage unavailable: {exc}")
            storage = None
        try:
            statuses = gather(client, settings.prefix, storage, crawl,
                              RECENT_CRAWLS if all_crawls else 1)
        except UnknownCrawl as exc:
            err.print(f"[red]akhbar: {exc}[/red]")
            raise typer.Exit(1) from exc
        health = check_health(settings)
    if as_json:
        print(status_json(statuses, health))
    else:
        print_status(console, statuses, health)
    if any(s.lost for s in statuses):
        raise typer.Exit(1)


@app.command()
def health(
    max_idle: Annotated[
        float | None,
        typer.Option(help="seconds pages may wait with no task taken (AKHBAR_LIVENESS_IDLE_S)"),
    ] = None,
    local: Annotated[
        bool, typer.Option("--local", help="only the workers on this host (a healthcheck)")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON, for scripts")] = False,
) -> None:
    """Are the page workers taking tasks? Exit 0 if so, 1 (and why) if pages wait untaken.

    Catches a worker alive but no longer consuming (a known Celery failure after a broker
    reconnect); usable as a container healthcheck. Never starts Redis.
    """
    from workers.liveness import check_health

    report = check_health(_settings(), max_idle, socket.gethostname() if local else None)
    if as_json:
        print(json.dumps(report.to_dict()))
    else:
        print(f"{'healthy' if report.healthy else 'unhealthy'}: {report.reason}")
    raise typer.Exit(0 if report.healthy else 1)


@app.command("demo-site")
def demo_site(
    port: Annotated[int, typer.Option(help="0 picks a free port")] = 8000,
    host: Annotated[str, typer.Option(help="address to bind")] = "127.0.0.1",
) -> None:
    """Serve the bundled offline replica of aawsat.com."""
    from replica.server import serve

    serve(host, port, None, lambda url: console.print(f"replica of aawsat.com at {url}"))


@app.command()
def articles(limit: int = 20, site: str | None = None) -> None:
    """The most recently stored articles, one line each."""
    from workers.report import print_articles

    storage = open_storage(_settings().db_url)
    try:
        print_articles(console, storage.recent_articles(limit, site))
    finally:
        storage.close()


@app.command()
def failures(limit: int = 20) -> None:
    """The most recent failures: which page, at which stage, and why."""
    from workers.report import print_failures

    storage = open_storage(_settings().db_url)
    try:
        print_failures(console, storage.recent_failures(limit))
    finally:
        storage.close()


@app.command()
def show(url: str) -> None:
    """One stored article, readable."""
    from workers.report import print_article

    storage = open_storage(_settings().db_url)
    try:
        # Stored URLs are percent-encoded; accept the readable Arabic form too.
        article = storage.get_article(url) or storage.get_article(safe_url_string(url))
    finally:
        storage.close()
    if article is None:
        err.print(f"no stored article has the URL {url}; `akhbar articles` lists them")
        raise typer.Exit(1)
    print_article(console, article)


@app.command()
def export(
    format: Annotated[ExportFormat, typer.Option("--format")] = ExportFormat.jsonl,
    site: str | None = None,
    since: Annotated[datetime | None, typer.Option(help="published on or after")] = None,
) -> None:
    """Write stored articles (the Article contract) to stdout as JSON lines or CSV."""
    from workers.report import write_export

    storage = open_storage(_settings().db_url)
    try:
        write_export(sys.stdout, storage.iter_articles(site, since), format.value)
    finally:
        storage.close()


def main() -> None:
    """Entry point: one clear line instead of a traceback when a service is unreachable."""
    try:
        app()
    except (
        RedisUnavailable,
        StorageUnavailable,
        BadDatabaseUrl,
        RunFailed,
        SiteConfigError,
    ) as exc:
        _one_line_error(f"akhbar: {exc}")
        sys.exit(2)
    except redis.RedisError as exc:
        _one_line_error(f"akhbar: Redis failed: {exc}; check REDIS_URL and that Redis runs")
        sys.exit(2)


def _one_line_error(text: str) -> None:
    """Unwrapped (a log line a script can grep), and not read as Rich markup: an error's
    text may hold brackets."""
    err.print(text, style="red", markup=False, highlight=False, soft_wrap=True)


if __name__ == "__main__":
    main()
