"""Drift of site rules, as the page workers record it (`workers.pages.record_drift`).

For every article of a site that has rules, the page worker pushes one flag — 1 when the
rules found no headline or no body and the generic path extracted the page — onto a list of
the site's last `DRIFT_WINDOW` pages, and counts it in the site's totals. A site whose rules
drift on most recent pages has changed its markup: `akhbar sites check SITE URL` shows which
rule found nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import redis

from workers.keys import DRIFT_WINDOW, key
from workers.redisconn import as_text


@dataclass(frozen=True)
class DriftSummary:
    site: str
    drifted: int  # of the last `of_last` pages, how many drifted
    of_last: int  # pages in the window (at most DRIFT_WINDOW)
    total_drifted: int  # since records began
    total: int

    @property
    def share(self) -> float:
        """The drifted share of the recent pages (0.0 with none)."""
        return self.drifted / self.of_last if self.of_last else 0.0

    def __str__(self) -> str:
        return f"{self.site}: rules drifted on {self.drifted} of the last {self.of_last} pages"


def _int(value: bytes | str | None) -> int:
    return int(value) if value else 0


def drift_summary(client: redis.Redis, prefix: str, site: str) -> DriftSummary:
    """The site's drift over its last pages and in total (zeros for a site never seen)."""
    pipe = client.pipeline(transaction=False)
    pipe.lrange(key("drift_recent", prefix, site=site), 0, DRIFT_WINDOW - 1)
    pipe.hmget(key("drift_totals", prefix, site=site), ["drifted", "total"])
    flags, (total_drifted, total) = pipe.execute()
    return DriftSummary(
        site=site,
        drifted=sum(_int(flag) for flag in flags),
        of_last=len(flags),
        total_drifted=_int(total_drifted),
        total=_int(total),
    )


def drift_summaries(client: redis.Redis, prefix: str) -> list[DriftSummary]:
    """Every site with drift records, by name."""
    members = client.smembers(key("drift_sites", prefix))
    sites = sorted(map(as_text, members))
    return [drift_summary(client, prefix, site) for site in sites]
