"""Fault injection for the integration tests. OFF unless AKHBAR_FAULT_CRASH_ON is set.

AKHBAR_FAULT_CRASH_ON=<text>: the page worker process SIGKILLs itself when it starts a page
whose URL contains <text>, as the kernel's OOM killer would. The tests use it to make a poison
page that kills the worker every time (tests/integration/test_poison.py). Never set it in
production.
"""

from __future__ import annotations

import logging
import os
import signal
from typing import Any

from workers.config import Settings

log = logging.getLogger(__name__)


def crash_if_asked(settings: Settings, raw_data: Any) -> None:
    """Kill this process if the fault hook names the page's URL; do nothing otherwise."""
    needle = settings.fault_crash_on
    url = raw_data.get("url") if isinstance(raw_data, dict) else None
    if needle and isinstance(url, str) and needle in url:
        log.error("fault injection (AKHBAR_FAULT_CRASH_ON=%r): killing process %d on %s",
                  needle, os.getpid(), url)
        os.kill(os.getpid(), signal.SIGKILL)
