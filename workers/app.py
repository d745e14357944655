"""The Celery app: queues, routes and the reliability settings DESIGN.md makes non-optional.

Importing this module is cheap (no task code is imported), so the crawler can use
`celery_app.send_task("process_page", ...)` by name.
"""

from __future__ import annotations

from kombu import Queue

from workers.config import Settings, load_settings
from workers.keys import ALL_QUEUES, CRAWL_QUEUE, PAGES_QUEUE
from workers.ledger import LedgerCelery
from workers.liveness import ConsumerStarted
from workers.reconnect import RestoreLostDeliveries
from workers.redisconn import broker_socket_options, celery_broker_url, redis_url_for


def redelivery_options(settings: Settings) -> dict[str, object]:
    """How soon a message whose worker died (SIGKILL, OOM) is handed to another worker.

    kombu's Redis transport keeps each delivered message in its `unacked` hash until the ack.
    Nothing notices a SIGKILLed worker: every live worker sweeps that hash every
    `unacked_restore_interval` × `unacked_restore_throttle` seconds (10 × 10 by default) and
    puts back the messages older than `visibility_timeout`. So the bound on redelivery is
    visibility timeout + one sweep interval. The timeout must exceed the page task's time
    limit (load_settings checks): a task still running when it expires would run twice.
    """
    timeout = settings.visibility_timeout
    sweep = max(1, min(30, timeout // 10))
    return {
        "visibility_timeout": timeout,
        "unacked_restore_interval": sweep,
        "unacked_restore_throttle": 1,  # sweep on every tick: one ZRANGE on a small index
        # A worker killed during a sweep leaves its mutex behind; it must not block the sweeps
        # of the others for kombu's default 5 minutes.
        "unacked_mutex_expire": min(300, timeout),
    }


def soft_time_limit(hard: int) -> int:
    """A few seconds before the hard limit, so the task can record its failure itself."""
    return max(1, hard - max(1, min(10, hard // 5)))


def celery_config(settings: Settings, redis_url: str) -> dict[str, object]:
    return {
        "broker_url": celery_broker_url(redis_url),
        "broker_transport_options": {
            **redelivery_options(settings),
            **broker_socket_options(redis_url),
            "global_keyprefix": f"{settings.prefix}:",
        },
        # A publish (the crawler's pages, a task's retry) rides out a Redis restart: retried
        # for about 20 s before it fails (Celery's default gives up after 0.6 s).
        "task_publish_retry_policy": {
            "max_retries": 10,
            "interval_start": 0,
            "interval_step": 0.5,
            "interval_max": 5,
        },
        "broker_connection_retry_on_startup": True,
        "broker_connection_max_retries": None,
        "task_serializer": "json",
        "result_serializer": "json",
        "accept_content": ["json"],
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": settings.prefetch_multiplier,
        # A task killed at its hard time limit goes back to the queue (Celery would ack and
        # lose it); workers.attempts turns a page that does this every time into a failure.
        "task_acks_on_timeout": False,
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
        "task_soft_time_limit": soft_time_limit(settings.task_time_limit),
        "worker_cancel_long_running_tasks_on_connection_loss": True,
        "worker_hijack_root_logger": False,
        # Records every message the worker refuses in the failure log, and (by importing
        # workers.rejects) guards the broker transport against items that are not messages.
        "worker_consumer": "workers.rejects:RejectingConsumer",
        "worker_send_task_events": True,
        "task_send_sent_event": False,
    }


def make_app(settings: Settings | None = None) -> LedgerCelery:
    settings = settings or load_settings()
    redis_url = redis_url_for(settings)
    app = LedgerCelery("akhbar", include=["workers.tasks"])
    app.conf.update(celery_config(settings, redis_url))
    app.keep_ledger(redis_url, settings.prefix)  # each page sent is kept until it is stored
    # Consumer steps: they run each time a worker's consumer (re)connects.
    app.steps["consumer"].update({RestoreLostDeliveries, ConsumerStarted})
    return app


celery_app = make_app()
app = celery_app  # `celery -A workers.app` looks for `app`
