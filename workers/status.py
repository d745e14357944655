"""`akhbar status`: where every fetched page of a crawl is now.

A fetched page is accounted for once the store consumer has committed its outcome (stored,
unchanged, skipped or failed; workers.store records it once per URL per crawl). Until then it
is in flight: waiting in the Celery pages queue, held by a worker (kombu's `unacked` hash), or
in the results stream. Whatever is neither is unaccounted: lost. The queues are shared by every
crawl, so while they hold anything `unaccounted` is a lower bound; once the crawl has finished
and the queues are empty it is exact, and anything above 0 is a fault.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

import redis
from kombu.transport.redis import Channel
from rich.console import Console
from rich.table import Table

from workers.keys import PAGES_QUEUE, STORE_GROUP, key
from workers.liveness import Health, queue_depth
from workers.monitor.drift import drift_summary
from workers.redisconn import as_text
from workers.report import OUTCOMES, failed_by_stage
from workers.runner import CrawlTally, tally
from workers.storage import Storage

RECENT_CRAWLS = 10  # crawls `--all` shows


@dataclass(frozen=True)
class InFlight:
    """Pages between the crawler and storage, over every crawl."""

    queued: int  # messages waiting in the Celery pages queue
    unacked: int  # delivered to a worker, not yet acknowledged (kombu's unacked hash)
    stream: int  # results not yet committed (the store deletes each entry once stored)
    stream_pending: int  # of those, read by a store consumer and not yet acknowledged

    @property
    def total(self) -> int:
        return self.queued + self.unacked + self.stream


@dataclass
class CrawlStatus:
    crawl_id: str
    site: str
    started_at: str | None
    finished_at: str | None
    fetched: int
    accounted: int  # pages with an outcome: the sum of `outcomes`
    outcomes: dict[str, int]  # stored (new or new version), unchanged, skipped, failed
    failed_by_stage: dict[str, int]
    in_flight: InFlight
    drift: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def settled(self) -> bool:
        """The crawl has ended and nothing is left anywhere between crawler and storage."""
        return self.finished_at is not None and self.in_flight.total == 0

    @property
    def unaccounted(self) -> int:
        return max(0, self.fetched - self.accounted - self.in_flight.total)

    @property
    def lost(self) -> bool:
        return self.settled and self.unaccounted > 0

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["in_flight"]["total"] = self.in_flight.total
        data.update(unaccounted=self.unaccounted, settled=self.settled, lost=self.lost)
        return data


def crawl_ids(client: redis.Redis, prefix: str, limit: int) -> list[str]:
    """The most recently started crawls, newest first."""
    members = client.zrevrange(key("crawls", prefix), 0, limit - 1)
    return [as_text(m) for m in members]


def in_flight(client: redis.Redis, prefix: str) -> InFlight:
    stream = key("results", prefix)
    pipe = client.pipeline(transaction=False)
    pipe.hlen(f"{prefix}:{Channel.unacked_key}")  # kombu's, under the app's global key prefix
    pipe.xlen(stream)
    unacked, length = pipe.execute()
    return InFlight(queue_depth(client, prefix, PAGES_QUEUE), int(unacked), int(length),
                    stream_pending(client, stream))


def stream_pending(client: redis.Redis, stream: str) -> int:
    try:
        return int(client.xpending(stream, STORE_GROUP)["pending"])
    except redis.ResponseError:  # no stream or no group yet: nothing pending
        return 0


def crawl_status(client: redis.Redis, prefix: str, crawl_id: str,
                 storage: Storage | None = None, flight: InFlight | None = None) -> CrawlStatus:
    info = {as_text(k): as_text(v)
            for k, v in client.hgetall(key("crawl_info", prefix, crawl_id=crawl_id)).items()}
    counts: CrawlTally = tally(client, prefix, crawl_id)
    outcomes = {name: counts.counts.get(name, 0) for name in OUTCOMES}
    outcomes["failed"] = sum(failed_by_stage(counts.counts).values())
    status = CrawlStatus(
        crawl_id=crawl_id, site=info.get("site", "?"), started_at=info.get("started_at"),
        finished_at=info.get("finished_at"), fetched=counts.fetched,
        accounted=counts.accounted, outcomes=outcomes,
        failed_by_stage=failed_by_stage(counts.counts),
        in_flight=flight or in_flight(client, prefix))
    if storage is not None and outcomes["failed"]:
        status.failed_by_stage = storage.failure_stages(crawl_id)
    drift = drift_summary(client, prefix, status.site)
    if drift.of_last:
        status.drift = str(drift)
    return status


class UnknownCrawl(LookupError):
    """No crawl of that id (or none at all) is recorded under the key prefix."""


def gather(client: redis.Redis, prefix: str, storage: Storage | None,
           crawl_id: str | None = None, recent: int = 1) -> list[CrawlStatus]:
    """The status of `crawl_id`, else of the `recent` latest crawls."""
    if crawl_id is not None and not known(client, prefix, crawl_id):
        raise UnknownCrawl(f"no crawl {crawl_id!r} is recorded under the prefix {prefix!r}; "
                           "`akhbar status --all` lists the recent ones")
    ids = [crawl_id] if crawl_id else crawl_ids(client, prefix, recent)
    if not ids:
        raise UnknownCrawl(f"no crawl is recorded under the prefix {prefix!r} yet; start one "
                           "with `akhbar run` or `akhbar crawl SITE`")
    flight = in_flight(client, prefix)
    return [crawl_status(client, prefix, i, storage, flight) for i in ids]


def known(client: redis.Redis, prefix: str, crawl_id: str) -> bool:
    return bool(client.exists(key("crawl_info", prefix, crawl_id=crawl_id),
                              key("crawl_fetched", prefix, crawl_id=crawl_id)))


def print_status(console: Console, statuses: list[CrawlStatus], health: Health) -> None:
    """One column per crawl, one row per figure (as `akhbar run` prints its summary), then
    the drift of each crawl's site and whether the workers take tasks."""
    table = Table(title="akhbar status")
    table.add_column("")
    for status in statuses:
        table.add_column(f"{status.site} · crawl {status.crawl_id}", justify="right")
    columns = [rows(s) for s in statuses]
    for index, (label, _) in enumerate(columns[0] if columns else []):
        table.add_row(label, *(column[index][1] for column in columns))
    console.print(table)
    for status in statuses:
        for line in ([status.drift] if status.drift else []) + status.notes:
            console.print(f"{status.crawl_id}: {line}")
        if status.lost:
            console.print(f"[red]crawl {status.crawl_id}: {status.unaccounted} fetched pages "
                          "are in no queue and have no outcome: they were lost[/red]")
    style = "green" if health.healthy else "red"
    console.print(f"[{style}]workers: {'healthy' if health.healthy else 'UNHEALTHY'}: "
                  f"{health.reason}[/{style}]")


def _stages(status: CrawlStatus) -> str:
    stages = ", ".join(f"{n} ({stage})" for stage, n in sorted(status.failed_by_stage.items()))
    return stages or str(status.outcomes["failed"])


def rows(status: CrawlStatus) -> list[tuple[str, str]]:
    flight = status.in_flight
    return [
        ("started", (status.started_at or "?")[:19]),
        ("finished", (status.finished_at or "running")[:19]),
        ("fetched", str(status.fetched)),
        *((name, str(status.outcomes[name])) for name in OUTCOMES),
        ("failed", _stages(status)),
        ("in queue (all crawls)", f"{flight.queued} + {flight.unacked} held by workers"),
        ("in stream (all crawls)", f"{flight.stream} ({flight.stream_pending} being stored)"),
        ("unaccounted", str(status.unaccounted) if status.settled else f">= {status.unaccounted}"),
    ]


def status_json(statuses: list[CrawlStatus], health: Health) -> str:
    return json.dumps({"crawls": [s.to_dict() for s in statuses], "workers": health.to_dict()},
                      ensure_ascii=False, indent=2)

