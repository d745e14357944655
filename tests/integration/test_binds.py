"""Every listening socket akhbar opens is on 127.0.0.1 unless the user names another address.

The HTTP endpoints: the replica (`python -m replica.server`, `akhbar demo-site`, and the one
`akhbar run demo` serves from a thread). No endpoint at all: the embedded Redis (unix socket
only), the Celery worker, Scrapy (telnet console off). Compose publishes no port; one it
publishes later must name 127.0.0.1. Binding elsewhere is tested on 127.0.0.2 (still
loopback): no test opens a port beyond this machine.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

import psutil
import pytest
import yaml

from tests.integration.harness import celery_worker, service_env
from workers.config import load_settings
from workers.redisconn import EmbeddedRedis

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
ELSEWHERE = "127.0.0.2"  # "another address" that is still this machine's loopback

SERVE_LIKE_AKHBAR_RUN = (
    "import time; from workers.runner import serve_replica; serve_replica('ar'); time.sleep(120)"
)


def listening_addresses(pid: int) -> set[str]:
    """IP addresses the process (and its children) listen on over TCP or UDP."""
    root = psutil.Process(pid)
    addresses = set()
    for process in [root, *root.children(recursive=True)]:
        for conn in process.net_connections(kind="inet"):
            bound_udp = conn.type == socket.SOCK_DGRAM and not conn.raddr
            if conn.status == psutil.CONN_LISTEN or bound_udp:
                addresses.add(conn.laddr.ip)
    return addresses


def wait_for_listener(process: subprocess.Popen[bytes], timeout: float = 30) -> set[str]:
    deadline = time.monotonic() + timeout
    while not (addresses := listening_addresses(process.pid)):
        assert process.poll() is None, f"exited with {process.returncode}"
        assert time.monotonic() < deadline, "nothing listened"
        time.sleep(0.1)
    return addresses


@contextmanager
def started(command: list[str]) -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        yield process
    finally:
        process.terminate()
        process.wait(10)


REPLICA = [sys.executable, "-m", "replica.server", "--port", "0"]
DEMO_SITE = [sys.executable, "-m", "workers.cli", "demo-site", "--port", "0"]


@pytest.mark.parametrize("command", [REPLICA, DEMO_SITE], ids=["replica.server", "demo-site"])
def test_the_replica_binds_loopback_unless_told(command: list[str]) -> None:
    with started(command) as default:
        assert wait_for_listener(default) == {"127.0.0.1"}
    with started([*command, "--host", ELSEWHERE]) as told:
        assert wait_for_listener(told) == {ELSEWHERE}


def test_the_replica_of_akhbar_run_demo_binds_loopback() -> None:
    with started([sys.executable, "-c", SERVE_LIKE_AKHBAR_RUN]) as process:
        assert wait_for_listener(process) == {"127.0.0.1"}


def test_the_embedded_redis_listens_on_no_ip_address(tmp_path: Path) -> None:
    with mock.patch.dict(os.environ, {"AKHBAR_HOME": str(tmp_path)}):
        server = EmbeddedRedis(load_settings())
    try:
        assert server.server.ping()
        assert listening_addresses(server.server.pid) == set()
    finally:
        server.close()


@pytest.mark.slow
def test_the_celery_worker_listens_on_no_ip_address(
        redis_url: str, key_prefix: str, tmp_path: Path) -> None:
    env = service_env(redis_url, key_prefix, f"sqlite:///{tmp_path / 'a.db'}", tmp_path / "home")
    with celery_worker(env, tmp_path / "worker.log") as worker:
        deadline = time.monotonic() + 60
        while not started_consuming(psutil.Process(worker.pid)):
            assert worker.poll() is None and time.monotonic() < deadline, "worker not up"
            time.sleep(0.2)
        assert listening_addresses(worker.pid) == set()


def started_consuming(worker: psutil.Process) -> bool:
    """The pool is forked and the worker talks to Redis."""
    connected = [c for c in worker.net_connections(kind="inet") if c.raddr]
    return len(worker.children()) == 2 and bool(connected)


def test_scrapy_opens_no_telnet_console() -> None:
    from scrapy.utils.project import get_project_settings

    with mock.patch.dict(os.environ, {"SCRAPY_SETTINGS_MODULE": "crawler.settings"}):
        assert get_project_settings().getbool("TELNETCONSOLE_ENABLED") is False


def published_host_ips(compose: dict[str, Any]) -> dict[str, list[str]]:
    """Per service, the host address of each published port ("" where none is named:
    Docker then publishes on every interface)."""
    found: dict[str, list[str]] = {}
    for name, service in (compose.get("services") or {}).items():
        for port in service.get("ports") or []:
            if isinstance(port, dict):
                ip = str(port.get("host_ip", ""))
            else:
                parts = str(port).rsplit(":", 2)
                ip = parts[0] if len(parts) == 3 else ""
            found.setdefault(name, []).append(ip.strip("[]"))
    return found


def test_published_host_ips_reads_every_port_syntax() -> None:
    compose = {"services": {
        "a": {"ports": ["5555:5555", "127.0.0.1:8080:80", {"target": 9, "host_ip": "0.0.0.0"}]},
        "b": {"ports": ["[::1]:6379:6379", 8000]}}}
    assert published_host_ips(compose) == {"a": ["", "127.0.0.1", "0.0.0.0"], "b": ["::1", ""]}


def test_compose_publishes_ports_on_loopback_only() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    exposed = {name: ips for name, ips in published_host_ips(compose).items()
               if set(ips) - {"127.0.0.1", "::1"}}
    assert exposed == {}, f"ports open beyond this machine: {exposed}; prefix them 127.0.0.1:"
