"""The store consumer: results stream -> storage, in batches, acknowledged only after commit.

Each `step()`:
1. takes back entries another consumer left pending longer than `claim_idle_ms` (XAUTOCLAIM),
   then reads new ones (XREADGROUP ">"), up to `batch` in all;
2. decodes them; an entry that is not a valid Result becomes a store Failure, never a crash;
   an entry delivered more than `max_deliveries` times (it crashed every save) becomes one too;
3. saves the batch in one transaction; if that raises, saves entries one by one so one bad
   entry cannot hold back the others (it stays pending and comes back after `claim_idle_ms`);
4. then, in one MULTI/EXEC: records each outcome once per URL per crawl (HSETNX + HINCRBY in a
   Lua script), adds to the global totals, and XACKs.
If the database is unavailable, the batch is kept in memory (and its entries' idle time reset
so no other consumer steals them) and retried after a growing pause; nothing is acked.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

import redis
from celery import Celery

from workers import ledger
from workers.keys import STORE_GROUP, key
from workers.messages import Article, Failure, Outcome, RawPage, Result
from workers.redisconn import as_text
from workers.storage import Storage, StorageUnavailable

log = logging.getLogger(__name__)

# KEYS: crawl outcomes hash, crawl counts hash. ARGV: url, outcome.
# The first outcome recorded for a URL in a crawl wins and is counted; later ones are not.
RECORD_OUTCOME = """
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 1 then
  redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
  return 1
