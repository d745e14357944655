"""Are the page workers taking tasks? Their heartbeats in Redis, and the check `akhbar health` runs.

A known Celery failure (celery/celery#8030, #8091, #10205): after a broker reconnect a worker
stays alive and connected and never takes another task. Its process runs, so a supervisor sees
nothing; `celery inspect ping` is answered over the control channel, a connection of its own,
so a reply proves the process lives, not that it consumes. What shows it is the queue: tasks
wait and no worker takes one.

So each worker records, under its node name, in Redis server time:
- `started_at`: its consumer (re)started: at start and after every reconnect (a consumer step);
- `received_at`: its consumer received a task (`task_received`, in the consumer itself);
- `finished_at`: one of its pool processes finished a task (`task_postrun`): a worker whose
  every slot is busy with a slow page receives nothing, but keeps finishing.
The check: when the pages queue holds messages and no worker in scope has done any of these for
`max_idle` seconds, the workers are unhealthy. An empty queue is healthy whatever the workers do.
"""

from __future__ import annotations

import functools
import logging
import os
import socket
import time
from dataclasses import asdict, dataclass
from typing import Any

import redis
from celery import bootsteps, signals
from kombu.transport.redis import PRIORITY_STEPS
from kombu.transport.redis import Channel as RedisChannel

from workers.config import Settings, load_settings
from workers.keys import PAGES_QUEUE, key
from workers.redisconn import mask_url, redis_client, redis_url_for

log = logging.getLogger(__name__)

ACTIVITY_FIELDS = ("started_at", "received_at", "finished_at")
BEAT_EVERY_S = 1.0  # a process writes the same field at most this often
RECORD_TTL_S = 7 * 24 * 3600  # the record of a worker that vanished without saying so

# KEYS: the worker's hash, the set of nodes. ARGV: field, host, pid, ttl, node.
# Redis's clock, not the worker's: workers on several hosts compare to one clock.
BEAT = """
local now = redis.call('TIME')
local stamp = string.format('%d.%06d', now[1], now[2])
redis.call('HSET', KEYS[1], ARGV[1], stamp, 'host', ARGV[2], 'pid', ARGV[3])
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('SADD', KEYS[2], ARGV[5])
return stamp
"""


# -- the worker side: heartbeats ---------------------------------------------------------------


class Heartbeat:
    """One process's writer of heartbeats; never raises (a beat lost is a beat late)."""

    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self.client = client
        self.prefix = prefix
        self._script = client.register_script(BEAT)
        self._last: dict[tuple[str, str], float] = {}

    def beat(self, node: str, field: str, throttle: bool = True) -> None:
        now = time.monotonic()
        if throttle and now - self._last.get((node, field), -BEAT_EVERY_S) < BEAT_EVERY_S:
            return
        self._last[(node, field)] = now
        keys = [key("liveness", self.prefix, node=node), key("liveness_nodes", self.prefix)]
        args = [field, socket.gethostname(), os.getpid(), RECORD_TTL_S, node]
        try:
            self._script(keys=keys, args=args)
        except redis.RedisError as exc:
            log.debug("heartbeat %s of %s not written: %s", field, node, exc)

    def forget(self, node: str) -> None:
        """A worker shutting down cleanly leaves no record to be judged by."""
        try:
            pipe = self.client.pipeline(transaction=True)
            pipe.delete(key("liveness", self.prefix, node=node))
            pipe.srem(key("liveness_nodes", self.prefix), node)
            pipe.execute()
        except redis.RedisError as exc:
            log.debug("record of %s not removed: %s", node, exc)


@functools.cache
def _heartbeat(pid: int) -> Heartbeat:
    """One writer per process (keyed by pid: pool processes fork from the worker)."""
    settings = load_settings()
    return Heartbeat(redis_client(redis_url_for(settings), retries=0), settings.prefix)


def heartbeat() -> Heartbeat:
    return _heartbeat(os.getpid())


class ConsumerStarted(bootsteps.StartStopStep):
    """A consumer step: beats `started_at` each time the consumer (re)starts."""

    requires = ("celery.worker.consumer.tasks:Tasks",)

    def start(self, parent: Any) -> None:
        heartbeat().beat(parent.hostname, "started_at", throttle=False)


