"""The README's two set-ups (scripts/setup): the first installs only what `build` needs
and, with a Chinese font on the system, needs neither root nor a Debian package, nor
Node; the second adds the test bench. Run on a copy of the script with the system's
package tools replaced by stubs that record what they are asked (the Python packages
are already installed: the stamp says so), as a user who is not root."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import REPO

STUB = """#!/bin/sh
echo "$(basename "$0") $*" >> "{log}"
{body}
"""
STUBS = {
    "apt-get": "exit 0",
    "sudo": 'exec "$@"',
    "npm": "exit 0",
    "dpkg-query": "exit 1",  # nothing installed: every package asked for is missing
    "id": 'if [ "$1" = "-u" ]; then echo 1000; else exec /usr/bin/id "$@"; fi',
}


def _setup(tmp_path: Path, *args: str) -> tuple[int, list[str], str]:
    """Runs a copy of scripts/setup with `args`; its exit code, the package tools it ran
    (`apt-get install …`, `npm ci …`) and its output."""
    work = tmp_path / "checkout"
    shutil.copytree(REPO / "scripts", work / "scripts")
    shutil.copytree(REPO / "requirements", work / "requirements")
    shutil.copy(REPO / "pyproject.toml", work)
    (work / "package-lock.json").write_text("{}", encoding="utf-8")
    venv = work / ".venv" / "bin"
    venv.mkdir(parents=True)
    (venv / "python").write_text(f'#!/bin/sh\nexec "{REPO / ".venv" / "bin" / "python"}" "$@"\n')
    (venv / "python").chmod(0o755)  # this checkout's environment, as the one set up
    for lock in ("run.txt", "dev.txt"):  # the packages are there: pip is not run again
        wanted = hashlib.sha256((work / "requirements" / lock).read_bytes() +
                                (work / "pyproject.toml").read_bytes()).hexdigest()
        if (lock == "dev.txt") == ("--dev" in args):
            (work / ".venv" / ".perfdecl-installed").write_text(wanted + "\n")
    stubs, log = tmp_path / "stubs", tmp_path / "calls.log"
    stubs.mkdir()
    log.touch()
    for name, body in STUBS.items():
        (stubs / name).write_text(STUB.format(log=log, body=body))
        (stubs / name).chmod(0o755)
    env = {**os.environ, "PATH": f"{stubs}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(["bash", "scripts/setup", *args], cwd=work, env=env,
                          capture_output=True, text=True, timeout=120)
    calls = [c for c in log.read_text().splitlines()
             if not c.startswith(("dpkg-query", "id "))]
    return done.returncode, calls, done.stdout + done.stderr


def test_the_first_command_needs_no_root_no_debian_package_and_no_node(
        tmp_path: Path) -> None:
    code, calls, said = _setup(tmp_path)
    assert code == 0, said
    assert calls == [], calls  # the system's Chinese font is enough


def test_the_second_adds_the_test_bench(tmp_path: Path) -> None:
    code, calls, said = _setup(tmp_path, "--dev")
    assert code == 0, said
    installs = [c for c in calls if c.startswith("apt-get install")]
    assert len(installs) == 1, calls
    for package in ("poppler-utils", "libreoffice-writer", "fonts-liberation", "chromium"):
        assert package in installs[0].split()
    assert "fonts-noto-cjk" not in installs[0]  # the system has a Chinese font
    assert any(c.startswith("npm ci") for c in calls), calls


def test_the_lock_of_the_first_command_holds_no_test_tool() -> None:
    run = (REPO / "requirements" / "run.txt").read_text(encoding="utf-8")
    pinned = {line.split("==")[0] for line in run.splitlines() if "==" in line
              and not line.startswith((" ", "#"))}
    assert {"pypandoc-binary", "typst", "jinja2", "ruamel-yaml"} <= pinned
    assert not pinned & {"pytest", "mypy", "ruff", "hypothesis", "pre-commit", "pipx", "uv"}


if shutil.which("bash") is None:  # (the set-up is a bash script)
    pytest.skip("no bash", allow_module_level=True)
