"""perfdecl's own CI example (.github/workflows/ci.yml): Linux runs the whole suite as
.ci/run does; Windows and macOS runners, which cannot be reached from here, run the
commands a user there runs. Those commands are run here, in order, on a copy of the
checkout: they are the ones the README gives, and they pass."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .conftest import REPO

WORKFLOW = REPO / ".github" / "workflows" / "ci.yml"


def _jobs() -> dict[str, dict]:  # type: ignore[type-arg]
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"]  # type: ignore[no-any-return]


def test_linux_runs_the_suite_as_ci_does_and_the_desktops_are_in_the_matrix() -> None:
    jobs = _jobs()
    suite = [s["run"] for s in jobs["suite"]["steps"] if "run" in s]
    assert suite == ["CI=true bash .ci/run"]
    matrix = jobs["desktop"]["strategy"]["matrix"]
    assert set(matrix["os"]) == {"windows-latest", "macos-latest"}
    assert min(matrix["python-version"]) == "3.11"  # what pyproject.toml requires


@pytest.mark.slow  # builds PDFs
def test_the_desktop_steps_run_in_order_here(tmp_path: Path) -> None:
    steps = [s["run"] for s in _jobs()["desktop"]["steps"] if "run" in s]
    install, commands = steps[0], steps[1:]
    for line in install.splitlines():  # the files the install reads are the repository's
        for word in shlex.split(line):
            if word.startswith("requirements/"):
                assert (REPO / word).is_file(), word
    work = tmp_path / "checkout"
    shutil.copytree(REPO / "declarations", work / "declarations")
    shutil.copytree(REPO / "tests" / "seeds", work / "tests" / "seeds")
    perfdecl = str(Path(sys.executable).parent / "perfdecl")
    env = {**os.environ, "PERFDECL_LANG": "en"}
    for command in commands:
        argv = shlex.split(command)
        assert argv[0] == "perfdecl", command
        done = subprocess.run([perfdecl, *argv[1:]], cwd=work, env=env, capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 0, (command, done.stdout, done.stderr)
    pdfs = sorted(p.name for p in (work / "build").rglob("*.pdf"))
    assert "zhuanyi-jiexu.pdf" in pdfs and len(pdfs) >= 5, pdfs
