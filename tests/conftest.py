"""Shared test helpers: the repository's paths, the CLI runner, golden files.

Golden files hold output someone has read; `pytest --update-golden` rewrites them
after a deliberate change (then read the diff before committing).
"""

from __future__ import annotations

import fcntl
import os
import resource
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from perfdecl import i18n
from perfdecl.repository import Repository

i18n.activate("en")  # the expected outputs are English, whatever this machine's locale
from perfdecl.cli import app  # noqa: E402  (its help is translated as it is defined)

REPO = Path(__file__).resolve().parents[1]
HOSTILE_EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "200"))


def at_length(cases: int) -> int:
    """A fuzzing property's number of cases: `cases` in the regular suite, scaled with
    HOSTILE_EXAMPLES (200 by default; `nox -s fuzz` sets 10,000, fifty times as many)."""
    return max(1, cases * HOSTILE_EXAMPLES // 200)
DECLARATIONS = REPO / "declarations"
SEEDS = REPO / "tests" / "seeds"
HERE = Repository.at(REPO)
"""This checkout as the repository the library is pointed at (its declarations/ and seeds)."""


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite golden files with the current output")


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Callable[[Path, str], None]:
    update = request.config.getoption("--update-golden")

    def compare(path: Path, actual: str) -> None:
        if update or not path.exists():
            if not update:
                pytest.fail(f"golden file {path} is missing; run pytest --update-golden and "
                            "read it")
            path.write_text(actual, encoding="utf-8")
        assert actual == path.read_text(encoding="utf-8"), f"output differs from {path}"

    return compare


class Run:
    def __init__(self, exit_code: int, stdout: str, stderr: str) -> None:
        self.exit_code, self.stdout, self.stderr = exit_code, stdout, stderr


@pytest.fixture
def perfdecl(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Run]:
    """Runs the CLI in-process: perfdecl("check", "x.yaml", cwd=folder); from the
    checkout by default, as `run` does."""
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setenv("COLUMNS", "200")

    def run(*args: str, cwd: Path = REPO) -> Run:
        before = Path.cwd()
        os.chdir(cwd)
        try:
            result = CliRunner().invoke(app, list(args), catch_exceptions=False)
        finally:
            os.chdir(before)
            i18n.activate("en", application=True)  # a run with --lang zh: for itself only
        return Run(result.exit_code, result.stdout, result.stderr)

    return run


def run(*args: str, cwd: Path = REPO, env: dict[str, str] | None = None, timeout: int = 600,
        limit_memory: int | None = None, drop: Iterable[str] = ()
        ) -> subprocess.CompletedProcess[str]:
    """perfdecl in a process of its own, as a user runs it: plain output 200 columns wide,
    `env` added to the environment and the variables in `drop` taken out of it, and at most
    `limit_memory` bytes of memory. (The `perfdecl` fixture runs it in this process.)"""
    environ = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", *drop)}
    environ.update(COLUMNS="200", NO_COLOR="1", **(env or {}))

    def limits() -> None:
        if limit_memory:
            resource.setrlimit(resource.RLIMIT_AS, (limit_memory, limit_memory))

    return subprocess.run([sys.executable, "-m", "perfdecl", *args], cwd=cwd, text=True,
                          capture_output=True, timeout=timeout, env=environ,
                          preexec_fn=limits if limit_memory else None)


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """declarations/ built once for the whole suite, in every format, each declaration in
    its own layout. Shared: a test that adds files works on a copy. The suite's workers
    (pytest-xdist) share it too: they take turns (a lock beside it; a second build
    into a folder being written is refused), and those after the first find it up to
    date."""
    if "PYTEST_XDIST_WORKER" not in os.environ:
        out = tmp_path_factory.mktemp("build") / "build"
        result = run("build", "declarations", "--out", str(out))
        assert result.returncode == 0, result.stdout + result.stderr
        return out
    out = tmp_path_factory.getbasetemp().parent / "examples" / "build"
    out.parent.mkdir(parents=True, exist_ok=True)
    with (out.parent / "turn.lock").open("w") as turn:
        fcntl.flock(turn, fcntl.LOCK_EX)
        result = run("build", "declarations", "--out", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    return out
