"""Waivers: the [check] settings (select, extend-select, ignore, severity) and inline
`# perfdecl: ignore[CODE] reason` comments. A waived finding is not counted, and stays
visible as suppressed, with its reason, in JSON and SARIF; a waiver that waives nothing,
or says no reason, is a finding itself."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perfdecl import api
from perfdecl.config import CheckSettings, Config
from perfdecl.errors import Finding, Severity
from perfdecl.rules import FIXED, codes
from perfdecl.waivers import apply, inline_waivers, selected

from .conftest import DECLARATIONS

UNIT = DECLARATIONS / "2024" / "yangxin-ylbx"
FILE = "declarations/2024/yangxin-ylbx/zhuanyi-jiexu.yaml"
COST = "          target: 100000\n"
"""The line of 转移接续's 项目预算数: I010 (no unit) on it, and I006 (no ceiling) behind it,
reported once I010 is fixed or waived (one finding per target)."""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    shutil.copytree(UNIT, tmp_path / "declarations" / "2024" / "yangxin-ylbx")
    (tmp_path / "perfdecl.toml").write_text("", encoding="utf-8")
    edit(tmp_path, "          target: ≤10万元\n", COST)  # as the form prints it
    return tmp_path


def edit(repo: Path, old: str, new: str) -> None:
    file = repo / FILE
    text = file.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    file.write_text(text.replace(old, new), encoding="utf-8")


def report(perfdecl: Callable[..., Any], repo: Path, *args: str) -> dict[str, Any]:
    run = perfdecl("check", FILE, "--format", "json", *args, cwd=repo)
    out: dict[str, Any] = json.loads(run.stdout)
    out["exit"] = run.exit_code
    return out


def codes_at(doc: dict[str, Any], line: int, *, waived: bool) -> list[str]:
    return sorted(f["code"] for f in doc["findings"]
                  if f["line"] == line and bool(f["suppressed"]) == waived)


def test_an_inline_waiver_with_its_reason_is_kept_visible_as_suppressed(
        repo: Path, perfdecl: Callable[..., Any]) -> None:
    before = report(perfdecl, repo)
    line = next(f["line"] for f in before["findings"] if f["code"] == "I010")
    assert codes_at(before, line, waived=False) == ["I010"]
    edit(repo, COST, COST.rstrip("\n") + "  # perfdecl: ignore[I006, I010] 邮寄费按实际发生额列支\n")

    after = report(perfdecl, repo)
    assert codes_at(after, line, waived=False) == []
    assert codes_at(after, line, waived=True) == ["I006", "I010"]
    waived = [f["suppressed"] for f in after["findings"] if f["suppressed"]]
    assert waived == [{"by": "inline", "reason": "邮寄费按实际发生额列支"}] * 2
    assert after["suppressed"] == 2 and after["warnings"] == before["warnings"] - 1
    assert after["errors"] == before["errors"]

    sarif = json.loads(perfdecl("check", FILE, "--format", "sarif", cwd=repo).stdout)
    results = sarif["runs"][0]["results"]
    assert sorted(r["ruleId"] for r in results if r.get("suppressions")) == ["I006", "I010"]
    assert all(r["suppressions"] == [{"kind": "inSource",
                                      "justification": "邮寄费按实际发生额列支"}]
               for r in results if r.get("suppressions"))

    text = perfdecl("check", FILE, cwd=repo).stdout
    assert "I010" not in text and "(2 waived: see --format json)" in text


def test_a_waiver_on_a_line_of_its_own_waives_the_line_below(
        repo: Path, perfdecl: Callable[..., Any]) -> None:
    edit(repo, COST, "          # perfdecl: ignore[I010] 以元计\n" + COST)
    after = report(perfdecl, repo)
    assert [f["code"] for f in after["findings"] if f["suppressed"]] == ["I010"]
    assert not [f for f in after["findings"] if f["code"].startswith("Q")]
    # the unit waived, the missing ceiling behind it is said (one finding per target)
    line = next(f["line"] for f in after["findings"] if f["code"] == "I010")
    assert codes_at(after, line, waived=False) == ["I006"]


def test_a_waiver_that_waives_nothing_or_says_no_reason_is_a_finding(
        repo: Path, perfdecl: Callable[..., Any]) -> None:
    edit(repo, COST, COST.rstrip("\n") + "  # perfdecl: ignore[W001, Z999, S001]\n")
    line = (repo / FILE).read_text(encoding="utf-8").split("\n").index(COST.rstrip("\n") +
                                                                      "  # perfdecl: ignore"
                                                                      "[W001, Z999, S001]") + 1
    after = report(perfdecl, repo)
    said = {f["code"]: [g["message"] for g in after["findings"] if g["code"] == f["code"]]
            for f in after["findings"] if f["code"] in ("Q001", "Q002")}
    assert sorted(said["Q001"]) == sorted([
        f"ignore[W001] waives nothing: no W001 finding on line {line}",
        "no rule Z999 (`perfdecl rules` lists them)",
        "S001 cannot be waived: the file must be a valid declaration"])
    assert said["Q002"] == ["a waiver without its reason"]
    assert after["suppressed"] == 0


def test_a_waiver_inside_a_quoted_value_is_text_not_a_waiver(
        repo: Path, perfdecl: Callable[..., Any]) -> None:
    edit(repo, COST, "          target: '100000 # perfdecl: ignore[I010] x'\n")
    assert inline_waivers(repo / FILE, (repo / FILE).read_text(encoding="utf-8")) == []


def test_the_configuration_selects_ignores_and_changes_severities(
        repo: Path, perfdecl: Callable[..., Any]) -> None:
    before = report(perfdecl, repo)
    assert before["exit"] == 0 and before["errors"] == 0
    (repo / "perfdecl.toml").write_text(
        '[check]\nignore = ["I0"]\nextend-select = ["I010"]\nseverity = { I010 = "error" }\n',
        encoding="utf-8")
    after = report(perfdecl, repo)
    kept = {f["code"] for f in after["findings"] if not f["suppressed"]}
    waived = {f["code"] for f in after["findings"] if f["suppressed"]}
    assert "I010" in kept and not {c for c in kept if c.startswith("I0") and c != "I010"}
    assert "I006" in waived and "I010" not in waived
    assert all(f["suppressed"] == {"by": "config", "reason": "not selected in perfdecl.toml"}
               for f in after["findings"] if f["suppressed"])
    assert after["errors"] == 1 and after["exit"] == 1  # I010 made an error


def test_a_configuration_naming_no_rule_or_waiving_a_schema_error_is_said(
        repo: Path, perfdecl: Callable[..., Any]) -> None:
    (repo / "perfdecl.toml").write_text('[check]\nignore = ["S", "W9"]\n', encoding="utf-8")
    said = [f["message"] for f in report(perfdecl, repo)["findings"] if f["code"] == "C002"]
    assert said == [
        "[check] ignore: S cannot be waived or changed: the file must be a valid declaration",
        "[check] ignore: no rule is W9 or starts with it (`perfdecl rules` lists them)"]
    (repo / "perfdecl.toml").write_text('[check]\nignore = "W"\n', encoding="utf-8")
    unread = report(perfdecl, repo)
    assert unread["exit"] == 0
    [c001] = [f["message"] for f in unread["findings"] if f["code"] == "C001"]
    assert "[check] ignore is a list of codes" in c001 and "checked without" in c001
    assert perfdecl("layouts", cwd=repo).exit_code == 1  # what needs the file says it


def test_build_waives_what_check_waives(repo: Path) -> None:
    """L001, said by rendering at build time, is waived as check waives it."""
    edit(repo, "layout: yangxin-2024\n", "layout: national\n")  # no 对应一级项目 there
    checked = api.check([repo / FILE], api.Repository.at(repo))
    assert "L001" in {f.code for f in checked.findings}
    (repo / "perfdecl.toml").write_text('[check]\nignore = ["L001"]\n', encoding="utf-8")
    result = api.build(api.BuildOptions([repo / FILE], repo / "build", ["html"], jobs=1),
                       api.Repository.at(repo))
    assert "L001" not in {f.code for f in result.checked.findings}
    assert "L001" in {f.code for f in result.checked.suppressed}


CODES = codes()
PREFIXES = st.sampled_from(sorted({c[:n] for c in CODES for n in (1, 2, 4)}))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(CODES), max_size=30), st.lists(PREFIXES, max_size=3),
       st.lists(PREFIXES, max_size=3), st.lists(PREFIXES, max_size=3))
def test_nothing_is_lost_and_only_the_unselected_are_waived(
        found: list[str], select: list[str], extend: list[str], ignore: list[str]) -> None:
    """Every finding is either kept or reported as suppressed; what must hold (file and
    schema, the waivers' own) is never waived; a code is waived exactly when the most
    specific of select and ignore says so."""
    config = Config(Path("."), Path("perfdecl.toml"),
                    check=CheckSettings(tuple(select) or ("",), tuple(extend), tuple(ignore)))
    findings = [Finding(code, Severity.WARNING, "m", Path("a.yaml"), n + 1, 1)
                for n, code in enumerate(found)]
    waived = apply(findings, config, {}, CODES, FIXED)
    kept = [f for f in waived.findings if f.line]  # (C002 on the configuration: line 0)
    assert sorted(f.line for f in [*kept, *waived.suppressed]) == list(range(1, len(found) + 1))
    for f in waived.suppressed:
        assert f.code not in FIXED and not selected(f.code, config.check)
    for f in kept:
        assert f.code in FIXED or selected(f.code, config.check)