end
return 0
"""


@dataclass
class Entry:
    """One stream entry and the Result it stands for."""

    id: str
    result: Result
    given_up: bool = False  # replaced by a store failure after too many deliveries


class StoreConsumer:
    def __init__(self, redis_client: redis.Redis, storage: Storage, prefix: str, consumer: str,
                 batch: int = 50, block_ms: int = 1000, claim_idle_ms: int = 60_000,
                 max_deliveries: int = 5, *, retry_base_s: float = 1.0,
                 retry_max_s: float = 30.0, requeue_app: Celery | None = None,
                 lost_sweep_s: float = 5.0) -> None:
        self.redis = redis_client
        self.storage = storage
        self.prefix = prefix
        self.consumer = consumer
        self.batch = batch
        self.block_ms = block_ms
        self.claim_idle_ms = claim_idle_ms
        self.max_deliveries = max_deliveries
        self.retry_base_s = retry_base_s
        self.retry_max_s = retry_max_s
        self.stream = key("results", prefix)
        # With an app to send tasks through: pages of settled crawls lost on their way to a
        # worker are sent again (workers.ledger), checked every `lost_sweep_s` when idle.
        self.requeue_app = requeue_app
        self.lost_sweep_s = lost_sweep_s
        self._next_sweep = 0.0
        self._record = redis_client.register_script(RECORD_OUTCOME)
        self._held: list[Entry] = []  # read but not yet committed (database unavailable)
        # committed, but Redis failed before they were counted and acked: finished first
        self._unfinished: list[tuple[Entry, Outcome]] = []
        self._claim_cursor = "0-0"
        self._failed_tries = 0
        self._stop = threading.Event()
        self.ensure_group()

    def ensure_group(self) -> None:
        try:
            self.redis.xgroup_create(self.stream, STORE_GROUP, id="0", mkstream=True)
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    # -- the loop ---------------------------------------------------------------------------

    def run(self, stop: threading.Event | None = None, until_idle: bool = False) -> int:
        """Loop `step()` until `stop` is set (or, with `until_idle`, until the stream has
        nothing pending and nothing new). Returns how many entries were handled."""
        self._stop = stop or threading.Event()
        total = 0
        while not self._stop.is_set():
            try:
                handled = self.step()
                idle = until_idle and handled == 0 and not self._held and self.pending() == 0
            except redis.RedisError as exc:
                self._on_redis_error(exc)
                continue
            if not self._held:
                self._failed_tries = 0  # the next outage starts again from a short pause
            total += handled
            if idle:
                break
        return total

    def _on_redis_error(self, exc: redis.RedisError) -> None:
        """Redis down or restarting: wait, then carry on; a restarted Redis that lost the
        consumer group (no persistence) gets it back, reading the stream from its start."""
        log.warning("store consumer %s: Redis error (%s); retrying", self.consumer, exc)
        self._back_off()
        if isinstance(exc, redis.ResponseError) and "NOGROUP" in str(exc):
            try:
                self.ensure_group()
            except redis.RedisError as again:
                log.warning("store consumer %s: cannot create the consumer group yet (%s)",
                            self.consumer, again)

    def step(self) -> int:
        """Handle one batch; returns how many entries were stored (or failed) and acked."""
        if self._unfinished:
            handled = self._finish(self._unfinished)
            self._unfinished = []
            return handled
        entries = self._held or self._fetch()
        if not entries:
            self._sweep_lost()
            return 0
        saved, held = self._save(entries)
        # Committed: if Redis fails while counting and acking them, the next step retries
        # with the same outcomes (a save repeated would count an article as unchanged).
        self._held, self._unfinished = held, saved
        handled = self._finish(saved)
        self._unfinished = []
        if held:
            self._keep_claimed(held)
            self._back_off()
        else:
            self._failed_tries = 0
        return handled

    def pending(self) -> int:
        """Entries delivered to some consumer of the group and not yet acked."""
        return int(self.redis.xpending(self.stream, STORE_GROUP)["pending"])

    # -- reading ----------------------------------------------------------------------------

    def _fetch(self) -> list[Entry]:
        entries = self._claim()
        room = self.batch - len(entries)
        if room > 0:
            seen = {e.id for e in entries}
            entries += [e for e in self._read(room) if e.id not in seen]
        return entries

    def _claim(self) -> list[Entry]:
        """Take over entries idle longer than claim_idle_ms (their consumer died or failed)."""
        reply = self.redis.xautoclaim(self.stream, STORE_GROUP, self.consumer,
                                      min_idle_time=self.claim_idle_ms,
                                      start_id=self._claim_cursor, count=self.batch)
        self._claim_cursor = as_text(reply[0])
        messages = [(as_text(i), fields) for i, fields in reply[1] if i is not None]
        gone = [i for i, fields in messages if not fields]  # deleted from the stream
        if gone:
            self.redis.xack(self.stream, STORE_GROUP, *gone)
        messages = [(i, fields) for i, fields in messages if fields]
        if not messages:
            return []
        counts = self._delivery_counts([i for i, _ in messages])
        log.info("store consumer %s reclaimed %d idle entries", self.consumer, len(messages))
        return [self._checked(decode_entry(i, fields, self.stream), counts.get(i, 1))
                for i, fields in messages]

    def _checked(self, entry: Entry, deliveries: int) -> Entry:
        if deliveries <= self.max_deliveries:
            return entry
        log.error("stream entry %s (%s) was delivered %d times and never stored; recording it "
                  "as a store failure", entry.id, entry.result.url, deliveries)
        message = (f"stream entry {entry.id} was delivered {deliveries} times and failed to "
                   "store each time; gave up (see the store consumer's log)")
        failure = Failure(url=entry.result.url, stage="store", error_class="TooManyDeliveries",
                          message=message, attempt=deliveries, crawl_id=entry.result.crawl_id)
        return Entry(entry.id, failure.result(), given_up=True)

    def _delivery_counts(self, ids: list[str]) -> dict[str, int]:
        pipe = self.redis.pipeline(transaction=False)
        for entry_id in ids:
            pipe.xpending_range(self.stream, STORE_GROUP, min=entry_id, max=entry_id, count=1)
        counts = {}
        for rows in pipe.execute():
            for row in rows:
                counts[as_text(row["message_id"])] = int(row["times_delivered"])
        return counts

    def _read(self, count: int) -> list[Entry]:
        try:
            reply = self.redis.xreadgroup(STORE_GROUP, self.consumer, {self.stream: ">"},
                                          count=count, block=self.block_ms or None)
        except redis.ResponseError as exc:
            if "NOGROUP" not in str(exc):
                raise
            log.warning("consumer group %s on %s vanished; creating it again",
                        STORE_GROUP, self.stream)
            self.ensure_group()
            return []
        return [decode_entry(as_text(i), fields, self.stream) for i, fields in _messages(reply)]

    # -- saving -----------------------------------------------------------------------------

    def _save(self, entries: list[Entry]) -> tuple[list[tuple[Entry, Outcome]], list[Entry]]:
        """Save `entries`; returns (saved with outcomes, entries to hold for a retry)."""
        try:
            outcomes = self.storage.save_results([e.result for e in entries])
            return list(zip(entries, outcomes, strict=True)), []
        except StorageUnavailable as exc:
            log.warning("store consumer %s: %s; keeping %d entries for a retry",
                        self.consumer, exc, len(entries))
            return [], entries
        except Exception:
            log.exception("saving a batch of %d entries failed; saving them one by one",
                          len(entries))
        return self._save_each(entries)

    def _save_each(self, entries: list[Entry]) -> tuple[list[tuple[Entry, Outcome]], list[Entry]]:
        saved: list[tuple[Entry, Outcome]] = []
        for index, entry in enumerate(entries):
            try:
                saved.append((entry, self.storage.save_results([entry.result])[0]))
            except StorageUnavailable as exc:
                log.warning("store consumer %s: %s; keeping %d entries for a retry",
                            self.consumer, exc, len(entries) - index)
                return saved, entries[index:]
            except Exception:
                if entry.given_up:  # even its failure row cannot be written: ack, loudly
                    log.exception("cannot record stream entry %s as failed; acking it anyway",
                                  entry.id)
                    saved.append((entry, "failed"))
                    continue
                log.exception("stream entry %s (%s) failed to store; it stays pending and is "
                              "retried after %d ms", entry.id, entry.result.url,
                              self.claim_idle_ms)
        return saved, []

    def _finish(self, saved: list[tuple[Entry, Outcome]]) -> int:
        """After commit: record outcomes once per URL per crawl, add totals, then XACK and
        XDEL — all in one MULTI/EXEC, so an entry is counted if and only if it is acked."""
        if not saved:
            return 0
        pipe = self.redis.pipeline(transaction=True)
        for entry, outcome in saved:
            crawl_id = entry.result.crawl_id
            if crawl_id:
                keys = [key("crawl_outcomes", self.prefix, crawl_id=crawl_id),
                        key("crawl_counts", self.prefix, crawl_id=crawl_id)]
                self._record(keys=keys, args=[entry.result.url, outcome], client=pipe)
                ledger.forget(pipe, self.prefix, crawl_id, entry.result.url)
        totals = Counter(outcome for _, outcome in saved)
        for outcome, count in sorted(totals.items()):
            pipe.hincrby(key("totals", self.prefix), outcome, count)
        ids = [entry.id for entry, _ in saved]
        pipe.xack(self.stream, STORE_GROUP, *ids)
        # The entry carries the compressed page, now archived in the database: deleting it
        # keeps Redis memory to the backlog (the store group is the stream's only reader).
        pipe.xdel(self.stream, *ids)
        pipe.execute()
        log.info("store consumer %s: %d entries (%s)", self.consumer, len(saved),
                 ", ".join(f"{o} {n}" for o, n in sorted(totals.items())))
        return len(saved)

    def _sweep_lost(self) -> None:
        if self.requeue_app is None or time.monotonic() < self._next_sweep:
            return
        self._next_sweep = time.monotonic() + self.lost_sweep_s
        sent = ledger.requeue_lost(self.redis, self.prefix, self.requeue_app)
        if sent:
            log.warning("store consumer %s: sent %d lost pages again", self.consumer, sent)

    def _keep_claimed(self, held: list[Entry]) -> None:
        """Reset the idle time of held entries (JUSTID: no delivery is counted), so other
        consumers do not take them over while we wait for the database."""
        try:
            self.redis.xclaim(self.stream, STORE_GROUP, self.consumer, min_idle_time=0,
                              message_ids=[e.id for e in held], justid=True)
        except redis.RedisError as exc:
            log.debug("could not refresh held entries: %s", exc)

    def _back_off(self) -> None:
        self._failed_tries += 1
        delay = min(self.retry_max_s, self.retry_base_s * 2 ** (self._failed_tries - 1))
        log.info("store consumer %s: retrying in %.1f s", self.consumer, delay)
        self._stop.wait(delay)


def decode_entry(entry_id: str, fields: dict[Any, Any], stream: str) -> Entry:
    """The Result an entry carries; a store Failure in its place when it is not valid."""
    data = fields.get(b"data", fields.get("data"))
    try:
        if data is None:
            raise ValueError("stream entry has no 'data' field")
        result = Result.from_json(data)
        validate(result)
        return Entry(entry_id, result)
    except Exception as exc:
        log.error("stream entry %s is not a valid Result (%s: %s); recording a store failure",
                  entry_id, type(exc).__name__, exc)
        return Entry(entry_id, undecodable(entry_id, data, exc, stream))


def validate(result: Result) -> None:
    """Raise if the records inside `result` cannot be read back (storage would crash)."""
    if result.kind == "article":
        if not isinstance(result.article, dict):
            raise ValueError("an article result carries no article")
        Article.from_dict(result.article)
    if result.kind == "failure":
        Failure.from_dict(result.failure or {})
    if result.raw is not None:
        base64.b64decode(RawPage.from_dict(result.raw).body_z, validate=True)
    if not isinstance(result.url, str) or not result.url:
        raise ValueError("the result has no url")


def undecodable(entry_id: str, data: Any, exc: Exception, stream: str) -> Result:
    """A store Failure for an entry that could not be decoded, keeping its url and crawl id
    when they can still be read, so the crawl's sum of outcomes stays whole."""
    url, crawl_id = f"{stream}#{entry_id}", None
    try:
        payload = json.loads(data)
        if isinstance(payload, dict):
            if isinstance(payload.get("url"), str) and payload["url"]:
                url = payload["url"]
            if isinstance(payload.get("crawl_id"), str):
                crawl_id = payload["crawl_id"]
    except (TypeError, ValueError):
        pass
    failure = Failure(url=url, stage="store", error_class=type(exc).__name__,
                      message=f"stream entry {entry_id} is not a valid Result: {exc}"[:1000],
                      crawl_id=crawl_id)
    return failure.result()


def _messages(reply: Any) -> list[tuple[Any, dict[Any, Any]]]:
    """The (id, fields) pairs of an XREADGROUP reply (RESP2 list or RESP3 dict)."""
    if not reply:
        return []
    if isinstance(reply, dict):  # RESP3: {stream: [[(id, fields), ...]]}
        batches = [batch for value in reply.values() for batch in value]
    else:  # RESP2: [[stream, [(id, fields), ...]], ...]
        batches = [item[1] for item in reply]
    return [(i, f) for batch in batches for i, f in batch if i is not None]

