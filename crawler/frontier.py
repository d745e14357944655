"""A site's crawl frontier in Redis: what is left to fetch, what is being fetched, what was seen.

Three keys per site (workers/keys.py): `pending`, a sorted set of request entries by
priority; `inflight`, a hash of the entries handed to the downloader and not yet finished;
`seen`, the fingerprints queued in the current crawl (the dupefilter). An entry moves from
pending to in-flight in one step (a Lua script), so a crawler killed at any moment leaves
every request it took in one of the two; `recover` puts in-flight entries back in pending.

Entries are JSON made with Scrapy's own `Request.to_dict` / `request_from_dict` (callbacks
by spider method name), never pickle: whoever can write to Redis must not run code here.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Collection
from typing import Any

import redis
from scrapy import Request, Spider
from scrapy.utils.request import request_from_dict

from workers.keys import key
from workers.redisconn import as_text

# KEYS: seen, pending. ARGV: fingerprint ('' = not filtered), score, entry. 1 if queued.
PUSH = """
if ARGV[1] ~= '' and redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
return 1
"""
# KEYS: pending, inflight. The entry of highest priority, moved to in-flight; nil if none.
POP = """
local entry = redis.call('ZRANGE', KEYS[1], 0, 0)[1]
if not entry then return false end
redis.call('ZREM', KEYS[1], entry)
redis.call('HSET', KEYS[2], cjson.decode(entry)['id'], entry)
return entry
"""


class UnstorableRequest(ValueError):
    """A request that cannot be written as a JSON entry; the message says why."""


class UnreadableEntry(ValueError):
    """An entry in Redis that is not a request this spider can run; the message says why."""


def encode_entry(request: Request, spider: Spider, fingerprint: str) -> str:
    """The request as a frontier entry: JSON with a fresh id, its fingerprint and priority."""
    data = request.to_dict(spider=spider)
    if "_class" in data:
        raise UnstorableRequest(
            f"{request}: only plain scrapy.Request objects are kept in Redis, not {data['_class']}"
        )
    data["headers"] = {
        name.decode("latin-1"): [value.decode("latin-1") for value in values]
        for name, values in data["headers"].items()
    }
    data["body"] = base64.b64encode(data["body"]).decode("ascii")
    entry = {"id": uuid.uuid4().hex, "fp": fingerprint, "request": data}
    try:
        return json.dumps(entry, ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError) as exc:
        raise UnstorableRequest(f"{request}: its meta or cb_kwargs is not JSON ({exc})") from exc


def decode_entry(entry: str | bytes, spider: Spider) -> Request:
    """The request an entry holds, its callbacks bound to `spider`'s methods."""
    try:
        data: dict[str, Any] = dict(json.loads(entry)["request"])
        if "_class" in data:
            raise UnreadableEntry(f"request class {data['_class']!r} is not allowed")
        data["headers"] = {
            name.encode("latin-1"): [value.encode("latin-1") for value in values]
            for name, values in data["headers"].items()
        }
        data["body"] = base64.b64decode(data["body"], validate=True)
        return request_from_dict(data, spider=spider)
    except UnreadableEntry:
        raise
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise UnreadableEntry(f"not a request entry ({exc.__class__.__name__}: {exc})") from exc


def entry_id(entry: str | bytes) -> str:
    return str(json.loads(entry)["id"])


def entry_score(entry: str | bytes) -> float:
    """Sorted-set score of an entry: the lowest score pops first, the highest priority.
    An unreadable entry scores 0; `decode_entry` refuses it when it is popped."""
    try:
        return -float(json.loads(entry)["request"].get("priority", 0))
    except (ValueError, KeyError, TypeError, AttributeError):
        return 0.0


class Frontier:
    """The frontier of one site under one key prefix."""

    def __init__(self, client: redis.Redis, prefix: str, site: str) -> None:
        self.client = client
        self.pending = key("frontier_pending", prefix, site=site)
        self.inflight = key("frontier_inflight", prefix, site=site)
        self.seen = key("frontier_seen", prefix, site=site)
        self.last_crawl = key("frontier_crawl", prefix, site=site)
        self._push = client.register_script(PUSH)
        self._pop = client.register_script(POP)

    def push(self, entry: str, score: float, fingerprint: str | None) -> bool:
        """Queue an entry; with a fingerprint, only if that fingerprint was not seen yet."""
        args = [fingerprint or "", score, entry]
        return bool(self._push(keys=[self.seen, self.pending], args=args))

    def pop(self) -> tuple[str, bytes] | None:
        """The next entry (its id, its JSON), now in flight; None when nothing is pending."""
        entry = self._pop(keys=[self.pending, self.inflight])
        return (entry_id(entry), entry) if entry else None

    def finish(self, entry_ids: list[str]) -> None:
        if entry_ids:
            self.client.hdel(self.inflight, *entry_ids)

    def pending_count(self) -> int:
        return int(self.client.zcard(self.pending))

    def inflight_count(self) -> int:
        return int(self.client.hlen(self.inflight))

    def recover(self, keep: Collection[str] = ()) -> int:
        """Move in-flight entries (but those in `keep`) back to pending; how many moved.
        One transaction: an entry is in exactly one of the two at every moment."""
        moved = {
            name.decode(): entry
            for name, entry in self.client.hgetall(self.inflight).items()
            if name.decode() not in keep
        }
        if moved:
            with self.client.pipeline(transaction=True) as pipe:
                pipe.zadd(self.pending, {entry: entry_score(entry) for entry in moved.values()})
                pipe.hdel(self.inflight, *moved)
                pipe.execute()
        return len(moved)

    def forget_seen(self) -> None:
        self.client.delete(self.seen)

    def take(self, crawl_id: str) -> str | None:
        """Record `crawl_id` as the crawl working this frontier; the one before it, if any
        (a crawl that did not finish cleanly: a clean finish clears the record)."""
        previous = self.client.getset(self.last_crawl, crawl_id)
        return None if previous is None else as_text(previous)

    def clear(self) -> None:
        self.client.delete(self.pending, self.inflight, self.seen, self.last_crawl)
