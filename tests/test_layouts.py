"""What each built-in layout prints, recorded in templates/layouts.json
(domain.layout_records): the record is the layouts' own, and `check` says from it what a
form leaves out (L001) as `build` says it from what the template read, never more."""

from __future__ import annotations

import io
import json
import re
import runpy
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from perfdecl import api
from perfdecl.check import read, read_bytes
from perfdecl.config import Config
from perfdecl.domain import KINDS, layout_records
from perfdecl.render import Renderer
from perfdecl.repository import Repository
from perfdecl.schema import bundled_schema

from .conftest import DECLARATIONS, REPO, SEEDS, at_length

EXAMPLES = sorted([*DECLARATIONS.rglob("*.yaml"), *SEEDS.rglob("*.yaml")])
LAYOUTS = {kind: sorted(name for k, name in layout_records() if k == kind) for kind in KINDS}


def test_the_record_is_what_the_layouts_print() -> None:
    """scripts/layouts.py --check: the record is what rendering the examples and seeds
    in every built-in layout reads now (run the script after changing a layout)."""
    script = runpy.run_path(str(REPO / "scripts" / "layouts.py"))
    assert script["main"](["--check"]) == 0


def test_every_built_in_layout_has_a_record(tmp_path: Path) -> None:
    built_in = {(x.kind, x.name) for x in Renderer(Config(tmp_path)).layouts()
                if x.builtin and x.kind != "fund_summary"}
    assert set(layout_records()) == built_in


def _message(findings: list[Any]) -> str | None:
    return next((f.message for f in findings if f.code == "L001"), None)


_YAML = YAML()


def _tree(file: Path) -> Any:
    return _YAML.load(file.read_text(encoding="utf-8"))


def _dumped(tree: Any) -> bytes:
    out = io.StringIO()
    _YAML.dump(tree, out)
    return out.getvalue().encode("utf-8")


@st.composite
def laid_out(draw: st.DrawFn) -> tuple[Path, dict[str, Any], str]:
    """An example or a seed, with some of its optional fields taken out (a template may
    print one field only when another is there), to be printed in one of its kind's
    built-in layouts."""
    file = draw(st.sampled_from(EXAMPLES))
    tree = _tree(file)
    kind = tree["kind"]
    required = set(bundled_schema(kind)["required"]) | {"layout"}
    for key in sorted(set(tree) - required):
        if draw(st.booleans()):
            del tree[key]
    tree["layout"] = draw(st.sampled_from(LAYOUTS[kind]))
    return file, tree, tree["layout"]


