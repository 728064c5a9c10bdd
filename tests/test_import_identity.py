"""perfdecl import: which declaration of --out a form is, and which file it writes.

The property: whatever declarations --out holds (several of one unit sharing a name,
ids repeated across years, one identity in two files) and whatever forms are imported
(in one run or several, in any order, with and without --force), no file ever gets
another declaration's content; a file is replaced only by the one form that is its
declaration (the only one of its kind and name in its unit and year, and the only form
of the run with them), and only with --force; a new declaration goes to a new file; and
the command says, for each form, what it matched.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from perfdecl.cli import app
from perfdecl.importer.write import render
from perfdecl.load import load

from .test_import import W, docx_with

UNIT = "测试区社会保险服务中心"
NAMES = ("甲项目经费", "乙项目经费")
KINDS = ("project", "special_fund")
YEARS = (2022, 2023)
SLUG = {"project": "project-", "special_fund": "special-fund-"}


def form_xml(kind: str, name: str, year: int, total: int) -> str:
    """A form of `kind` as another program writes it: its title, then label | value."""
    title = f"{year}年项目绩效目标申报表" if kind == "project" else \
        f"{year}年专项资金绩效目标申报表"
    label = "项目名称" if kind == "project" else "专项名称"

    def row(*cells: str) -> str:
        return "<w:tr>" + "".join(f"<w:tc><w:p><w:r><w:t>{c}</w:t></w:r></w:p></w:tc>"
                                  for c in cells) + "</w:tr>"

    return (f"<w:document {W}><w:body><w:p><w:r><w:t>{title}</w:t></w:r></w:p><w:tbl>"
            f"{row(label, name)}{row('填报单位', UNIT)}{row('资金总额', str(total))}"
            "</w:tbl></w:body></w:document>")


@dataclass(frozen=True)
class Held:
    """A declaration file of --out, as the test wrote or found it."""

    file: Path
    kind: str
    name: str
    year: int
    id: str
    unit: str
    total: Any


def held(out: Path) -> dict[Path, Held]:
    found = {}
    for file in sorted(out.rglob("*.yaml")):
        document, _ = load(file)
        assert document is not None, file
        d = document.data
        found[file] = Held(file, d["kind"], d["name"], d["fiscal_year"], d["id"],
                           d["unit"]["id"], d["funding"]["total"])
    return found


def cli(*args: str) -> Any:
    return CliRunner().invoke(app, list(args), env={"NO_COLOR": "1", "COLUMNS": "1000"},
                              catch_exceptions=False)


def blocks(stdout: str, names: list[str]) -> dict[str, str]:
    """The command's output, form file (as named on the command line) by form file."""
    out: dict[str, str] = {}
    current = None
    for line in stdout.splitlines():
        head = next((n for n in names if line.startswith(f"{n}: ") and "form" in line), None)
        if head is not None:
            current = head
            out[current] = ""
        elif current is not None:
            out[current] += line + "\n"
    return out


declared = st.tuples(st.sampled_from(KINDS), st.sampled_from(NAMES), st.sampled_from(YEARS),
                     st.sampled_from("abcd"))
forms = st.tuples(st.sampled_from(KINDS), st.sampled_from(NAMES), st.sampled_from(YEARS))


@pytest.mark.slow
@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
@given(st.lists(declared, max_size=5), st.lists(forms, min_size=1, max_size=4),
       st.data())
