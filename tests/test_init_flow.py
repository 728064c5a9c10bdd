"""What `perfdecl init` writes works as written: a repository it made takes its first
commit with the hooks installed (pre-commit, against this checkout), refuses a bad
declaration, and runs its CI files' steps in order, as GitHub and GitLab would run
them. Nothing comes from the network: the CI files' install line is resolved against
this checkout, not installed, and the step that posts the diff is compared with a
golden file instead (it needs a token and a server)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from .conftest import DECLARATIONS, REPO
from .test_precommit import first_commit, git, hooks_env, snapshot

pytestmark = pytest.mark.slow  # pre-commit makes its own environment

BIN = Path(sys.executable).parent
UNIT = Path("2024") / "yangxin-ylbx"


def _steps_run(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """A CI step's script, as the runners run it: bash, stopping at the first failure."""
    return subprocess.run(["bash", "-eo", "pipefail", "-c", script], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


def _resolves(spec: str, env: dict[str, str], cwd: Path) -> None:
    """pip takes the CI files' requirement (the URL and the commit `init` pinned):
    it fetches and prepares it, and installs nothing."""
    done = subprocess.run([str(BIN / "python"), "-m", "pip", "install", "--dry-run",
                           "--no-deps", "--no-build-isolation", "--no-index", spec],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Would install perfdecl" in done.stdout, done.stdout


def _url(folder: Path) -> str:
    """The URL init gives a folder on this machine."""
    return "file://localhost/" + folder.as_uri().removeprefix("file:///")


def test_a_repository_made_by_init_commits_with_its_hooks_and_runs_its_ci(
        tmp_path: Path, golden: Callable[[Path, str], None]) -> None:
    env = hooks_env(tmp_path)
    source = tmp_path / "perfdecl"
    rev = snapshot(env, source)

    user = tmp_path / "declarations-repo"
    user.mkdir()
    git("init", "-q", "-b", "main", cwd=user, env=env)
    made = subprocess.run([str(BIN / "perfdecl"), "init", "--source", str(source)], cwd=user,
                          env=env, capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stdout + made.stderr
    hooks = yaml.safe_load((user / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert (hooks["repos"][0]["repo"], hooks["repos"][0]["rev"]) == (_url(source), rev)
    shutil.copytree(DECLARATIONS / UNIT, user / "declarations" / UNIT)

    # the first commit, with the hooks installed as init's file says
    first = first_commit(user, env, "declarations of 2024")
    assert re.search(r"perfdecl check\.+Passed", first), first
    assert re.search(r"perfdecl fmt\.+Passed", first), first
    base = git("rev-parse", "HEAD", cwd=user, env=env).stdout.strip()

    # a declaration with an error is refused; the same change, well written, is taken
    edited = user / "declarations" / UNIT / "jihe-gongzuo.yaml"
    text = edited.read_text(encoding="utf-8")
    assert "target: 1380户" in text
    edited.write_text(text.replace("fiscal_year: 2024", "fiscal_yaer: 2024", 1), encoding="utf-8")
    git("add", "-A", cwd=user, env=env)
    refused = git("commit", "-m", "a typo", cwd=user, env=env)
    assert refused.returncode != 0 and "- hook id: perfdecl-check" in refused.stdout
    assert "unknown field `fiscal_yaer`" in refused.stdout
    edited.write_text(text.replace("target: 1380户", "target: ≥1500户", 1), encoding="utf-8")
    git("add", "-A", cwd=user, env=env)
    taken = git("commit", "-m", "more households", cwd=user, env=env)
    assert taken.returncode == 0, taken.stdout

    # GitHub Actions: each `run:` step in order, as a pull request's job runs them
    workflow = yaml.safe_load((user / ".github/workflows/perfdecl.yml").read_text("utf-8"))
    summary = tmp_path / "summary.md"
    values = {"BASE": base, "PR": "5", "GH_TOKEN": ""}
    bodies = []
    for step in workflow["jobs"]["declarations"]["steps"]:
        if "run" not in step:  # an action of GitHub's: checkout, setup-python, upload
            continue
        if "pip install" in step["run"]:
            spec = re.search(r'pip install "([^"]+)"', step["run"])
            assert spec is not None and spec[1] == f"perfdecl[build] @ git+{_url(source)}@{rev}"
            _resolves(spec[1], env, tmp_path)
            continue
        if "gh " in step["run"]:  # posts diff.md: needs GitHub
            bodies.append((user / "diff.md").read_text(encoding="utf-8"))
            continue
        step_env = {**env, **workflow["env"], "GITHUB_STEP_SUMMARY": str(summary),
                    **{k: values[k] for k in step.get("env", {})}}
        done = _steps_run(step["run"], user, step_env)
        assert done.returncode == 0, (step.get("name"), done.stdout, done.stderr)
    assert (user / "build" / UNIT / "yangxin-ylbx-2024.pdf").is_file()
    assert (user / "build" / "2024.zip").is_file()
    assert "稽核工作费用" in summary.read_text(encoding="utf-8")

    # GitLab CI: the jobs' scripts in order, in a merge request's pipeline
    (user / "diff.md").unlink()
    shutil.rmtree(user / "build")
    pipeline = yaml.safe_load((user / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    spec = re.search(r'pip install "([^"]+)"', pipeline["before_script"][-1])
    assert spec is not None and spec[1] == f"perfdecl[build] @ git+{_url(source)}@{rev}"
    job_env = {**env, **{k: str(v) for k, v in pipeline["variables"].items()},
               "CI_MERGE_REQUEST_DIFF_BASE_SHA": base}
    for job in ("perfdecl", "perfdecl-diff"):
        for script in pipeline[job]["script"]:
            if "PERFDECL_TOKEN" in script:  # posts diff.md: needs GitLab and a token
                bodies.append((user / "diff.md").read_text(encoding="utf-8"))
                continue
            done = _steps_run(script, user, job_env)
            assert done.returncode == 0, (job, script, done.stdout, done.stderr)
    assert (user / "build" / UNIT / "yangxin-ylbx-2024.docx").is_file()

    # the comment and the note say the same, as a reviewer reads it
    assert len(bodies) == 2 and bodies[0] == bodies[1]
    assert "1500户" in bodies[0] and bodies[0].endswith("<!-- perfdecl diff -->\n")
    golden(REPO / "tests" / "ci-diff.expected.md", bodies[0])
