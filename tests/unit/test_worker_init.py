"""What a Celery worker's parent does before it forks its pool (workers.tasks._warm_up)."""

from __future__ import annotations

import gc
import os
from unittest import mock


def test_the_parent_freezes_what_its_children_inherit() -> None:
    with mock.patch.dict(os.environ, {"REDIS_URL": "redis://127.0.0.1:6379/0"}):
        from workers.tasks import _warm_up  # the app is built on import

    gc.unfreeze()
    try:
        _warm_up()
        # the language detector and the gazetteers alone are hundreds of thousands of objects
        assert gc.get_freeze_count() > 100_000, gc.get_freeze_count()
    finally:
        gc.unfreeze()  # this test process goes on collecting as before
