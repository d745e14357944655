"""The README's commands, from a fresh clone, offline: `make run` runs `akhbar run demo` on the
embedded default (embedded Redis, SQLite) and the read commands work after it has stopped."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from replica.content import load_articles

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.integration, pytest.mark.slow]


def akhbar(  # type: ignore[no-untyped-def]
    args: list[str],
    cwd: Path,
    env: dict[str, str],
    timeout: float = 300,
    python: Path | None = None,
):
    return subprocess.run(
        [str(python or sys.executable), "-m", "workers.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def clean_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("AKHBAR_") and k not in ("REDIS_URL", "PYTHONPATH")
    }
    env.update(extra or {})
    return env


def test_makefile_wires_the_two_readme_commands() -> None:
    run = subprocess.run(
        ["make", "-n", "-W", "pyproject.toml", "run"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    test = subprocess.run(
        ["make", "-n", "test"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "akhbar run demo" in run and "pip install" in run
    assert "pytest" in test
    readme = (ROOT / "README.md").read_text()
    assert "make run" in readme and "make test" in readme


def clone_with_python(tmp_path: Path) -> tuple[Path, Path]:
    """A fresh clone of the committed tree, and a Python that imports the clone's code only.

    The new venv sees this venv's third-party packages through a .pth line (no network, no
    install) but not its editable install of akhbar, which would point back at this tree.
    """
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site_packages = next((venv / "lib").glob("python3*/site-packages"))
    ours = next(p for p in map(Path, sys.path) if p.name == "site-packages" and p.is_dir())
    (site_packages / "akhbar-test.pth").write_text(f"{clone}\n{ours}\n")
    return clone, venv / "bin" / "python"


def test_run_demo_from_a_fresh_clone_on_the_embedded_default(tmp_path: Path) -> None:
    clone, python = clone_with_python(tmp_path)
    env = clean_env()
    result = akhbar(["run", "demo"], clone, env, python=python)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "stored" in result.stdout and "articles/s" in result.stdout

    # `run demo` crawls both editions of the replica: aawsat.com and english.aawsat.com
    expected = len(load_articles(clone / "replica" / "content")) + len(
        load_articles(clone / "replica" / "content-en", edition="en"))
    db = clone / ".akhbar" / "articles.db"
    with sqlite3.connect(db) as conn:
        assert (
            conn.execute("select count(distinct canonical_url) from articles").fetchone()[0]
            == expected
        )
    assert (clone / ".akhbar" / "appendonly.aof").exists()  # the embedded Redis persisted

    # The read commands need only the database: the embedded Redis has stopped by now.
    listed = akhbar(["articles", "--limit", "5"], clone, env, 60, python)
    assert listed.returncode == 0, listed.stderr
    exported = akhbar(["export", "--format", "jsonl"], clone, env, 60, python)
    records = [json.loads(line) for line in exported.stdout.splitlines()]
    assert len(records) == expected
    assert all(r["title"] and r["body"] and r["content_hash"] for r in records)
    shown = akhbar(["show", records[0]["canonical_url"]], clone, env, 60, python)
    assert shown.returncode == 0 and records[0]["title"] in shown.stdout


def test_unreachable_redis_is_one_clear_line(tmp_path: Path) -> None:
    env = clean_env({"REDIS_URL": "redis://:secret@127.0.0.1:1/0", "AKHBAR_HOME": str(tmp_path)})
    result = akhbar(["crawl", "aawsat"], ROOT, env, 60)
    assert result.returncode == 2
    message = result.stderr.strip()
    assert "127.0.0.1:1" in message and "REDIS_URL" in message and "secret" not in message
    assert "Traceback" not in result.stderr


def test_unreachable_database_is_one_clear_line(tmp_path: Path) -> None:
    env = clean_env(
        {"AKHBAR_DB_URL": "postgresql://akhbar:pw@127.0.0.1:1/none", "AKHBAR_HOME": str(tmp_path)}
    )
    result = akhbar(["articles"], ROOT, env, 60)
    assert result.returncode == 2
    assert "127.0.0.1:1" in result.stderr and "Traceback" not in result.stderr
    assert "pw@" not in result.stderr
