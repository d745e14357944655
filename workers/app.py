"""The Celery app: queues, routes and the reliability settings DESIGN.md makes non-optional.

Importing this module is cheap (no task code is imported), so the crawler can use
`celery_app.send_task("process_page", ...)` by name.
"""

from __future__ import annotations

from celery import Celery
from kombu import Queue

from workers.config import Settings, load_settings
from workers.keys import ALL_QUEUES, CRAWL_QUEUE, PAGES_QUEUE
from workers.redisconn import celery_broker_url, redis_url_for

# The broker's visibility timeout must exceed the longest task: an unacked task is
# redelivered after it, so a shorter one would run a slow task twice.
VISIBILITY_TIMEOUT_S = 3600


def celery_config(settings: Settings, redis_url: str) -> dict[str, object]:
    return {
        "broker_url": celery_broker_url(redis_url),
        "broker_transport_options": {
            "visibility_timeout": VISIBILITY_TIMEOUT_S,
            "global_keyprefix": f"{settings.prefix}:",
        },
        "broker_connection_retry_on_startup": True,
        "broker_connection_max_retries": None,
        "task_serializer": "json",
        "result_serializer": "json",
        "accept_content": ["json"],
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "task_queues": [Queue(name) for name in ALL_QUEUES],
        "task_default_queue": PAGES_QUEUE,
        "task_create_missing_queues": False,
        "task_routes": {
            "process_page": {"queue": PAGES_QUEUE},
            "crawl_site": {"queue": CRAWL_QUEUE},
        },
        "task_ignore_result": True,
        "result_backend": None,
        "task_time_limit": settings.task_time_limit,
        "task_soft_time_limit": max(1, settings.task_time_limit - 10),
        "worker_cancel_long_running_tasks_on_connection_loss": True,
        "worker_hijack_root_logger": False,
        "worker_send_task_events": True,
        "task_send_sent_event": False,
    }


def make_app(settings: Settings | None = None) -> Celery:
    settings = settings or load_settings()
    redis_url = redis_url_for(settings)
    app = Celery("akhbar", include=["workers.tasks"])
    app.conf.update(celery_config(settings, redis_url))
    return app


celery_app = make_app()
app = celery_app  # `celery -A workers.app` looks for `app`
