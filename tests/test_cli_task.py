"""``./task serve`` and ``./task run`` install only when something changed: pip runs when
pyproject.toml or the extras asked for are new to the virtual environment, not on every start;
a failed Chromium install is not retried on every start. Checked with a stand-in virtual
environment whose python and article2 only record how they were called."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

_RECORDER = """#!/bin/sh
echo "{name} $*" >> "{log}"
"""


@pytest.fixture
def repo(tmp_path) -> Path:
    """A copy of the task runner and pyproject.toml, and a stand-in venv in ``venv/``."""
    shutil.copy(ROOT / "task", tmp_path / "task")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    bin_ = tmp_path / "venv" / "bin"
    bin_.mkdir(parents=True)
    for name in ("python", "article2"):
        (bin_ / name).write_text(_RECORDER.format(name=name, log=tmp_path / "calls.log"))
        (bin_ / name).chmod(0o755)
    return tmp_path


def _task(repo: Path, *args: str, path: str | None = None) -> list[str]:
    log = repo / "calls.log"
    log.unlink(missing_ok=True)
    env = {"ARTICLE2_VENV": str(repo / "venv"), "PATH": path or os.environ["PATH"],
           "HOME": str(repo)}  # fmt: skip
    done = subprocess.run(["sh", str(repo / "task"), *args], env=env, capture_output=True,
                          text=True, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return log.read_text().splitlines() if log.exists() else []


def _pip(calls: list[str]) -> list[str]:
    return [c for c in calls if "pip install" in c]


def test_serve_installs_once_then_starts_without_pip(repo):
    first = _task(repo, "serve", "--help")
    assert _pip(first) == ["python -m pip install -q -e .[web]"]
    assert first[-1] == "article2 serve --help"
    again = _task(repo, "serve", "--help")
    assert again == ["article2 serve --help"]  # no pip: nothing changed


def test_a_changed_pyproject_or_new_extras_install_again(repo):
    _task(repo, "serve")
    with (repo / "pyproject.toml").open("a") as f:
        f.write("\n# changed\n")
    assert _pip(_task(repo, "serve")) == ["python -m pip install -q -e .[web]"]
    assert _pip(_task(repo, "serve")) == []
    assert _pip(_task(repo, "bench")) == ["python -m pip install -q -e .[test]"]
    assert _pip(_task(repo, "serve")) == []  # both extras remembered


def test_run_installs_once(repo):
    assert len(_pip(_task(repo, "run"))) == 1
    assert _task(repo, "run") == ["article2 run --serve"]


def test_a_failed_chromium_install_is_not_retried_on_every_start(repo, tmp_path):
    """No chromium on PATH and an apt-get that fails: tried once, then a warning."""
    tools = tmp_path / "tools"
    tools.mkdir()
    apt = tools / "apt-get"
    apt.write_text(f'#!/bin/sh\necho "apt-get $*" >> "{repo / "apt.log"}"\nexit 100\n')
    apt.chmod(0o755)
    for name in ("sh", "sha256sum", "cut", "grep", "id", "mkdir", "cat", "dirname"):
        found = shutil.which(name)
        if found:
            (tools / name).symlink_to(found)
    path = str(tools)
    _task(repo, "run", path=path)
    _task(repo, "run", path=path)
    assert (repo / "apt.log").read_text().count("apt-get update") == 1


def test_start_of_serve_help_through_the_task_runner(repo):
    """The task runner adds little to a start once installed (stand-in article2: the time is
    the runner's own)."""
    _task(repo, "serve")
    started = time.perf_counter()
    _task(repo, "serve", "--help")
    assert time.perf_counter() - started < 1.0
