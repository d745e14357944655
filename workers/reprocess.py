"""Re-extraction of archived pages through the queue, with no re-fetch (`akhbar reprocess`).

After the rules of a site change, each URL's last archived page goes back to `process_page`
under a crawl id of its own; storage makes a new version only where the content hash changed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from celery import Celery

from workers.keys import PAGES_QUEUE, key
from workers.runner import Job, RunContext
from workers.storage import Storage


def queue_archived_pages(
    storage: Storage,
    app: Celery,
    context: RunContext,
    crawl_id: str,
    site: str | None,
    since: datetime | None,
) -> int:
    """Queue the last archived page of every URL (of `site`, fetched since `since`)."""
    fetched = key("crawl_fetched", context.settings.prefix, crawl_id=crawl_id)
    count = 0
    for raw in storage.raw_pages(site, since, latest_only=True):
        raw.crawl_id = crawl_id
        context.client.sadd(fetched, raw.url)  # counted before queued, as the crawler does
        app.send_task("process_page", args=[raw.to_dict()], queue=PAGES_QUEUE)
        count += 1
    return count


@dataclass
class ReprocessJob(Job):
    only_site: str | None
    since: datetime | None
    crawl_id: str = field(default_factory=lambda: f"reprocess-{uuid.uuid4().hex[:8]}")
    queued: int = 0

    @property
    def site(self) -> str:  # type: ignore[override]
        return self.only_site or "every site"

    @property
    def label(self) -> str:  # type: ignore[override]
        return f"reprocess {self.site}"

    def start(self, context: RunContext) -> None:
        from workers.app import make_app

        app = make_app(context.settings)
        self.queued = queue_archived_pages(
            context.storage, app, context, self.crawl_id, self.only_site, self.since
        )

    @property
    def active(self) -> bool:
        return False  # every page is queued by the time start() returns
