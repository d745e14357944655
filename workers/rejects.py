"""Task messages the worker refuses: each is logged, dropped, and leaves a failure record.

Celery already refuses, logs and drops (never requeues) three kinds: a body that
`accept_content=['json']` forbids (a pickle is refused before it is unpickled), a body that is
not valid JSON, and a task name no worker knows. Here each also becomes a failure record with
stage "queue", so the failure log shows it.

kombu's Redis transport parses every item it pops off a queue as a JSON envelope in the
worker's main process; an item that is not one (not JSON, not an object, no delivery tag, a
body that is not base64) raised out of the event loop and stopped the worker, or was taken for
a lost connection. `GuardedTransport` drops such an item with a failure record instead, and
refuses a message too large to carry a page before it is decoded or handed to the pool.
"""

from __future__ import annotations

import binascii
import functools
import hashlib
import json
import logging
from queue import Empty
from typing import Any

import redis
from celery import signals
from celery.worker.consumer import Consumer
from kombu.transport import TRANSPORT_ALIASES, _transport_cache
from kombu.transport import redis as kombu_redis

from workers.config import load_settings
from workers.messages import Failure
from workers.pages import publish
from workers.redisconn import redis_client, redis_url_for

log = logging.getLogger(__name__)

SAMPLE_CHARS = 200  # how much of a refused item the log and the failure record quote


def max_message_chars(max_page_bytes: int) -> int:
    """The largest envelope body (base64 text) a page can need: its compressed body is at
    most ~1.34 × the page limit, and the envelope base64-encodes the task body again (× 4/3).
    Twice the page limit plus 1 MiB of headroom for the other fields."""
    return 2 * max_page_bytes + 1024 * 1024


def message_ref(queue: str | None, ident: str | None) -> str:
    """What a refused message's failure record is keyed by: it names no page we can trust."""
    return f"queue://{queue or '?'}/{ident or '?'}"


def item_ref(item: str | bytes) -> str:
    """An id for a queue item with no readable task id: a hash of its text."""
    data = item.encode("utf-8", "replace") if isinstance(item, str) else item
    return "sha256:" + hashlib.sha256(data).hexdigest()[:16]


@functools.cache
def _failure_client() -> redis.Redis:
    return redis_client(redis_url_for(load_settings()))


def record_refusal(ref: str, error_class: str, message: str) -> None:
    """Log the refusal and publish its failure record; a Redis outage is logged, not raised:
    the worker's consumer loop must go on either way."""
    log.error("refused queue message %s: %s: %s", ref, error_class, message)
    failure = Failure(url=ref, stage="queue", error_class=error_class, message=message[:2000])
    result = failure.result()
    try:
        publish(_failure_client(), load_settings().prefix, result)
    except redis.RedisError as exc:
        log.error("could not record the refusal of %s in the failure log: %s", ref, exc)


def _task_name(message: Any) -> str | None:
    headers = getattr(message, "headers", None)
    return headers.get("task") if isinstance(headers, dict) else None


def _ref_of(message: Any) -> str:
    """A refused kombu Message's record key: its queue and task id, else its delivery tag
    (one row per message: the failure log keeps one row per key)."""
    info = getattr(message, "delivery_info", None)
    queue = info.get("routing_key") if isinstance(info, dict) else None
    headers = getattr(message, "headers", None)
    ident = headers.get("id") if isinstance(headers, dict) else None
    return message_ref(queue, ident if isinstance(ident, str) else message.delivery_tag)


@signals.task_rejected.connect
def _on_task_rejected(message: Any, exc: BaseException | None = None, **_: Any) -> None:
    """A disallowed content type (pickle), or a message with no task header."""
    ref = _ref_of(message)
    if exc is None:
        record_refusal(ref, "UnknownMessage", "not a Celery task message (no task header); "
                       "send tasks with Celery (app.send_task) so they carry the task protocol")
        return
    record_refusal(ref, type(exc).__name__,
                   f"task {_task_name(message)!r}: {exc}; akhbar workers accept JSON task "
                   "messages only: send them with Celery's json serializer")


@signals.task_unknown.connect
def _on_task_unknown(message: Any, name: str, **_: Any) -> None:
    record_refusal(_ref_of(message), "UnknownTask",
                   f"no akhbar worker runs a task named {name!r} (they run process_page and "
                   "crawl_site); check the sender's task name, or upgrade the workers")


class RejectingConsumer(Consumer):
    """Celery's consumer, recording the body it cannot decode (Celery sends no signal there)."""

    def on_decode_error(self, message: Any, exc: Exception) -> None:
        super().on_decode_error(message, exc)  # logs it and acks it: never redelivered
        record_refusal(_ref_of(message), type(exc).__name__,
                       f"task {_task_name(message)!r}: the body is not valid "
                       f"{message.content_type}: {exc}; the sender must encode task "
                       "arguments as JSON")


class NotAnEnvelope(ValueError):
    """A queue item that is not a kombu message envelope."""


class MessageTooLarge(ValueError):
    """A message too large to carry one page (AKHBAR_MAX_PAGE_BYTES)."""


