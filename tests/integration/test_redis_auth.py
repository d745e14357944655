"""A Redis that wants a password: the whole pipeline runs against it with the credentials in
REDIS_URL, the password shows in no log and no command line, and a wrong password is one
clear line from every command that needs Redis."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import psutil
import pytest
import redis

from replica.content import load_articles
from tests.integration.harness import celery_worker, drain, service_env
from tests.redis_process import own_redis
from tests.replica_process import replica_server
from workers.config import load_settings
from workers.processes import crawl_command, start_logged
from workers.redisconn import mask_url
from workers.storage import open_storage

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]


def server_config(kind: str, password: str) -> str:
    """Lines that make the server admit only the password: `requirepass` for the default user,
    or an ACL user `akhbar` with the default user switched off."""
    if kind == "requirepass":
        return f"requirepass {password}\n"
    return f"user default off\nuser akhbar on >{password} ~* &* +@all\n"


@pytest.fixture(params=["acl-user", "requirepass"])
def auth_redis(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """(URL with credentials, password) of a redis-server of this test's own."""
    password = f"pw-{uuid.uuid4().hex}"
    user = "" if request.param == "requirepass" else "akhbar"
    with own_redis(tmp_path / "redis", persistent=False,
                   extra_config=server_config(request.param, password),
                   credentials=f"{user}:{password}") as server:
        yield server.url, password


def command_lines(root: psutil.Process) -> list[str]:
    processes = [root, *root.children(recursive=True)]
    return [" ".join(p.cmdline()) for p in processes]


def test_the_pipeline_runs_against_a_redis_with_a_password(
        auth_redis: tuple[str, str], tmp_path: Path) -> None:
    url, password = auth_redis
    with pytest.raises(redis.AuthenticationError):  # the server really wants the password
        redis.Redis.from_url(url.replace(password, "not-it")).ping()
    db_url = f"sqlite:///{tmp_path / 'articles.db'}"
    env = service_env(url, f"akhbar-auth-{uuid.uuid4().hex[:8]}", db_url, tmp_path / "home")
    with mock.patch.dict(os.environ, env):
        settings = load_settings()
    storage = open_storage(db_url)
    client = redis.Redis.from_url(url)
    crawl_id = uuid.uuid4().hex[:10]
    logs = [tmp_path / "worker.log", tmp_path / "crawl.log"]
    seen: list[str] = []
    with replica_server() as base_url, celery_worker(env, logs[0]) as worker:
        crawler = start_logged(crawl_command("aawsat", base_url, crawl_id), env, logs[1])
        seen += command_lines(psutil.Process(crawler.pid))
        assert crawler.wait(300) == 0
        done = drain(client, storage, settings, crawl_id, worker)
        seen += command_lines(psutil.Process(worker.pid))  # the worker and its pool
    assert done.counts.get("stored") == len(load_articles()) == storage.count_articles()
    assert done.accounted == done.fetched
    # The near-duplicate index reaches Redis through datasketch's own client: it logged in too.
    assert all(a["enrichment"].get("story_id") for a in storage.iter_articles(None, None))
    storage.close()
    assert len(seen) >= 4  # worker, its two pool processes, the crawler
    assert not [line for line in seen if password in line], "a password on a command line"
    for log in logs:
        text = log.read_text(errors="replace")
        assert text, f"{log.name} is empty: nothing was checked"
        assert password not in text, f"the password is in {log.name}"
    assert "**@127.0.0.1" in logs[0].read_text()  # Celery's banner shows it masked


@pytest.mark.parametrize("auth_redis", ["acl-user"], indirect=True)  # the same code path
@pytest.mark.parametrize("command", [["worker"], ["store"], ["run"]])
def test_a_wrong_password_is_one_clear_line(
        auth_redis: tuple[str, str], tmp_path: Path, command: list[str]) -> None:
    url, password = auth_redis
    wrong_password = f"wrong-{uuid.uuid4().hex}"
    wrong = url.replace(password, wrong_password)
    env = dict(os.environ, REDIS_URL=wrong, AKHBAR_HOME=str(tmp_path / "home"))
    done = subprocess.run([sys.executable, "-m", "workers.cli", *command], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    line = lines[0]
    assert mask_url(wrong) in line and "***" in line  # names the server, password hidden
    assert "password in REDIS_URL" in line and "put the right ones in REDIS_URL" in line
    assert wrong_password not in done.stderr + done.stdout
