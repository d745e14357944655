"""Every Redis key akhbar uses, built from one table of prefixed templates."""

from __future__ import annotations

KEY_TEMPLATES = {
    "results": "{prefix}:results",  # stream of Result entries, page worker -> store
    "crawl_fetched": "{prefix}:crawl:{crawl_id}:fetched",  # set of URLs fetched in a crawl
    "crawl_outcomes": "{prefix}:crawl:{crawl_id}:outcomes",  # hash URL -> outcome (first wins)
    "crawl_counts": "{prefix}:crawl:{crawl_id}:counts",  # hash outcome -> count
    "crawl_info": "{prefix}:crawl:{crawl_id}:info",  # hash: site, started_at, finished_at
    "crawls": "{prefix}:crawls",  # sorted set of crawl ids by start time
    "attempts": "{prefix}:attempts:{url_hash}",  # extraction attempts of one page
    "totals": "{prefix}:counts",  # hash outcome -> count over all saves (store consumer)
}

STORE_GROUP = "store"
PAGES_QUEUE = "pages"
CRAWL_QUEUE = "crawl"
ALL_QUEUES = (PAGES_QUEUE, CRAWL_QUEUE)


def key(name: str, prefix: str, **parts: str) -> str:
    return KEY_TEMPLATES[name].format(prefix=prefix, **parts)