def test_no_declaration_is_ever_written_over_by_another(
        existing: list[tuple[str, str, int, str]], imported: list[tuple[str, str, int]],
        data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        out = root / "declarations"
        for n, (kind, name, year, ident) in enumerate(existing):
            file = out / str(year) / "u" / f"{ident}.yaml"
            if file.exists():  # (one identity in two files: a duplicate, to be reported)
                file = file.with_name(f"{ident}-{n}.yaml")
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_text(render({"kind": kind, "id": ident, "fiscal_year": year,
                                    "name": name, "unit": {"id": "u", "name": UNIT},
                                    "funding": {"total": n + 1}}, {}, [], []),
                            encoding="utf-8")
        paths = []
        for n, (kind, name, year) in enumerate(imported):
            paths.append(docx_with(form_xml(kind, name, year, 1000 + n), root / f"form{n}.docx"))
        # the forms, in any order, in one run or several
        order = data.draw(st.permutations(range(len(imported))))
        cuts = data.draw(st.lists(st.booleans(), min_size=len(order), max_size=len(order)))
        runs: list[list[int]] = [[]]
        for n, cut in zip(order, cuts, strict=True):
            if cut and runs[-1]:
                runs.append([])
            runs[-1].append(n)
        for run in runs:
            force = data.draw(st.booleans())
            check_run(out, run, imported, paths, force)


def check_run(out: Path, run: list[int], imported: list[tuple[str, str, int]],
              paths: list[Path], force: bool) -> None:
    before = held(out)
    raw = {f: f.read_bytes() for f in before}
    # the forms' unit: the id --out gives its name, else one made up
    unit = next((h.unit for h in before.values()), "unit-1")
    keys = Counter(imported[n] for n in run)
    # what each form is: the one declaration of its kind, name and year (its file), or
    # a new one (None)
    matches: dict[int, Held | None] = {}
    for n in run:
        kind, name, year = imported[n]
        same = [h for h in before.values() if (h.kind, h.name, h.year) == (kind, name, year)]
        twice = len(same) == 1 and \
            sum((h.year, h.id) == (year, same[0].id) for h in before.values()) > 1
        matches[n] = same[0] if len(same) == 1 and not twice and keys[imported[n]] == 1 \
            else None
    result = cli("import", *(str(paths[n]) for n in run), "--out", str(out),
                 *(["--force"] if force else []))
    assert "Traceback" not in result.stdout + result.stderr
    after = held(out)
    # files: a replaced one holds its own identity with its form's content, the others
    # are as they were, the new ones are new and each holds one form's content
    replaced = {h.file: n for n, h in matches.items() if h is not None and force}
    for file, h in before.items():
        if file in replaced:
            now = after[file]
            assert (now.kind, now.name, now.year, now.id) == (h.kind, h.name, h.year, h.id)
            assert now.total == 1000 + replaced[file]
        else:
            assert file.read_bytes() == raw[file], f"{file} was written over"
    new_files = {f: after[f].total - 1000 for f in set(after) - set(before)}
    assert sorted(new_files.values()) == sorted(n for n, h in matches.items() if h is None)
    identities = Counter((h.year, h.id) for h in after.values())
    duplicates = Counter((h.year, h.id) for h in before.values())
    assert all(identities[k] <= max(duplicates[k], 1) for k in identities)
    kept = any(h is not None for h in matches.values()) and not force
    assert result.exit_code == (1 if kept else 0), result.stdout + result.stderr
    # what the command says of each form
    said = blocks(result.stdout, [str(paths[n]) for n in run])
    for n in run:
        kind, name, year = imported[n]
        block = said[str(paths[n])]
        match = matches[n]
        if match is not None:
            assert f"matched {year}/{unit}/{match.id}: the only {kind} named {name}" in \
                result.stdout + result.stderr
            if force:
                assert f"replaced {match.file}" in block, block
            else:
                assert f"not written: {match.file} holds this declaration" in result.stderr
            continue
        file = next(f for f, m in new_files.items() if m == n)
        assert f"new file {file}" in block, block
        same = [h for h in before.values() if (h.kind, h.name, h.year) == (kind, name, year)]
        lent = {h.id for h in before.values() if (h.kind, h.name) == (kind, name)}
        if keys[imported[n]] == 1 and not same and len(lent) == 1 and \
                not any((h.year, h.id) == (year, *lent) for h in before.values()):
            # no declaration of its name this year: the id the unit gives it in another
            ident = lent.pop()
            assert file == out / str(year) / unit / f"{ident}.yaml", block
            assert f"matched {ident} of " in block, block
        else:  # none of its name, or several: a new id, and the candidates named
            assert file.stem.startswith(SLUG[kind]), block
            assert "matched nothing: " in block, block
            if keys[imported[n]] == 1:
                assert all(str(h.file) in block for h in same), block


# ------------------------------------------------------------- the cases, one by one


def declare(out: Path, file: str, kind: str, name: str, year: int, ident: str, total: int,
            unit: str = "u") -> Path:
    path = out / file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render({"kind": kind, "id": ident, "fiscal_year": year, "name": name,
                            "unit": {"id": unit, "name": UNIT}, "funding": {"total": total}},
                           {}, [], []), encoding="utf-8")
    return path


def test_a_name_several_declarations_share_is_matched_to_none_even_with_force(
        tmp_path: Path) -> None:
    # one project name, two funding lines: two declarations of one name
    out = tmp_path / "declarations"
    first = declare(out, "2023/u/line-a.yaml", "project", "甲项目经费", 2023, "line-a", 1)
    second = declare(out, "2023/u/line-b.yaml", "project", "甲项目经费", 2023, "line-b", 2)
    written = {f: f.read_bytes() for f in (first, second)}
    form = docx_with(form_xml("project", "甲项目经费", 2023, 3), tmp_path / "line-b.docx")
    result = cli("import", str(form), "--out", str(out), "--force")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert all(f.read_bytes() == raw for f, raw in written.items())
    new = out / "2023/u/project-1.yaml"
    assert f"new file {new}" in result.stdout
    assert (f"matched nothing: 2 project declarations of unit u in 2023 are named 甲项目经费 "
            f"({first}, {second}): which one this form is, is not known, so none is "
            "replaced") in result.stdout
    text = new.read_text(encoding="utf-8")
    assert "id: project-1  # unsure: made up: choose a stable id (the file is named after " \
        f"it); 2 project declarations of unit u in 2023 are named 甲项目经费 ({first}" in text
    assert "total: 3" in text


