"""perfdecl init (a declarations repository), perfdecl new KIND (a blank declaration),
--version and shell completion."""

from __future__ import annotations

import http.server
import json
import os
import re
import subprocess
import sys
import threading
import tomllib
from pathlib import Path
from typing import Any, ClassVar

import pytest
import yaml as pyyaml
from ruamel.yaml import YAML

from perfdecl import __version__
from perfdecl.domain import KINDS
from perfdecl.framework import FRAMEWORK
from perfdecl.resources import data_dir
from perfdecl.scaffold import SCAFFOLD_FILES, properties
from perfdecl.schema import resolve, schema_of

from .conftest import DECLARATIONS, REPO

YEAR = 2025
INIT_FILES = ("perfdecl.toml", ".gitignore", ".gitattributes", ".pre-commit-config.yaml",
              ".vscode/settings.json", ".github/workflows/perfdecl.yml", ".gitlab-ci.yml")


# ---------------------------------------------------------------------------- init

def test_init_scaffolds_a_repository(tmp_path: Path, perfdecl) -> None:  # type: ignore[no-untyped-def]
    result = perfdecl("init", "repo", "--year", str(YEAR), "--source",
                      "https://git.example.org/perfdecl.git", cwd=tmp_path)
    assert result.exit_code == 0, result.stdout + result.stderr
    root = tmp_path / "repo"
    for name in INIT_FILES:
        assert (root / name).is_file(), name
        assert f"wrote {Path('repo') / name}" in result.stdout
    assert (root / "declarations" / str(YEAR)).is_dir()

    config = tomllib.loads((root / "perfdecl.toml").read_text(encoding="utf-8"))
    assert config == {"layout": "national"}
    toml_text = (root / "perfdecl.toml").read_text(encoding="utf-8")
    assert "unit.id" in toml_text and "fiscal_year" in toml_text and str(YEAR) in toml_text
    assert (root / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "build/"
    assert "declarations/**/*.yaml diff=perfdecl" in (
        root / ".gitattributes").read_text(encoding="utf-8").splitlines()

    hooks = pyyaml.safe_load((root / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    [repo] = hooks["repos"]
    assert repo["repo"] == "https://git.example.org/perfdecl.git"
    assert repo["rev"] == f"v{__version__}"
    ours = {h["id"] for h in pyyaml.safe_load(
        (REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    assert {h["id"] for h in repo["hooks"]} == {"perfdecl-check", "perfdecl-fmt"} <= ours

    # the schemas are in the repository, so nothing points at one machine's installation
    settings = json.loads((root / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    assert settings["yaml.schemas"] == {"./schema/declaration.json": "declarations/**/*.yaml"}
    installed = data_dir("schema")
    for schema in installed.glob("*.json"):
        assert (root / "schema" / schema.name).read_bytes() == schema.read_bytes()
        assert f"wrote {Path('repo') / 'schema' / schema.name}" in result.stdout
    assert str(installed) not in "".join(
        p.read_text(encoding="utf-8") for p in root.rglob("*") if p.is_file())


def test_init_takes_the_git_url_and_commit_perfdecl_was_installed_from(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """pip records where a package installed from git came from (PEP 610): the hooks
    and CI install that same commit."""
    import importlib.metadata

    import perfdecl.scaffold as scaffold

    commit = "0123456789abcdef0123456789abcdef01234567"
    origin = {"url": "file:///srv/git/perfdecl", "vcs_info": {"vcs": "git", "commit_id": commit}}

    class Installed:
        def read_text(self, name: str) -> str | None:
            return json.dumps(origin) if name == "direct_url.json" else None

    monkeypatch.setattr(importlib.metadata, "distribution", lambda name: Installed())
    result = scaffold.init(tmp_path, year=YEAR)
    assert result.source == "file://localhost/srv/git/perfdecl"
    hooks = pyyaml.safe_load((tmp_path / ".pre-commit-config.yaml").read_text("utf-8"))
    assert hooks["repos"][0]["repo"] == "file://localhost/srv/git/perfdecl"
    assert hooks["repos"][0]["rev"] == commit
    assert f"git+file://localhost/srv/git/perfdecl@{commit}" in (
        tmp_path / ".gitlab-ci.yml").read_text("utf-8")


def test_init_from_a_checkout_pins_its_url_and_commit(tmp_path: Path, perfdecl) -> None:  # type: ignore[no-untyped-def]
    """`--source` a folder on this machine: pip refuses `git+/srv/perfdecl@…`, and a
    version's tag may not exist there, so the hooks and CI get its file:// URL and the
    commit it is at."""
    checkout = tmp_path / "perfdecl checkout"
    checkout.mkdir()
    for args in (["init", "-q"], ["-c", "user.name=a", "-c", "user.email=a@b", "commit", "-q",
                                  "--allow-empty", "-m", "start"]):
        subprocess.run(["git", *args], cwd=checkout, check=True, capture_output=True)
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=checkout, check=True,
                          capture_output=True, text=True).stdout.strip()
    repo = tmp_path / "repo"
    repo.mkdir()
    assert perfdecl("init", "--source", "../perfdecl checkout", cwd=repo).exit_code == 0
    url = "file://localhost/" + checkout.resolve().as_uri().removeprefix("file:///")
    assert "%20" in url  # a name with a space, as pip and git take it
    hooks = pyyaml.safe_load((repo / ".pre-commit-config.yaml").read_text("utf-8"))
    assert (hooks["repos"][0]["repo"], hooks["repos"][0]["rev"]) == (url, head)
    assert f'pip install "perfdecl[build] @ git+{url}@{head}"' in (
        repo / ".gitlab-ci.yml").read_text("utf-8")


def test_init_ci_examples(tmp_path: Path, perfdecl) -> None:  # type: ignore[no-untyped-def]
    assert perfdecl("init", "--source", "https://git.example.org/perfdecl.git",
                    cwd=tmp_path).exit_code == 0
    install = ("pip install \"perfdecl[build] @ git+https://git.example.org/perfdecl.git"
               f"@v{__version__}\"")

    github = pyyaml.safe_load((tmp_path / ".github/workflows/perfdecl.yml").read_text("utf-8"))
    steps = github["jobs"]["declarations"]["steps"]
    runs = "\n".join(s.get("run", "") for s in steps)
    assert install in runs
    assert "perfdecl check" in runs and "perfdecl build" in runs
    assert 'perfdecl diff --rev "$BASE..HEAD" --format markdown' in runs
    assert "gh pr comment" in runs
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-artifact"))
    assert upload["with"]["path"] == "build/"
    assert github["permissions"]["pull-requests"] == "write"

    gitlab = pyyaml.safe_load((tmp_path / ".gitlab-ci.yml").read_text("utf-8"))
    assert install in gitlab["before_script"]
    assert gitlab["perfdecl"]["script"] == ["perfdecl check", "perfdecl build"]
    assert gitlab["perfdecl"]["artifacts"]["paths"] == ["build/"]
    diff = "\n".join(gitlab["perfdecl-diff"]["script"])
    assert ('perfdecl diff --rev "$CI_MERGE_REQUEST_DIFF_BASE_SHA..HEAD" --format markdown'
            in diff)
    assert "merge_requests/{os.environ['CI_MERGE_REQUEST_IID']}/notes" in diff
    for ci in (github["env"], gitlab["variables"]):  # the README's advice, followed
        assert ci["PERFDECL_LANG"] == "zh"
    comment = next(s for s in steps if "gh pr comment" in s.get("run", ""))
    assert "head.repo.full_name == github.repository" in comment["if"]  # not from forks
    summary = next(s for s in steps if "GITHUB_STEP_SUMMARY" in s.get("run", ""))
    assert "full_name" not in summary["if"]  # a fork's pull request sees its diff there


class _FakeGitLab(http.server.BaseHTTPRequestHandler):
    """A merge request's notes, as GitLab's API serves them."""

    notes: ClassVar[list[dict[str, Any]]] = []
    calls: ClassVar[list[str]] = []

    def _send(self, answer: Any) -> None:
        data = json.dumps(answer).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self.calls.append(f"GET {self.path}")
        self._send(self.notes)

    def _body(self) -> str:
        sent = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        assert self.headers["PRIVATE-TOKEN"] == "secret"
        return str(sent["body"])

    def do_POST(self) -> None:
        self.calls.append(f"POST {self.path}")
        self.notes.append({"id": len(self.notes) + 7, "body": self._body()})
        self._send(self.notes[-1])

    def do_PUT(self) -> None:
        self.calls.append(f"PUT {self.path}")
        note = next(n for n in self.notes if self.path.endswith(f"/notes/{n['id']}"))
        note["body"] = self._body()
        self._send(note)

    def log_message(self, *args: Any) -> None:
        pass


def test_the_gitlab_diff_is_one_note_updated_on_each_push(tmp_path: Path, perfdecl) -> None:  # type: ignore[no-untyped-def]
    """The merge request's diff note, run as the job runs it against a stand-in for
    GitLab's API: the first push posts one note, the next updates it (no new note each
    push), and without the token (a fork's merge request) the diff is in the log."""
    assert perfdecl("init", "--source", "https://git.example.org/perfdecl.git",
                    cwd=tmp_path).exit_code == 0
    script = pyyaml.safe_load((tmp_path / ".gitlab-ci.yml").read_text("utf-8"))[
        "perfdecl-diff"]["script"]
    _FakeGitLab.notes, _FakeGitLab.calls = [{"id": 3, "body": "a reviewer's note"}], []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _FakeGitLab)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    environ = {**os.environ, "CI_API_V4_URL": f"http://127.0.0.1:{server.server_port}/api/v4",
               "CI_PROJECT_ID": "12", "CI_MERGE_REQUEST_IID": "5", "PERFDECL_TOKEN": "secret"}
    try:
        for push in ("first", "second"):
            (tmp_path / "diff.md").write_text(f"## {push}\n\n<!-- perfdecl diff -->\n",
                                               encoding="utf-8")
            done = subprocess.run(["bash", "-ec", script[-1]], cwd=tmp_path, env=environ,
                                  capture_output=True, text=True, timeout=60)
            assert done.returncode == 0, done.stderr
        without = subprocess.run(["bash", "-ec", script[-1]], cwd=tmp_path, capture_output=True,
                                 env={k: v for k, v in environ.items() if k != "PERFDECL_TOKEN"},
                                 text=True, timeout=60)
    finally:
        server.shutdown()
    assert [n["body"] for n in _FakeGitLab.notes] == [
        "a reviewer's note", "## second\n\n<!-- perfdecl diff -->\n"]
    assert [c.split("?")[0] for c in _FakeGitLab.calls] == [
        "GET /api/v4/projects/12/merge_requests/5/notes", "POST /api/v4/projects/12/merge_requests/5/notes",
        "GET /api/v4/projects/12/merge_requests/5/notes", "PUT /api/v4/projects/12/merge_requests/5/notes/8"]
    assert without.returncode == 0 and "the diff is above" in without.stdout


def test_init_defaults_to_this_year_and_notes_a_missing_url(  # type: ignore[no-untyped-def]
        tmp_path: Path, perfdecl, monkeypatch: pytest.MonkeyPatch) -> None:
    import perfdecl.scaffold as scaffold

    monkeypatch.setattr(scaffold, "perfdecl_source", lambda: (scaffold.PERFDECL_GIT, None))
    result = perfdecl("init", cwd=tmp_path)
    assert result.exit_code == 0
    year = scaffold.current_fiscal_year()
    assert (tmp_path / "declarations" / str(year) / ".gitkeep").is_file()
    assert "PERFDECL_GIT_URL" in result.stdout  # says what to replace
    assert "PERFDECL_GIT_URL" in (tmp_path / ".pre-commit-config.yaml").read_text("utf-8")


def test_init_refuses_to_overwrite(tmp_path: Path, perfdecl) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / ".gitignore").write_text("mine\n", encoding="utf-8")
    (tmp_path / ".vscode").mkdir()
    (tmp_path / ".vscode" / "settings.json").write_text("{}", encoding="utf-8")
    result = perfdecl("init", str(tmp_path), "--year", str(YEAR))
    assert result.exit_code == 1
    assert ".gitignore" in result.stderr and "settings.json" in result.stderr
    assert "perfdecl.toml" not in result.stderr
    assert (tmp_path / ".gitignore").read_text(encoding="utf-8") == "mine\n"
    assert not (tmp_path / "perfdecl.toml").exists()  # nothing written


def test_init_needs_the_parent_folder(tmp_path: Path, perfdecl) -> None:  # type: ignore[no-untyped-def]
    result = perfdecl("init", str(tmp_path / "missing" / "repo"))
    assert result.exit_code == 2
    assert "folder not found" in result.stderr
    assert perfdecl("init", str(tmp_path), "--year", "99").exit_code == 2


def test_scaffold_templates_ship_in_the_wheel() -> None:
    # the wheel force-includes templates/ (test_package checks the wheel itself)
    folder = REPO / "templates" / "_scaffold"
    assert sorted(p.name for p in folder.iterdir()) == sorted(n for n, _ in SCAFFOLD_FILES)


def test_init_then_new_then_check(tmp_path: Path, perfdecl) -> None:  # type: ignore[no-untyped-def]
    """The new repository works: a blank declaration goes where check looks."""
    assert perfdecl("init", "--year", str(YEAR), cwd=tmp_path).exit_code == 0
    sub = tmp_path / "declarations"
    result = perfdecl("new", "project", "--unit", "u1", "--year", str(YEAR), "--id", "p1",
                      cwd=sub)  # from a subfolder: still the repository's declarations/
    assert result.exit_code == 0, result.stderr
    assert (sub / str(YEAR) / "u1" / "p1.yaml").is_file()
    check = perfdecl("check", cwd=tmp_path)
    assert check.exit_code == 1
    assert "S003" in check.stdout
    # the modeline points at the repository's own schema, relatively
    modeline = (sub / str(YEAR) / "u1" / "p1.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert modeline == "# yaml-language-server: $schema=../../../schema/declaration.json"


# ---------------------------------------------------------------------------- new KIND

def _new(perfdecl, where: Path, kind: str, *extra: str) -> Path:  # type: ignore[no-untyped-def]
    result = perfdecl("new", kind, "--unit", "shigu-sbzx", "--year", str(YEAR), *extra,
                      cwd=where)
    assert result.exit_code == 0, result.stdout + result.stderr
    written = re.search(r"wrote (\S+):", result.stdout)
    assert written
    return where / written.group(1)


@pytest.mark.parametrize("kind", KINDS)
def test_new_writes_every_field_in_the_schema_order(  # type: ignore[no-untyped-def]
        tmp_path: Path, perfdecl, kind: str) -> None:
    (tmp_path / ".git").mkdir()  # the repository root
    file = _new(perfdecl, tmp_path, kind, "--id", "x1", "--name", "城乡居民养老保险")
    assert "name: 城乡居民养老保险" in file.read_text(encoding="utf-8")
    assert file == tmp_path / "declarations" / str(YEAR) / "shigu-sbzx" / "x1.yaml"
    text = file.read_text(encoding="utf-8")
    lines = text.splitlines()

    modeline = lines[0]
    assert modeline.startswith("# yaml-language-server: $schema=")
    schema_file = Path(modeline.split("=", 1)[1])
    assert schema_file.is_absolute() and schema_file.name == "declaration.json"
    assert schema_file.is_file()

    data = YAML(typ="rt").load(text)
    fields = properties(kind)
    commented = {"layout", "order"}
    assert list(data) == [name for name, _, _ in fields if name not in commented]
    # every field shows up in order, the commented ones as `# name:` lines
    keys = [m.group(1) for m in (re.match(r"^(?:# )?([a-z_]+):", line) for line in lines) if m]
    assert keys == [name for name, _, _ in fields]
    assert data["kind"] == kind and data["id"] == "x1" and data["fiscal_year"] == YEAR
    assert data["name"] == "城乡居民养老保险" and data["unit"]["id"] == "shigu-sbzx"
    assert "# layout: national" in lines
    assert perfdecl("fmt", "--check", str(file)).exit_code == 0

    # each field has its Chinese title in the comment above it
    for name, schema, required in fields:
        index = next(i for i, line in enumerate(lines)
                     if re.match(rf"^(# )?{name}:", line))
        comment = lines[index - 1]
        assert comment.startswith("# ") and schema["title"] in comment, (name, comment)
        assert ("【必填】" in comment) == required

    # the whole indicator framework (current generation), in both terms
    for term in ("long_term", "annual"):
        tree = data["indicators"][term]
        assert list(tree) == list(FRAMEWORK)
        assert list(tree["产出指标"]) == ["数量指标", "质量指标", "时效指标"]
        for level1, children in FRAMEWORK.items():
            if level1 != "产出指标":
                assert list(tree[level1]) == list(children)
            for group in tree[level1].values():
                assert list(group[0]) == ["name", "target", "standard", "note"]


@pytest.mark.parametrize("kind", KINDS)
def test_a_blank_declaration_fails_check_until_filled(  # type: ignore[no-untyped-def]
        tmp_path: Path, perfdecl, kind: str) -> None:
    (tmp_path / ".git").mkdir()
    file = _new(perfdecl, tmp_path, kind, "--id", "x1")
    assert perfdecl("fmt", "--check", str(file)).exit_code == 0  # already canonical

    check = perfdecl("check", "-f", "json", str(file))
    assert check.exit_code == 1
    findings = json.loads(check.stdout)["findings"]
    empty = {tuple(f["path"].replace("[", ".[").split(".")) for f in findings
             if f["code"] == "S003"}
    placeholders = list(_empty_values(YAML(typ="rt").load(file.read_text("utf-8"))))
    assert len(placeholders) > 30
    assert len(empty) == len(placeholders)  # every value still to fill is reported
    assert all(f["severity"] == "error" for f in findings if f["code"].startswith("S"))

    # filled in, it passes
    text = file.read_text(encoding="utf-8")
    data = YAML(typ="rt").load(text)
    _fill(data, kind)
    out = tmp_path / "filled.yaml"
    YAML(typ="rt").dump(data, out)
    filled = file.parent / "x1.yaml"
    filled.write_text(out.read_text(encoding="utf-8"), encoding="utf-8")
    result = perfdecl("check", "-f", "json", str(filled))
    errors = [f for f in json.loads(result.stdout)["findings"] if f["severity"] == "error"]
    assert errors == [] and result.exit_code == 0


def _empty_values(node: Any, path: tuple[Any, ...] = ()) -> Any:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _empty_values(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _empty_values(value, (*path, i))
    elif node is None:
        yield path


def _fill(data: Any, kind: str) -> None:
    """Puts a plausible value in every empty field, by its schema."""
    counter = iter(range(10_000))

    def value(schema: dict[str, Any], key: Any, level2: str | None) -> Any:
        if "enum" in schema:
            return schema["enum"][0]
        kind_ = schema.get("type")
        if kind_ == "integer":
            return YEAR
        if kind_ == "number":
            return 0
        if schema.get("format") == "date":
            return f"{YEAR - 1}-10-08"
        pattern = schema.get("pattern", "")
        if "1[3-9]" in pattern:
            return "8177159"
        if "1[0-2]" in pattern:  # a month
            return f"{YEAR}-12" if key == "end" else f"{YEAR}-01"
        if pattern == "^[0-9]{3}$":
            return "208"
        if pattern == "^[0-9]{2}$":
            return "01"
        if "A-Za-z" in pattern:
            return "123"
        if key == "target" or schema.get("title") == "指标值":
            if level2 == "时效指标":
                return f"{YEAR}年底前"
            if level2 and "成本" in level2:
                return "≤10万元"
            return "≥95%"
        return f"第{next(counter)}项内容"

    def walk(node: Any, schema: dict[str, Any], document: str, level2: str | None) -> None:
        schema, document = resolve(schema, document)
        if isinstance(node, dict):
            for key in list(node):
                sub = schema.get("properties", {}).get(key)
                assert sub is not None, key
                here = key if key in {c for v in FRAMEWORK.values() for c in v} else level2
                if node[key] is None:
                    node[key] = value(resolve(sub, document)[0], key, here)
                else:
                    walk(node[key], sub, document, here)
        elif isinstance(node, list):
            for i, item in enumerate(node):
                if item is None:
                    node[i] = value(resolve(schema["items"], document)[0], i, level2)
                else:
                    walk(item, schema["items"], document, level2)

    walk(data, schema_of(kind), f"{kind}.json", None)


def test_new_without_an_id_leaves_it_to_fill(tmp_path: Path, perfdecl) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / ".git").mkdir()
    said = perfdecl("new", "special_fund", "--unit", "shigu-sbzx", "--year", str(YEAR),
                    cwd=tmp_path).stdout
    file = tmp_path / "declarations" / str(YEAR) / "shigu-sbzx" / "new-special-fund.yaml"
    assert file.is_file()
    assert ("note: without --id the declaration's `id` is empty and its file is named "
            "new-special-fund.yaml: fill in the id, then rename the file <id>.yaml") in \
        " ".join(said.split())
    data = YAML(typ="rt").load(file.read_text(encoding="utf-8"))
    assert data["id"] is None and data["name"] is None
    check = perfdecl("check", str(file))
    assert "专项标识 (`id`) is empty" in check.stdout


def test_new_modeline_is_relative_in_perfdecls_repository(  # type: ignore[no-untyped-def]
        tmp_path: Path, perfdecl) -> None:
    out = tmp_path / "p.yaml"
    result = perfdecl("new", "project", "--unit", "u1", "--year", str(YEAR), "--out",
                      str(out), cwd=REPO)
    assert result.exit_code == 0
    modeline = out.read_text(encoding="utf-8").splitlines()[0]
    ref = modeline.removeprefix("# yaml-language-server: $schema=")
    assert not Path(ref).is_absolute()
    assert (out.parent / ref).resolve() == REPO / "schema" / "declaration.json"


@pytest.mark.parametrize("args, message", [
    ((), "name a KIND"),
    (("project", "--from", "x.yaml", "--year", "2024"), "not both"),
    (("project", "--unit", "u1"), "--year is needed"),
    (("project", "--year", "2024"), "--unit is needed"),
    (("programme", "--unit", "u1", "--year", "2024"), "unknown kind 'programme'"),
    (("project", "--unit", "U 1", "--year", "2024"), "--unit 'U 1'"),
    (("project", "--unit", "u1", "--id", "../x", "--year", "2024"), "--id '../x'"),
    (("project", "--unit", "u1", "--year", "24"), "four-digit year"),
    (("--from", "x.yaml", "--unit", "u1", "--year", "2024"), "--unit is for a blank"),
])
def test_new_usage_errors(tmp_path: Path, perfdecl, args: tuple[str, ...],  # type: ignore[no-untyped-def]
                          message: str) -> None:
    result = perfdecl("new", *args, cwd=tmp_path)
    assert result.exit_code == 2
    assert message in result.stderr
    assert not (tmp_path / "declarations").exists()


def test_new_does_not_replace_a_file(tmp_path: Path, perfdecl) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / ".git").mkdir()
    file = _new(perfdecl, tmp_path, "department", "--id", "zhengti")
    file.write_text("mine\n", encoding="utf-8")
    again = perfdecl("new", "department", "--unit", "shigu-sbzx", "--year", str(YEAR), "--id",
                     "zhengti", cwd=tmp_path)
    assert again.exit_code == 1 and "exists already" in again.stderr
    assert file.read_text(encoding="utf-8") == "mine\n"
    assert _new(perfdecl, tmp_path, "department", "--id", "zhengti", "--force") == file
    assert file.read_text(encoding="utf-8").startswith("# yaml-language-server")


def test_roll_forward_still_works(tmp_path: Path, perfdecl) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "declarations" / "2023" / "shifeng-sbzx" / "kunnan-daijiao.yaml"
    source.parent.mkdir(parents=True)
    source.write_bytes((DECLARATIONS / "2023" / "shifeng-sbzx" / "kunnan-daijiao.yaml")
                       .read_bytes())
    result = perfdecl("new", "--from", str(source), "--year", "2024")
    assert result.exit_code == 0, result.stderr
    rolled = tmp_path / "declarations" / "2024" / "shifeng-sbzx" / "kunnan-daijiao.yaml"
    assert "fiscal_year: 2024" in rolled.read_text(encoding="utf-8")


# ---------------------------------------------------------------------------- CLI

def test_version_flag() -> None:
    result = subprocess.run([sys.executable, "-m", "perfdecl", "--version"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout == f"perfdecl {__version__}\n"


@pytest.mark.slow
def test_shell_completion_is_enabled(perfdecl) -> None:  # type: ignore[no-untyped-def]
    help_text = perfdecl("--help").stdout
    assert "--install-completion" in help_text and "--show-completion" in help_text

    def complete(words: str) -> list[str]:
        env = {**os.environ, "_PERFDECL_COMPLETE": "complete_bash", "COMP_WORDS": words,
               "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1))}
        script = Path(sys.executable).parent / "perfdecl"  # the installed command
        result = subprocess.run([str(script)], env=env, capture_output=True, text=True,
                                timeout=60)
        assert result.returncode == 0, result.stderr
        return result.stdout.split()

    assert complete("perfdecl ch") == ["check"]
    assert complete("perfdecl ") >= ["check"] and "init" in complete("perfdecl ")
    assert complete("perfdecl new ") == list(KINDS)
    assert "--unit" in complete("perfdecl new project --")


@pytest.mark.slow
def test_init_and_new_from_the_wheel(tmp_path: Path) -> None:
    """Installed from the wheel, init finds its templates and copies the installed
    schemas into the repository, where the editor settings and new's modeline point."""
    import shutil
    import zipfile

    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "--quiet", "-w", str(dist), str(REPO)], check=True, timeout=300,
                   capture_output=True)
    site = tmp_path / "site"
    zipfile.ZipFile(next(dist.glob("perfdecl-*.whl"))).extractall(site)
    env = {**os.environ, "PYTHONPATH": str(site)}
    work = tmp_path / "work"
    work.mkdir()

    def run(*args: str, cwd: Path = work) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "perfdecl", *args], cwd=cwd, env=env,
                              capture_output=True, text=True, timeout=120)

    assert run("init", "repo", "--year", str(YEAR)).returncode == 0
    installed = site / "perfdecl" / "schema" / "declaration.json"
    copied = work / "repo" / "schema" / "declaration.json"
    assert copied.read_bytes() == installed.read_bytes()
    settings = json.loads((work / "repo" / ".vscode" / "settings.json").read_text("utf-8"))
    assert settings["yaml.schemas"] == {"./schema/declaration.json": "declarations/**/*.yaml"}
    made = run("new", "expenditure_direction", "--unit", "u1", "--year", str(YEAR), "--id",
               "d1", cwd=work / "repo")
    assert made.returncode == 0, made.stderr
    file = work / "repo" / "declarations" / str(YEAR) / "u1" / "d1.yaml"
    assert file.read_text("utf-8").splitlines()[0] == (
        "# yaml-language-server: $schema=../../../schema/declaration.json")
    # the message catalog ships too
    zh = run("--lang", "zh", "check", str(file))
    assert "错误 S003" in zh.stdout and "为空" in zh.stdout, zh.stdout + zh.stderr
    shutil.rmtree(site)


def test_every_layout_the_schema_and_the_new_files_name_exists(tmp_path: Path,
                                                               perfdecl) -> None:  # type: ignore[no-untyped-def]
    """An example layout name (hunan-2019 was one) is one `perfdecl layouts` lists: in the
    schemas' descriptions, and in the files `init` and `new` write."""
    layouts = {line.split()[1] for line in perfdecl("layouts").stdout.splitlines()
               if len(line.split()) > 1}
    assert perfdecl("init", str(tmp_path)).exit_code == 0
    for kind in KINDS:
        assert perfdecl("new", kind, "--id", f"ceshi-{kind.replace('_', '-')}", "--unit",
                        "ceshi-dw", "--year", "2024", cwd=tmp_path).exit_code == 0
    texts = [p.read_text(encoding="utf-8") for p in (REPO / "schema").glob("*.json")]
    texts += [p.read_text(encoding="utf-8") for p in tmp_path.rglob("*")
              if p.is_file() and p.suffix in (".yaml", ".yml", ".toml", ".json")]
    named = {m for text in texts for m in re.findall(r"\b[a-z]+-20\d\d\b", text)}
    assert named and named <= layouts, named - layouts
