"""diff on repositories of several fiscal years: a declaration is known by its fiscal year,
unit and id, so an edit to any value of any year is reported, in every reporter, through
folders, git revisions and the textconv driver; declarations that share an identity are
reported, never hidden behind one another.

The repositories are generated: seed declarations placed in some of three years, one
value anywhere in one of them changed.
"""

from __future__ import annotations

import copy
import json
import sys
import tempfile
from collections.abc import Iterator
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from perfdecl.check import read
from perfdecl.diff import DiffResult, compare
from perfdecl.diff import report as diff_report
from perfdecl.diff.inputs import from_paths
from perfdecl.diff.textconv import facts
from perfdecl.scalars import YamlDecimal, yaml

from .conftest import DECLARATIONS, HERE
from .test_diff import git, run

YEARS = (2025, 2026, 2027)
IDENTITY = {("id",), ("fiscal_year",), ("kind",), ("unit", "id")}
MARK = "〔改〕"
SEEDS = sorted(DECLARATIONS.rglob("*.yaml"))
PROPERTY = settings(deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


@cache
def tree_of(seed: Path) -> Any:
    return yaml().load(seed.read_text(encoding="utf-8"))


def leaves(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(node, dict):
        for k, v in node.items():
            yield from leaves(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from leaves(v, (*path, i))
    elif path not in IDENTITY:
        yield path


def changed(value: Any) -> Any:
    """Another value of the same type: a number one more, a text with a mark."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, YamlDecimal | Decimal):
        return YamlDecimal(str(Decimal(value) + 1))
    if isinstance(value, int):
        return value + 1
    return f"{value}{MARK}"


def at(tree: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        tree = tree[part]
    return tree


Place = tuple[int, Path]  # (fiscal year, seed)


@st.composite
def edited_repositories(draw: st.DrawFn) -> tuple[list[Place], Place, tuple[Any, ...]]:
    """Declarations placed in years (at least one in two years), and one value of one of
    them to change."""
    seeds = draw(st.lists(st.sampled_from(SEEDS), min_size=1, max_size=3, unique=True))
    places: list[Place] = []
    for i, seed in enumerate(seeds):
        years = draw(st.lists(st.sampled_from(YEARS), min_size=2 if i == 0 else 1,
                              max_size=3, unique=True))
        places += [(year, seed) for year in sorted(years)]
    edited = draw(st.sampled_from(places))
    path = draw(st.sampled_from(list(leaves(tree_of(edited[1])))))
    return places, edited, path


def write(root: Path, places: list[Place], edit: tuple[Place, tuple[Any, ...]] | None) -> Path:
    """The repository's declarations/ folder; with `edit`, that one value changed."""
    for year, seed in places:
        tree = copy.deepcopy(tree_of(seed))
        tree["fiscal_year"] = year
        if edit is not None and edit[0] == (year, seed):
            *parent, last = edit[1]
            at(tree, tuple(parent))[last] = changed(at(tree, edit[1]))
        file = root / "declarations" / str(year) / tree["unit"]["id"] / f"{tree['id']}.yaml"
        file.parent.mkdir(parents=True, exist_ok=True)
        with file.open("w", encoding="utf-8") as f:
            yaml().dump(tree, f)
    return root / "declarations"


def still_valid(file: Path) -> bool:
    declaration, findings = read(file)
    return declaration is not None and not any(f.severity.value == "error" for f in findings)


def file_of(root: Path, place: Place) -> Path:
    tree = tree_of(place[1])
    return root / "declarations" / str(place[0]) / tree["unit"]["id"] / f"{tree['id']}.yaml"


def reports(result: DiffResult) -> dict[str, str]:
    return {"text": diff_report.to_text(result), "markdown": diff_report.to_markdown(result),
            "html": diff_report.to_html(result),
            "json": diff_report.to_json(result, "old", "new")}


def shown_new_value(value: Any) -> str:
    """What of the new value a report must show."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, str):
        return MARK
    return format(Decimal(value).normalize(), "f")


@pytest.mark.slow
@settings(PROPERTY, max_examples=40)
@given(edited_repositories())
def test_an_edit_to_any_value_of_any_year_is_reported_in_every_reporter(case) -> None:  # type: ignore[no-untyped-def]
    places, edited, path = case
    with tempfile.TemporaryDirectory() as tmp:
        old = write(Path(tmp) / "old", places, None)
        new = write(Path(tmp) / "new", places, (edited, path))
        assume(still_valid(file_of(Path(tmp) / "new", edited)))
        result = compare(from_paths([old], HERE).declarations, from_paths([new], HERE).declarations)
        new_file = file_of(Path(tmp) / "new", edited)
        assert facts(file_of(Path(tmp) / "old", edited)) != facts(new_file), "textconv"

    assert result.problems == []
    assert len(result.declarations) == len(places)
    [hit] = [d for d in result.declarations if d.status != "unchanged"]
    tree = tree_of(edited[1])
    assert (hit.declaration.fiscal_year, hit.declaration.unit_id, hit.id) == \
        (edited[0], tree["unit"]["id"], tree["id"])
    assert hit.changes, "a changed declaration says what changed"
    top = str(path[0])
    assert all(c.key.split(".")[0].split("[")[0] == top for c in hit.changes), \
        [c.key for c in hit.changes]
    value = changed(at(tree, path))
    for name, text in reports(result).items():
        assert hit.label in text, name
        if not any(c.years for c in hit.changes):
            assert shown_new_value(value) in text, name
    assert json.loads(reports(result)["json"])["summary"]["changed"] == 1


@pytest.mark.slow
@settings(PROPERTY, max_examples=3)
@given(edited_repositories())
def test_an_edit_in_any_year_shows_through_git_revisions_and_textconv(case) -> None:  # type: ignore[no-untyped-def]
    places, edited, path = case
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp)
        write(repo, places, None)
        assume(all(still_valid(file_of(repo, p)) for p in places))
        git("init", "-q", cwd=repo)
        (repo / ".gitattributes").write_text("declarations/**/*.yaml diff=perfdecl\n",
                                             encoding="utf-8")
        git("config", "diff.perfdecl.textconv", f"{sys.executable} -m perfdecl diff --textconv",
            cwd=repo)
        git("add", ".", cwd=repo)
        git("commit", "-qm", "forms", cwd=repo)
        write(repo, places, (edited, path))
        assume(still_valid(file_of(repo, edited)))
        git("commit", "-qam", "one value", cwd=repo)

        between = run("diff", "--rev", "HEAD~1..HEAD", "--exit-code", "--format", "json",
                      cwd=repo)
        assert between.returncode == 1, between.stderr
        report = json.loads(between.stdout)
        assert report["summary"]["changed"] == 1
        [hit] = [d for d in report["declarations"] if d["status"] == "changed"]
        assert (hit["fiscal_year"], hit["id"]) == (edited[0], tree_of(edited[1])["id"])
        markdown = run("diff", "--rev", "HEAD~1..HEAD", "--format", "markdown", cwd=repo)
        assert f"`{edited[0]}/" in markdown.stdout
        shown = git("log", "-p", "-1", "--format=", cwd=repo)
        relative = file_of(repo, edited).relative_to(repo).as_posix()
        assert f"+++ b/{relative}" in shown and "\n+" in shown.split(relative, 2)[-1]


def test_copies_of_one_declaration_are_reported_not_hidden(tmp_path: Path) -> None:
    """Three copies of a declaration added in one commit: three added, each named by its
    file, and an X001 for each copy; the one in its own place is matched as before."""
    seed = DECLARATIONS / "2024/yangxin-ylbx/jihe-gongzuo.yaml"
    repo = tmp_path
    write(repo, [(2025, seed), (2026, seed)], None)
    git("init", "-q", cwd=repo)
    git("add", ".", cwd=repo)
    git("commit", "-qm", "forms", cwd=repo)
    own = file_of(repo, (2026, seed))
    for n in (1, 2, 3):
        (own.parent / f"copy-{n}.yaml").write_bytes(own.read_bytes())
    git("add", ".", cwd=repo)
    git("commit", "-qm", "copies", cwd=repo)

    shown = run("diff", "--rev", "HEAD~1..HEAD", cwd=repo)
    assert shown.returncode == 1
    assert "5 declarations: 0 changed, 3 added, 0 removed, 2 unchanged" in shown.stdout
    for n in (1, 2, 3):
        assert f"+ project 2026/yangxin-ylbx/jihe-gongzuo (HEAD:declarations/2026/yangxin-ylbx/" \
               f"copy-{n}.yaml)" in shown.stdout
        assert f"HEAD:declarations/2026/yangxin-ylbx/copy-{n}.yaml:4:5: error X001: " \
               "yangxin-ylbx/jihe-gongzuo is declared more than once in 2026" in shown.stderr
    assert "2025" not in shown.stderr


def test_one_year_against_the_next_matches_by_unit_and_id(tmp_path: Path) -> None:
    """Last year's folder against this year's: the same unit and id are one declaration,
    whatever the year; another unit's declaration of the same id is another."""
    a = DECLARATIONS / "2024/yangxin-ylbx/jihe-gongzuo.yaml"
    write(tmp_path / "old", [(2024, a)], None)
    write(tmp_path / "new", [(2025, a)], None)
    other = tmp_path / "new/declarations/2025/other-unit/jihe-gongzuo.yaml"
    other.parent.mkdir()
    other.write_text(file_of(tmp_path / "new", (2025, a)).read_text(encoding="utf-8")
                     .replace("id: yangxin-ylbx", "id: other-unit"), encoding="utf-8")
    result = compare(from_paths([tmp_path / "old/declarations/2024"], HERE).declarations,
                     from_paths([tmp_path / "new/declarations/2025"], HERE).declarations)
    assert [(d.label, d.status) for d in result.declarations] == [
        ("other-unit/jihe-gongzuo", "added"), ("yangxin-ylbx/jihe-gongzuo", "changed")]
    assert [c.key for c in result.declarations[1].changes] == ["fiscal_year"]
