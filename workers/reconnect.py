"""After a lost broker connection, put back the tasks this worker held, as soon as it reconnects.

kombu's Redis transport keeps every delivered, unacknowledged task in its `unacked` hash.
When the connection drops, Celery terminates the running tasks (they cannot be acked on a
new connection: `worker_cancel_long_running_tasks_on_connection_loss`) and kombu puts their
messages back in the queue as it closes the channel. But when the connection dropped because
Redis itself went down, that restore fails too, and the messages wait in the hash until the
visibility timeout sweeps them back (minutes). This consumer step remembers the channel of
each connection; when the consumer starts again, it restores the deliveries the old channel
still lists as unacknowledged, through the new connection. Restoring a message that is no
longer in the hash (it was acked, or restored already) does nothing, so it cannot duplicate.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import bootsteps

log = logging.getLogger(__name__)


class RestoreLostDeliveries(bootsteps.StartStopStep):
    """A consumer step: runs after the task consumer has (re)started on a new connection."""

    requires = ("celery.worker.consumer.tasks:Tasks",)

    def __init__(self, parent: Any, **kwargs: Any) -> None:
        super().__init__(parent, **kwargs)
        self._lost: list[Any] = []  # kombu QoS objects of channels whose connection is gone

    def start(self, parent: Any) -> None:
        qos = _qos_of(parent)
        if qos is None:
            return
        self._lost = [old for old in self._lost if old is not qos and not _restore(old, qos)]
        self._lost.append(qos)  # this connection's, kept in case it is lost in turn

    def shutdown(self, parent: Any) -> None:
        self._lost.clear()  # at shutdown kombu restores through the live connection itself


def _qos_of(consumer: Any) -> Any:
    """The kombu QoS (ack emulation) of the task consumer's channel; None off Redis."""
    task_consumer = getattr(consumer, "task_consumer", None)
    qos = getattr(getattr(task_consumer, "channel", None), "qos", None)
    return qos if hasattr(qos, "restore_by_tag") else None


def _restore(old: Any, new: Any) -> bool:
    """Put back what `old` delivered and never acked, through `new`; False if Redis failed
    (the step tries again at the next start)."""
    # kombu clears `_delivered` once it has restored (or acked) a delivery; what is left are
    # the deliveries whose restore failed when the connection dropped.
    tags = list(getattr(old, "_delivered", {}) or {})
    if not tags:
        return True
    try:
        for tag in tags:
            new.restore_by_tag(tag)
    except Exception as exc:  # a connection error from any transport: try again next start
        log.warning("could not restore %d tasks held when the broker connection dropped "
                    "(%s); retrying at the next reconnect", len(tags), exc)
        return False
    log.warning("restored %d tasks this worker held when the broker connection dropped",
                len(tags))
    return True