def test_forms_of_one_import_that_would_land_in_one_file_are_all_kept(tmp_path: Path) -> None:
    out = tmp_path / "declarations"
    existing = declare(out, "2023/u/a.yaml", "project", "甲项目经费", 2023, "a", 1)
    before = existing.read_bytes()
    forms = [docx_with(form_xml("project", "甲项目经费", 2023, 10 + n), tmp_path / f"f{n}.docx")
             for n in range(2)]
    result = cli("import", *map(str, forms), "--out", str(out), "--force")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert existing.read_bytes() == before
    totals = sorted(held(out)[f].total for f in (out / "2023/u").glob("project-*.yaml"))
    assert totals == [10, 11]
    assert f"2023/u/a ({existing}) is matched by other forms of this import too (f1.docx)" \
        in result.stdout
    assert "(f0.docx): which one it is, is not known, so none replaces it" in result.stdout


def test_the_file_of_the_declaration_is_replaced_whatever_its_name(tmp_path: Path) -> None:
    out = tmp_path / "declarations"
    file = declare(out, "2023/u/old-name.yaml", "project", "甲项目经费", 2023, "a", 1)
    form = docx_with(form_xml("project", "甲项目经费", 2023, 5), tmp_path / "form.docx")
    kept = cli("import", str(form), "--out", str(out))
    assert kept.exit_code == 1
    assert f"not written: {file} holds this declaration (2023/u/a) already: kept (--force " \
        "replaces it)" in kept.stderr
    assert "matched 2023/u/a: the only project named 甲项目经费 of unit u in 2023" in kept.stderr
    forced = cli("import", str(form), "--out", str(out), "--force")
    assert forced.exit_code == 0
    assert f"replaced {file}" in forced.stdout
    assert sorted(out.rglob("*.yaml")) == [file]
    assert (held(out)[file].id, held(out)[file].total) == ("a", 5)


def test_an_id_from_another_year_is_not_taken_where_its_file_holds_something_else(
        tmp_path: Path) -> None:
    out = tmp_path / "declarations"
    declare(out, "2022/u/a.yaml", "project", "甲项目经费", 2022, "a", 1)
    other = declare(out, "2023/u/a.yaml", "project", "乙项目经费", 2023, "renamed", 2)
    before = other.read_bytes()
    form = docx_with(form_xml("project", "甲项目经费", 2023, 5), tmp_path / "form.docx")
    result = cli("import", str(form), "--out", str(out), "--force")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert other.read_bytes() == before
    assert f"new file {out}/2023/u/project-1.yaml" in result.stdout
    assert f"a is the id of the project named 甲项目经费 in 2022, but {other} exists and holds " \
        "something else" in result.stdout
    # where the file is free, the id is the one of the other year
    other.unlink()
    again = tmp_path / "again"
    declare(again, "2022/u/a.yaml", "project", "甲项目经费", 2022, "a", 1)
    result = cli("import", str(form), "--out", str(again))
    assert f"new file {again}/2023/u/a.yaml" in result.stdout
    assert "matched a of 2022: the id of the project named 甲项目经费 of unit u there; a new " \
        "declaration of 2023" in result.stdout


def test_a_unit_name_several_units_share_is_matched_to_none(tmp_path: Path) -> None:
    out = tmp_path / "declarations"
    declare(out, "2023/east/a.yaml", "project", "甲项目经费", 2023, "a", 1, unit="east")
    declare(out, "2023/west/a.yaml", "project", "甲项目经费", 2023, "a", 2, unit="west")
    form = docx_with(form_xml("project", "甲项目经费", 2023, 5), tmp_path / "form.docx")
    result = cli("import", str(form), "--out", str(out), "--force")
    assert result.exit_code == 0, result.stdout + result.stderr
    [new] = (out / "2023/unit-1").glob("*.yaml")
    assert f"gives the unit name {UNIT} several ids (east, west): which one it is, is not " \
        "known" in new.read_text(encoding="utf-8")
    assert {h.total for h in held(out).values()} == {1, 2, 5}