@signals.task_received.connect
def _on_received(sender: Any = None, **_: Any) -> None:
    if sender is not None:
        heartbeat().beat(sender.hostname, "received_at")


@signals.task_postrun.connect
def _on_finished(sender: Any = None, **_: Any) -> None:
    node = getattr(getattr(sender, "request", None), "hostname", None)
    if node:
        heartbeat().beat(node, "finished_at")


@signals.worker_shutdown.connect
def _on_shutdown(sender: Any = None, **_: Any) -> None:
    if sender is not None and getattr(sender, "hostname", None):
        heartbeat().forget(sender.hostname)


# -- the check ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkerBeat:
    node: str
    host: str
    last_activity: float  # Redis server time of its latest start, receipt or finish


@dataclass(frozen=True)
class Health:
    healthy: bool
    reason: str  # one line, saying what to do when unhealthy
    queue: str
    queued: int | None  # None: Redis could not be asked
    idle_s: float | None  # since the last activity of any worker in scope
    workers: int  # workers in scope with a record
    max_idle_s: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def queue_depth(client: redis.Redis, prefix: str, queue: str = PAGES_QUEUE) -> int:
    """Messages waiting in a Celery queue on Redis (kombu keeps one list per priority step;
    the keys carry the app's global key prefix)."""
    names = [queue] + [f"{queue}{RedisChannel.sep}{step}" for step in PRIORITY_STEPS if step]
    pipe = client.pipeline(transaction=False)
    for name in names:
        pipe.llen(f"{prefix}:{name}")
    return sum(int(n) for n in pipe.execute())


def worker_beats(client: redis.Redis, prefix: str, host: str | None = None) -> list[WorkerBeat]:
    """The recorded workers (on `host` only, if given) with their latest activity."""
    nodes = sorted(n.decode() for n in client.smembers(key("liveness_nodes", prefix)))
    pipe = client.pipeline(transaction=False)
    for node in nodes:
        pipe.hgetall(key("liveness", prefix, node=node))
    beats = []
    for node, record in zip(nodes, pipe.execute(), strict=True):
        fields = {k.decode(): v.decode() for k, v in record.items()}
        stamps = [float(fields[f]) for f in ACTIVITY_FIELDS if f in fields]
        if stamps and (host is None or fields.get("host") == host):
            beats.append(WorkerBeat(node, fields.get("host", "?"), max(stamps)))
    return beats


def judge(queue: str, queued: int, beats: list[WorkerBeat], now: float, max_idle_s: float,
          host: str | None = None) -> Health:
    """Healthy unless messages wait and no worker in scope has been active for max_idle_s."""
    last = max((b.last_activity for b in beats), default=None)
    idle = None if last is None else round(max(0.0, now - last), 1)
    workers = "no worker" if host is None else f"no worker on {host}"

    def health(healthy: bool, reason: str) -> Health:
        return Health(healthy, reason, queue, queued, idle, len(beats), max_idle_s)

    if queued == 0:
        return health(True, f"{queue} queue is empty; {len(beats)} worker(s) recorded")
    if idle is None:
        return health(False, f"{queue} queue has {queued} messages and {workers} is recorded "
                             "taking tasks: start the workers")
    if idle > max_idle_s:
        return health(False, f"{queue} queue has {queued} messages and {workers} has taken "
                             f"one for {idle:.0f} s: restart the workers")
    return health(True, f"{queue} queue has {queued} messages; a worker was active "
                        f"{idle:.0f} s ago")


def check_health(settings: Settings, max_idle_s: float | None = None, host: str | None = None,
                 queue: str = PAGES_QUEUE) -> Health:
    """The health of the workers (on `host`, if given) as the Redis of `settings` shows it."""
    max_idle = float(settings.liveness_idle_s if max_idle_s is None else max_idle_s)
    url = redis_url_for(settings)
    client = redis_client(url, retries=1)
    try:
        queued = queue_depth(client, settings.prefix, queue)
        beats = worker_beats(client, settings.prefix, host)
        seconds, micros = client.time()
    except redis.RedisError as exc:
        reason = f"cannot reach Redis at {mask_url(url)} ({exc}): start Redis or check REDIS_URL"
        return Health(False, reason, queue, None, None, 0, max_idle)
    finally:
        client.close()
    return judge(queue, queued, beats, seconds + micros / 1e6, max_idle, host)
