"""stop_process: the child is asked to stop alone (its own children finish their work), then
whatever is left of its process group is killed."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import psutil

from workers.processes import start_logged, stop_process

# A parent that starts one child and, once its SIGTERM handler is in place, writes `ready`.
# On SIGTERM it waits for the child, as a Celery worker waits for its pool in a warm
# shutdown, or (LEAVE) exits at once and leaves the child behind.
PARENT = """
import signal, subprocess, sys, time
ready, child_pid, done, leave = sys.argv[1:5]
work = "import sys, time; time.sleep(0.5); open(sys.argv[1], 'w').write('done')"
child = subprocess.Popen([sys.executable, "-c", work, done])
open(child_pid, "w").write(str(child.pid))
def on_term(*_):
    if leave == "0":
        child.wait()
    sys.exit(0)
signal.signal(signal.SIGTERM, on_term)
open(ready, "w").write("ready")
time.sleep(60)
"""

# A child that, asked to stop, closes as Scrapy does: it writes `closed` first.
CLOSING = """
import signal, sys, time
closed, ready = sys.argv[1:3]
def close(*_):
    open(closed, "w").write("closed")
    sys.exit(0)
signal.signal(signal.SIGTERM, close)
open(ready, "w").write("ready")
time.sleep(60)
"""

# A parent that ignores SIGTERM, running CLOSING; it writes `ready` once its child has.
STUBBORN = """
import os, signal, subprocess, sys, time
ready, closed, closing = sys.argv[1:4]
child = subprocess.Popen([sys.executable, "-c", closing, closed, ready + ".child"])
while not os.path.exists(ready + ".child"):
    time.sleep(0.02)
signal.signal(signal.SIGTERM, signal.SIG_IGN)
open(ready, "w").write("ready")
time.sleep(60)
"""


def wait_for_file(path: Path, timeout: float = 20.0) -> str:
    deadline = time.monotonic() + timeout
    while not path.exists() or not path.read_text():
        assert time.monotonic() < deadline, f"{path.name} was never written"
        time.sleep(0.02)
    return path.read_text()


def gone(pid: int) -> bool:
    """Dead: no such process, or a zombie nobody has reaped yet."""
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def start_parent(tmp_path: Path, leave: bool) -> tuple[subprocess.Popen[bytes], int]:
    ready, child_pid, done = (tmp_path / name for name in ("ready", "child_pid", "done"))
    command = [sys.executable, "-c", PARENT, str(ready), str(child_pid), str(done),
               "1" if leave else "0"]
    process = start_logged(command, {}, tmp_path / "parent.log")
    wait_for_file(ready)
    return process, int(wait_for_file(child_pid))


def test_the_childs_own_children_finish_their_work(tmp_path: Path) -> None:
    process, _ = start_parent(tmp_path, leave=False)
    assert stop_process(process) == 0, (tmp_path / "parent.log").read_text()
    # signalled with its parent, the child would have died before writing this
    assert (tmp_path / "done").read_text() == "done"


def test_what_is_left_of_the_group_is_killed(tmp_path: Path) -> None:
    process, child = start_parent(tmp_path, leave=True)
    assert stop_process(process) == 0
    deadline = time.monotonic() + 5
    while not gone(child):
        assert time.monotonic() < deadline, "the child outlived its parent's stop"
        time.sleep(0.02)
    assert not (tmp_path / "done").exists()


def test_a_child_that_ignores_sigterm_has_its_group_asked_then_is_killed(
        tmp_path: Path) -> None:
    ready, closed = tmp_path / "ready", tmp_path / "closed"
    command = [sys.executable, "-c", STUBBORN, str(ready), str(closed), CLOSING]
    process = start_logged(command, {}, tmp_path / "stubborn.log")
    wait_for_file(ready)
    started = time.monotonic()
    assert stop_process(process, timeout=0.5, grace=0.5) == -9  # SIGKILL
    assert time.monotonic() - started < 5
    # after the timeout the group was asked: its busy child closed before the kill
    assert closed.read_text() == "closed", (tmp_path / "stubborn.log").read_text()
