"""Every Redis key akhbar uses, built from one table of prefixed templates."""

from __future__ import annotations

KEY_TEMPLATES = {
    "results": "{prefix}:results",  # stream of Result entries, page worker -> store
    "crawl_fetched": "{prefix}:crawl:{crawl_id}:fetched",  # set of URLs fetched in a crawl
    "crawl_outcomes": "{prefix}:crawl:{crawl_id}:outcomes",  # hash URL -> outcome (first wins)
    "crawl_counts": "{prefix}:crawl:{crawl_id}:counts",  # hash outcome -> count
    "crawl_info": "{prefix}:crawl:{crawl_id}:info",  # hash: site, started_at, finished_at
    "crawl_pages": "{prefix}:crawl:{crawl_id}:pages",  # hash URL -> RawPage sent, no outcome yet
    "crawl_requeued": "{prefix}:crawl:{crawl_id}:requeued",  # hash URL -> times sent again
    "crawls": "{prefix}:crawls",  # sorted set of crawl ids by start time
    "attempts": "{prefix}:attempts:{url_hash}",  # extraction attempts of one page
    "lsh": "{prefix}:lsh",  # basename of datasketch's MinHash LSH tables (near-duplicates)
    "stories": "{prefix}:stories",  # hash: article key -> story id
    "story_urls": "{prefix}:story-urls",  # hash: article key -> canonical URL
    "totals": "{prefix}:counts",  # hash outcome -> count over all saves (store consumer)
    "drift_recent": "{prefix}:drift:{site}:recent",  # list, newest first: "1" drifted, "0" not
    "drift_totals": "{prefix}:drift:{site}:totals",  # hash: drifted, total (all time)
    "drift_sites": "{prefix}:drift:sites",  # set of sites with drift records
    "liveness": "{prefix}:liveness:node:{node}",  # hash: a worker's heartbeats (liveness.py)
    "liveness_nodes": "{prefix}:liveness:nodes",  # set of worker nodes with heartbeats
    # A crawl frontier (crawler/frontier.py) per site and target ("aawsat@aawsat.com"), kept so
    # the next crawl of it resumes what a killed one left; a clean finish deletes them all.
    "frontier_pending": "{prefix}:frontier:{site}:pending",  # zset: request entries, by priority
    "frontier_inflight": "{prefix}:frontier:{site}:inflight",  # hash entry id -> entry, not done
    "frontier_seen": "{prefix}:frontier:{site}:seen",  # set of request fingerprints queued
    "frontier_lock": "{prefix}:frontier:{site}:lock",  # the crawl that owns the frontier (TTL)
    "frontier_crawl": "{prefix}:frontier:{site}:crawl",  # id of the crawl that last opened it
}
DRIFT_WINDOW = 50  # flags kept per site in drift_recent

STORE_GROUP = "store"
PAGES_QUEUE = "pages"
CRAWL_QUEUE = "crawl"
ALL_QUEUES = (PAGES_QUEUE, CRAWL_QUEUE)


def key(name: str, prefix: str, **parts: str) -> str:
    return KEY_TEMPLATES[name].format(prefix=prefix, **parts)