def check_envelope(payload: Any, max_chars: int) -> None:
    """Raise unless `payload` has what kombu's Message needs; refuse an oversized body
    before anything decodes it."""
    if not isinstance(payload, dict):
        raise NotAnEnvelope(f"a JSON {type(payload).__name__}, not an object")
    properties = payload.get("properties")
    if not isinstance(properties, dict) or not isinstance(properties.get("delivery_tag"), str):
        raise NotAnEnvelope("no properties.delivery_tag")
    if not isinstance(properties.get("delivery_info", {}), dict):
        raise NotAnEnvelope("properties.delivery_info is not an object")
    if properties.get("body_encoding") not in (None, "base64"):
        raise NotAnEnvelope(f"unknown body_encoding {properties.get('body_encoding')!r}")
    body = payload.get("body")
    if body is not None and not isinstance(body, str):
        raise NotAnEnvelope(f"body is a {type(body).__name__}, not a string")
    if body and len(body) > max_chars:
        raise MessageTooLarge(
            f"message body of {len(body):,} characters is over the {max_chars:,} limit "
            "(2 × AKHBAR_MAX_PAGE_BYTES + 1 MiB); refused before decoding: raise "
            "AKHBAR_MAX_PAGE_BYTES if pages really are that large"
        )


def _envelope_ref(payload: Any, queue: str | None) -> str:
    """Its task id, else its delivery tag, else a hash of the whole item."""
    for section, field in (("headers", "id"), ("properties", "delivery_tag")):
        part = payload.get(section) if isinstance(payload, dict) else None
        ident = part.get(field) if isinstance(part, dict) else None
        if isinstance(ident, str):
            return message_ref(queue, ident)
    return message_ref(queue, item_ref(json.dumps(payload, default=str)))


def _undecodable(exc: json.JSONDecodeError | UnicodeDecodeError, queue: str | None) -> None:
    item = exc.doc if isinstance(exc, json.JSONDecodeError) else exc.object
    record_refusal(message_ref(queue, item_ref(item)), "NotAnEnvelope",
                   f"a queue item is not JSON ({exc}); it starts {item[:SAMPLE_CHARS]!r}; "
                   "only Celery should write to akhbar's queues")


class GuardedChannel(kombu_redis.Channel):
    """kombu's Redis channel, refusing an item that is not JSON instead of crashing."""

    def _brpop_read(self, **options: Any) -> bool:
        try:
            return bool(super()._brpop_read(**options))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            # BRPOP has taken the item off the list already: there is nothing to ack or
            # requeue. Which of the worker's queues it came from, kombu does not say.
            _undecodable(exc, None)
            raise Empty() from exc  # what kombu raises when BRPOP brought no message

    def _get(self, queue: str, timeout: Any = None) -> Any:  # the path with no event loop
        try:
            return super()._get(queue)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            _undecodable(exc, queue)
            raise Empty() from exc

    def close(self) -> None:
        """Close the channel; skip kombu's restore of unacked deliveries once the transport
        has been detached from its connection.

        After a lost broker connection Celery calls `Connection.collect()`, then
        `Connection.close()` (celery/worker/consumer/consumer.py,
        on_connection_error_after_connected). When Redis went down while a BRPOP was
        pending (the error surfaced on another socket first, e.g. the pub/sub one of remote
        control), collect's `Channel.close` re-reads that BRPOP, gets a connection error and
        stops before the channel is marked closed; the transport's `close_connection` stops
        too, at remote control's channel deleting its auto-delete queue; collect then sets
        `transport.client = None`. The task channel's next close drops the pools, and
        `restore_unacked_once` builds a new pool from `transport.client` (`_connparams`):
        AttributeError on None, which no one catches as a connection error, and the worker
        dies (only when it holds an unacked delivery: nothing to restore, no crash).

        Skipping that restore loses nothing: the deliveries stay in the QoS's `_delivered`
        and in Redis's unacked hash; workers.reconnect restores them through the next
        connection, and the visibility sweep does if this worker never reconnects."""
        if self.connection is not None and self.connection.client is None:
            self.do_restore = False
        super().close()


class GuardedTransport(kombu_redis.Transport):
    """kombu's Redis transport with `GuardedChannel` and the envelope check."""

    Channel = GuardedChannel

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_message_chars = max_message_chars(load_settings().max_page_bytes)

    def _deliver(self, message: Any, queue: str | None) -> None:
        try:
            check_envelope(message, self.max_message_chars)
            super()._deliver(message, queue)
        except (NotAnEnvelope, MessageTooLarge, binascii.Error) as exc:
            # Raised before kombu's Message exists, so before the unacked hash holds it:
            # dropping it here leaves nothing behind to be redelivered.
            record_refusal(_envelope_ref(message, queue), type(exc).__name__, str(exc))


def install() -> None:
    """Make `redis://`, `rediss://` and `redis+socket://` broker URLs use GuardedTransport in
    this process. The alias table is the one hook all three spellings go through (the
    `broker_transport` setting loses to the `redis+` prefix of a socket URL). The worker
    imports this module (worker_consumer) after Celery has resolved the alias once, before it
    opens the consumer's connection: the resolved class is dropped from kombu's cache."""
    for scheme in ("redis", "rediss"):
        TRANSPORT_ALIASES[scheme] = f"{__name__}:GuardedTransport"
        _transport_cache.pop(scheme, None)


install()
