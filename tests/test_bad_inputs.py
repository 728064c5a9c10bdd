"""Bad input never gives a traceback: each case in tests/bad/ gives the message in its
.expected file (the whole output, then the exit code) and exit 1."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO

BAD = REPO / "tests" / "bad"
CASES = sorted(p.name for p in BAD.glob("*.yaml"))


def expected_output(result) -> str:  # type: ignore[no-untyped-def]
    return result.stdout + result.stderr + f"exit: {result.exit_code}\n"


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES)
def test_bad_file_gives_its_message(case: str, perfdecl, golden) -> None:  # type: ignore[no-untyped-def]
    result = perfdecl("check", case, cwd=BAD)
    assert result.exit_code == 1
    assert "Traceback" not in result.stdout + result.stderr
    lines = result.stdout.splitlines()
    first = lines[1] if lines[0].startswith("── ") else lines[0]  # (after its form)
    assert first.startswith(f"{case}:"), "the first finding names the file (after the form)"
    golden(BAD / case.replace(".yaml", ".expected"), expected_output(result))


def test_folder_without_declarations(perfdecl, golden) -> None:  # type: ignore[no-untyped-def]
    result = perfdecl("check", "no-declarations", cwd=BAD)
    assert result.exit_code == 1
    golden(BAD / "no-declarations.expected", expected_output(result))


def test_every_case_is_checked_in_one_run(perfdecl) -> None:  # type: ignore[no-untyped-def]
    result = perfdecl("check", ".", cwd=BAD)
    assert result.exit_code == 1
    named = {line.split(":")[0] for line in result.stdout.splitlines() if ".yaml:" in line}
    assert named == set(CASES), "every bad file reports at least one finding in a single run"
    assert result.stdout.rstrip().endswith(f"{len(CASES)} files checked: "
                                           f"{result.stdout.count(': error ')} errors, "
                                           f"{result.stdout.count(': warning ')} warnings")


def test_fifty_megabyte_file_is_refused_without_reading_it(tmp_path: Path, perfdecl) -> None:  # type: ignore[no-untyped-def]
    big = tmp_path / "big.yaml"
    with big.open("wb") as out:
        out.truncate(50 * 1024 * 1024)  # sparse: the size is real, the disk use is not
    result = perfdecl("check", str(big))
    assert result.exit_code == 1
    assert f"{big}:1:1: error Y008: file is 50.0 MB; a declaration may be at most 8 MB" \
        in result.stdout


def test_missing_path_is_wrong_usage(perfdecl) -> None:  # type: ignore[no-untyped-def]
    result = perfdecl("check", "does-not-exist.yaml", cwd=BAD)
    assert result.exit_code == 2
    assert "path not found: does-not-exist.yaml" in result.stderr


def test_unreadable_file(tmp_path: Path) -> None:
    """A file without read permission. Root reads any file, so as root the check runs
    without the capabilities that override file permissions (setpriv, util-linux)."""
    secret = tmp_path / "secret.yaml"
    shutil.copy(BAD / "unknown-key.yaml", secret)
    secret.chmod(0o000)
    command = [sys.executable, "-m", "perfdecl", "check", str(secret)]
    if os.geteuid() == 0:
        command = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", *command]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1, result.stderr
    assert f"{secret}:1:1: error Y011: cannot read the file: permission denied" in result.stdout
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_real_process_prints_no_traceback_on_every_bad_file() -> None:
    result = subprocess.run([sys.executable, "-m", "perfdecl", "check", "."], cwd=BAD,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "internal error" not in result.stderr


def test_too_many_declarations_in_one_run(perfdecl, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """The bound on declarations per run (lowered here so that the examples exceed it)."""
    monkeypatch.setattr("perfdecl.check.MAX_DECLARATIONS", 20)
    result = perfdecl("check", "declarations", cwd=REPO)
    assert result.exit_code == 1
    assert ("declarations: error Y017: 22 declarations in one run; perfdecl takes at most "
            "20 at once") in result.stdout
