"""The replica as a subprocess on a free loopback port, for every test that needs it served."""

from __future__ import annotations

import select
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def read_ready_line(proc: subprocess.Popen[str], timeout: float = 20.0) -> str:
    """The base URL the server prints (`READY http://127.0.0.1:PORT`) once it listens."""
    assert proc.stdout is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], 0.2)
        if ready:
            line = proc.stdout.readline()
            if line.startswith("READY "):
                return line.split()[1]
        if proc.poll() is not None:
            break
    raise AssertionError(f"no READY line from the replica server (exit {proc.poll()})")


@contextmanager
def replica_server(*options: str, content_dir: Path | None = None) -> Iterator[str]:
    """`python -m replica.server --port 0 [options]`; yields its base URL, stops it after."""
    command = [sys.executable, "-m", "replica.server", "--port", "0", *options]
    if content_dir:
        command += ["--content-dir", str(content_dir)]
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    try:
        yield read_ready_line(proc)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        assert proc.stdout is not None
        proc.stdout.close()
