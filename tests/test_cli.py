"""The command line: exit codes, output formats, schema and rules listings."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
from ruamel.yaml import YAML

from perfdecl import __version__
from perfdecl.rules import all_rules

from .conftest import DECLARATIONS, REPO, SEEDS


def test_version(perfdecl) -> None:  # type: ignore[no-untyped-def]
    result = perfdecl("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"perfdecl {__version__}"


def test_help_lists_the_commands(perfdecl) -> None:  # type: ignore[no-untyped-def]
    result = perfdecl("--help")
    assert result.exit_code == 0
    for command in ("check", "fmt", "schema", "rules"):
        assert command in result.stdout


def test_default_path_is_declarations(perfdecl) -> None:  # type: ignore[no-untyped-def]
    result = perfdecl("check", cwd=REPO)
    assert result.exit_code == 0
    assert "22 files checked" in result.stdout


def test_no_default_folder_is_wrong_usage(tmp_path: Path, perfdecl) -> None:  # type: ignore[no-untyped-def]
    result = perfdecl("check", cwd=tmp_path)
    assert result.exit_code == 2
    assert "no declarations/ folder here" in result.stderr


def test_unknown_format_is_wrong_usage(perfdecl) -> None:  # type: ignore[no-untyped-def]
    assert perfdecl("check", "--format", "xml", str(DECLARATIONS)).exit_code == 2


def test_strict_fails_on_warnings(perfdecl) -> None:  # type: ignore[no-untyped-def]
    assert perfdecl("check", str(DECLARATIONS)).exit_code == 0
    assert perfdecl("check", "--strict", str(DECLARATIONS)).exit_code == 1


def test_json_format(perfdecl) -> None:  # type: ignore[no-untyped-def]
    result = perfdecl("check", "-f", "json", "tests/seeds", cwd=REPO)
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["version"] == 1 and doc["files"] == 22
    assert doc["errors"] == sum(f["severity"] == "error" for f in doc["findings"]) > 0
    a004 = next(f for f in doc["findings"] if f["code"] == "A004")
    assert a004 == {
        "file": "tests/seeds/2023/shifeng-sbzx/chengxiang-jumin-yanglao.yaml", "line": 61,
        "column": 10, "severity": "error", "code": "A004",
        "message": "合计 says 53 万元, but the expense lines add up to 54 万元",
        "hint": "leave 合计 (`expenses.total`) out: perfdecl computes it",
        "path": "expenses.total", "label": None, "related": [], "suppressed": None}
    assert doc["suppressed"] == 0
    # a copy names the form it was copied from; its file is the related location
    x002 = next(f for f in doc["findings"] if f["code"] == "X002")
    assert x002["message"].endswith("is the same as on 附件1-1 项目绩效目标申报表：丧葬费补贴 (2019)")
    assert x002["related"] == ["tests/seeds/2019/shigu-sbzx/sangzang-butie.yaml"]


def test_github_annotations(perfdecl) -> None:  # type: ignore[no-untyped-def]
    result = perfdecl("check", "-f", "github", "tests/seeds", cwd=REPO)
    lines = result.stdout.splitlines()
    assert ("::error file=tests/seeds/2023/shifeng-sbzx/chengxiang-jumin-yanglao.yaml,"
            "line=61,col=10,title=A004::合计 says 53 万元, but the expense lines add up to "
            "54 万元 (hint: leave 合计 (`expenses.total`) out: perfdecl computes it)") in lines
    assert all(x.startswith(("::error ", "::warning ")) for x in lines[:-1])


def test_sarif(perfdecl) -> None:  # type: ignore[no-untyped-def]
    result = perfdecl("check", "-f", "sarif", "tests/seeds", cwd=REPO)
    doc = json.loads(result.stdout)
    assert doc["version"] == "2.1.0"
    run = doc["runs"][0]
    codes = {r["ruleId"] for r in run["results"]}
    assert {r["id"] for r in run["tool"]["driver"]["rules"]} == codes
    first = run["results"][0]["locations"][0]["physicalLocation"]
    assert first["artifactLocation"]["uri"].startswith("tests/seeds/")
    assert first["region"]["startLine"] >= 1
    copied = next(r for r in run["results"] if r["ruleId"] == "X002")
    assert copied["relatedLocations"] == [{"id": 1, "physicalLocation": {"artifactLocation": {
        "uri": "tests/seeds/2019/shigu-sbzx/sangzang-butie.yaml"}}}]


def test_text_has_no_colour_when_piped() -> None:
    result = subprocess.run([sys.executable, "-m", "perfdecl", "check", "tests/seeds"],
                            cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "\x1b[" not in result.stdout
    heading, first = result.stdout.splitlines()[:2]
    assert heading == "── 附件1-1 项目绩效目标申报表：缴费补贴"  # the form, then its findings
    assert first.startswith("tests/seeds/2018/shigu-sbzx/")


def test_rules_lists_every_code(perfdecl) -> None:  # type: ignore[no-untyped-def]
    result = perfdecl("rules")
    assert result.exit_code == 0
    for r in all_rules():
        line = next(x for x in result.stdout.splitlines() if x.startswith(r.code))
        assert str(r.severity) in line and r.name in line


def test_schema_lists_kinds_and_path(perfdecl) -> None:  # type: ignore[no-untyped-def]
    result = perfdecl("schema")
    assert result.exit_code == 0
    assert "project" in result.stdout and "expenditure_direction" in result.stdout
    folder = Path(perfdecl("schema", "--path").stdout.strip())
    assert (folder / "common.json").is_file()


def test_schema_of_a_kind_is_self_contained(perfdecl) -> None:  # type: ignore[no-untyped-def]
    result = perfdecl("schema", "expenditure_direction")
    schema = json.loads(result.stdout)
    assert "common.json" not in result.stdout
    validator = jsonschema.Draft202012Validator(schema)  # no registry: nothing external
    data = YAML(typ="safe").load(next(DECLARATIONS.rglob("junzhuan-ganbu.yaml")))
    data = json.loads(json.dumps(data, default=str))
    assert list(validator.iter_errors(data)) == []
    bad = YAML(typ="safe").load(SEEDS / "2019/shigu-sbzx/zx-jichu-yanglaojin-peitao.yaml")
    assert perfdecl("schema", "project").exit_code == 0
    assert bad["kind"] == "special_fund"


def test_schema_of_unknown_kind_is_wrong_usage(perfdecl) -> None:  # type: ignore[no-untyped-def]
    result = perfdecl("schema", "projet")
    assert result.exit_code == 2
    assert "unknown kind 'projet'" in result.stderr


def test_a_finding_about_a_folder_has_no_place_in_a_file(tmp_path: Path, perfdecl) -> None:  # type: ignore[no-untyped-def]
    """Positions count from 1; 0 is for the path as a whole: the text report names the
    folder alone, JSON gives 0 for line and column, SARIF no region."""
    (tmp_path / "empty").mkdir()
    text = perfdecl("check", str(tmp_path / "empty"))
    assert text.stdout.startswith(f"{tmp_path / 'empty'}: error Y013:")
    found = json.loads(perfdecl("check", "-f", "json", str(tmp_path / "empty")).stdout)
    assert [(f["line"], f["column"]) for f in found["findings"]] == [(0, 0)]
    sarif = json.loads(perfdecl("check", "-f", "sarif", str(tmp_path / "empty")).stdout)
    [location] = sarif["runs"][0]["results"][0]["locations"]
    assert "region" not in location["physicalLocation"]
    real = json.loads(perfdecl("check", "-f", "json", str(REPO / "tests/bad/tabs.yaml")).stdout)
    assert all(f["line"] >= 1 and f["column"] >= 1 for f in real["findings"])


def test_the_commands_reach_perfdecl_through_its_facade() -> None:
    """Each command maps options to calls of `api` (the library face); besides it the
    command line uses only the words and reports every command shares."""
    import ast

    shared = {"api", "errors", "files", "i18n", "report", "usage", ""}
    reached = set()
    for file in (REPO / "src" / "perfdecl" / "cli").glob("*.py"):
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 2:
                reached.add((node.module or "").split(".")[0])
    assert reached <= shared, reached - shared
