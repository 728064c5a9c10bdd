"""perfdecl's pre-commit hooks, run by pre-commit itself: a repository that uses this one's
.pre-commit-hooks.yaml (at a commit, as any user's configuration names it) cannot commit a
declaration with errors, and commits a good one."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .conftest import DECLARATIONS, REPO

pytestmark = pytest.mark.slow  # pre-commit makes its own environments

PRE_COMMIT = Path(sys.executable).parent / "pre-commit"


def git(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """git, with its and the hooks' output together in stdout."""
    return subprocess.run(["git", *args], cwd=cwd, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=600)


def snapshot(env: dict[str, str], into: Path) -> str:
    """This repository's working tree (committed or not, without ignored files) as a
    commit of a repository of its own; returns the commit."""
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=REPO,
                           capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, files):
        source = REPO / name
        if source.is_file():
            target = into / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.read_bytes())
    git("init", "-q", cwd=into, env=env)
    git("add", "-A", cwd=into, env=env)
    assert git("commit", "-q", "-m", "perfdecl", cwd=into, env=env).returncode == 0
    return git("rev-parse", "HEAD", cwd=into, env=env).stdout.strip()


def hooks_env(tmp_path: Path) -> dict[str, str]:
    """An environment for git and pre-commit in a test: its own pre-commit cache and
    git identity, no user's git configuration, this environment's pre-commit."""
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"),
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
           "PATH": f"{PRE_COMMIT.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    for name in ("PERFDECL_DEBUG", "PERFDECL_LANG", "SOURCE_DATE_EPOCH"):
        env.pop(name, None)
    return env


def first_commit(user: Path, env: dict[str, str], message: str) -> str:
    """The hooks installed (pre-commit install) and everything committed: git's output,
    the hooks' included."""
    install = subprocess.run([str(PRE_COMMIT), "install"], cwd=user, env=env,
                             capture_output=True, text=True, timeout=600)
    assert install.returncode == 0, install.stdout + install.stderr
    git("add", "-A", cwd=user, env=env)
    done = git("commit", "-m", message, cwd=user, env=env)
    assert done.returncode == 0, done.stdout
    return done.stdout


def test_hooks_file_names_check_and_fmt() -> None:
    hooks = {h["id"]: h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(
        encoding="utf-8"))}
    assert hooks["perfdecl-check"]["entry"] == "perfdecl check"
    assert hooks["perfdecl-fmt"]["entry"] == "perfdecl fmt --check"
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["files"] == r"^declarations/.*\.ya?ml$"


def test_a_failing_check_blocks_the_commit(tmp_path: Path) -> None:
    assert PRE_COMMIT.exists(), "pre-commit is missing: run ./scripts/setup --dev"
    env = hooks_env(tmp_path)
    hooks_repo = tmp_path / "perfdecl"
    rev = snapshot(env, hooks_repo)

    user = tmp_path / "declarations-repo"
    user.mkdir()
    git("init", "-q", cwd=user, env=env)
    (user / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hooks_repo.as_posix()}\n    rev: {rev}\n    hooks:\n"
        "      - id: perfdecl-check\n      - id: perfdecl-fmt\n", encoding="utf-8")
    unit = user / "declarations" / "2023" / "shifeng-sbzx"
    unit.parent.mkdir(parents=True)
    shutil.copytree(DECLARATIONS / "2023" / "shifeng-sbzx", unit)
    good = first_commit(user, env, "good declarations")
    assert "perfdecl check" in good and "Passed" in good
    # the hooks check and format: their environment has perfdecl without its converters
    installed = {p.name.partition("-")[0].lower()
                 for p in (tmp_path / "cache").rglob("*.dist-info")}
    assert "perfdecl" in installed and not installed & {"pypandoc_binary", "typst"}

    bad = unit / "kunnan-daijiao.yaml"
    text = bad.read_text(encoding="utf-8")
    bad.write_text(text.replace("fiscal_year: 2023", "fiscal_yaer: 2023", 1), encoding="utf-8")
    git("add", "-A", cwd=user, env=env)
    refused = git("commit", "-m", "a typo", cwd=user, env=env)
    assert refused.returncode != 0
    assert "unknown field `fiscal_yaer`" in refused.stdout
    assert "- hook id: perfdecl-check" in refused.stdout
    log = git("log", "--format=%s", cwd=user, env=env).stdout.split("\n")
    assert log[0] == "good declarations"  # nothing committed

    bad.write_text(text.replace("target: 100%", "target: ≥99%", 1), encoding="utf-8")
    git("add", "-A", cwd=user, env=env)
    fixed = git("commit", "-m", "fixed", cwd=user, env=env)
    assert fixed.returncode == 0, fixed.stdout
    assert "Failed" not in fixed.stdout
    assert git("log", "--format=%s", cwd=user, env=env).stdout.split("\n")[0] == "fixed"