@settings(max_examples=at_length(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(laid_out())
def test_check_says_what_the_build_says_a_form_leaves_out(
        tmp_path_factory: pytest.TempPathFactory, case: tuple[Path, dict[str, Any], str]) -> None:
    """For a declaration in a built-in layout, `check` names the values the form leaves
    out exactly as rendering it does: the same L001, the same message."""
    source, tree, layout = case
    declaration, findings = read_bytes(_dumped(tree), source)
    assume(declaration is not None and not any(f.severity == "error" for f in findings))
    assert declaration is not None
    folder = tmp_path_factory.mktemp("laid") / str(declaration.fiscal_year) / \
        declaration.unit_id
    folder.mkdir(parents=True)
    file = folder / source.name
    file.write_bytes(_dumped(tree))
    checked = api.check([file], Repository.at(folder))
    by_check = _message(checked.findings)
    written, _ = read(file)
    assert written is not None
    with_context = [written, *(d for d in checked.context
                               if (d.fiscal_year, d.unit_id) == (written.fiscal_year,
                                                                  written.unit_id))]
    form = Renderer(Config(folder)).render_form(written, with_context, layout)
    by_render = form.left_out.message if form.left_out else None
    event("a value left out" if by_render else "all printed")
    assert by_check == by_render


def test_check_names_what_a_built_in_layout_leaves_out_as_build_does(
        tmp_path: Path, perfdecl) -> None:  # type: ignore[no-untyped-def]
    unit = tmp_path / "declarations" / "2024" / "yangxin-ylbx"
    shutil.copytree(DECLARATIONS / "2024" / "yangxin-ylbx", unit)
    (tmp_path / "perfdecl.toml").write_text("", encoding="utf-8")
    file = unit / "jihe-gongzuo.yaml"
    file.write_text(file.read_text(encoding="utf-8").replace(
        "layout: yangxin-2024", "layout: national"), encoding="utf-8")
    checked = perfdecl("check", str(file), cwd=tmp_path)
    built = perfdecl("build", str(file), "--to", "html", "--out", str(tmp_path / "build"),
                     cwd=tmp_path)
    line = [x for x in checked.stdout.splitlines() if " L001: " in x]
    assert len(line) == 1 and "layout national does not print 11 declared values" in line[0]
    assert "项目支出明细预算 › 测算依据及说明 (`expenses.basis`)" in line[0]
    assert line == [x for x in built.stdout.splitlines() if " L001: " in x]
    assert checked.exit_code == 0
    assert perfdecl("check", "--strict", str(file), cwd=tmp_path).exit_code == 1


def test_a_repository_s_own_layout_is_left_to_the_build(
        tmp_path: Path, perfdecl) -> None:  # type: ignore[no-untyped-def]
    """A layout of the repository's templates/, even under a built-in name, is not the
    one recorded: `check` says nothing of it, and the build, which renders it, does."""
    unit = tmp_path / "declarations" / "2024" / "yangxin-ylbx"
    shutil.copytree(DECLARATIONS / "2024" / "yangxin-ylbx", unit)
    (tmp_path / "perfdecl.toml").write_text("", encoding="utf-8")
    own = tmp_path / "templates" / "project" / "yangxin-2024.html.j2"
    own.parent.mkdir(parents=True)
    own.write_text("<p>{{ get('name') }}</p>\n", encoding="utf-8")
    file = unit / "jihe-gongzuo.yaml"
    assert "L001" not in perfdecl("check", str(file), cwd=tmp_path).stdout
    built = perfdecl("build", str(file), "--to", "html", "--out", str(tmp_path / "build"),
                     cwd=tmp_path)
    assert "warning L001: layout yangxin-2024 does not print" in built.stdout
    shutil.copy(REPO / "templates" / "project" / "yangxin-2024.html.j2", own)  # a copy
    assert not Repository.at(tmp_path).has_own_layout("project", "yangxin-2024")


def test_a_finding_names_the_label_its_form_prints(tmp_path: Path, perfdecl) -> None:  # type: ignore[no-untyped-def]
    """A reviewer holding the paper finds the value: a finding gives the label the
    declaration's layout prints beside it, in text, JSON and Chinese; a layout that
    does not print the value gives none."""
    unit = tmp_path / "declarations" / "2024" / "yangxin-ylbx"
    shutil.copytree(DECLARATIONS / "2024" / "yangxin-ylbx", unit)
    (tmp_path / "perfdecl.toml").write_text("", encoding="utf-8")
    file = unit / "jihe-gongzuo.yaml"

    def after_w007(*options: str) -> str:
        lines = perfdecl(*options, "check", str(file), cwd=tmp_path).stdout.splitlines()
        return lines[next(i for i, x in enumerate(lines) if " W007: " in x) + 1].strip()

    assert after_w007() == "on the form: 测算依据及说明"
    assert after_w007("--lang", "zh") == "表中：测算依据及说明"
    found = json.loads(perfdecl("check", "-f", "json", str(file), cwd=tmp_path).stdout)
    assert {f["label"] for f in found["findings"] if f["code"] == "W007"} == {"测算依据及说明"}
    file.write_text(file.read_text(encoding="utf-8").replace(
        "layout: yangxin-2024", "layout: national"), encoding="utf-8")
    assert not after_w007().startswith("on the form")  # national has no 测算依据 cell


def test_the_readme_lists_the_built_in_layouts(tmp_path: Path) -> None:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    table = text.split("| kind | layouts |\n", 1)[1].split("\n\n", 1)[0]
    listed = {(kind.split()[0], name)
              for kind, names in (row.strip("|").split("|")[:2] for row in table.splitlines()[1:])
              for name in re.findall(r"`([a-z0-9-]+)`", names)}
    built_in = {(x.kind, x.name) for x in Renderer(Config(tmp_path)).layouts() if x.builtin}
    assert listed == built_in
