"""perfdecl import: forms read back into declarations.

- every DOCX `perfdecl build` makes (single forms and the unit bundles) imports back to
  its declaration, and re-renders to the same form (what the layout prints);
- a property test over generated declarations printed in the national layouts;
- forms made by another program (python-docx, openpyxl) in the table shapes of the seed
  forms (tests/import/seed-*.txt: the seeds' own text dumps, rows of tab-led cells, a
  `{n}` after a cell where it spans n columns), with blank rows, merged cells, spaced
  labels, full-width digits, tick-box characters and amounts in 元, import to the
  faithful transcriptions in tests/seeds/;
- hostile files are refused quickly, with a message.
"""

from __future__ import annotations

import copy
import itertools
import os
import re
import shutil
import stat
import tempfile
import time
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from perfdecl.check import read, read_bytes
from perfdecl.config import load_config
from perfdecl.importer import Imported, import_files, read_file
from perfdecl.importer.safety import ImportRefused
from perfdecl.importer.write import render
from perfdecl.load import load
from perfdecl.render import Renderer
from perfdecl.repository import Repository

from .conftest import DECLARATIONS, REPO, SEEDS, at_length, run

FIXTURES = REPO / "tests" / "import"
FORMS = sorted(DECLARATIONS.rglob("*.yaml"))


# ------------------------------------------------------------------ comparing data

NOT_PRINTED = {"id", "order"}


def comparable(data: dict[str, Any], *, unit: bool = True) -> dict[str, Any]:
    """A declaration's data without what no form prints (its ids, its order), and
    computed 合计 written out (a total equal to its lines, 约 already on a line)."""
    out = copy.deepcopy({k: v for k, v in data.items() if k not in NOT_PRINTED})
    if "unit" in out:
        out["unit"] = {k: v for k, v in out["unit"].items() if k != "id"}
        if not unit:
            del out["unit"]
    expenses = out.get("expenses")
    if isinstance(expenses, dict):
        lines = expenses.get("items", [])
        total = sum((Decimal(str(x.get("amount", 0))) for x in lines), Decimal(0))
        if "total" in expenses and Decimal(str(expenses["total"])) == total and \
                all("amount" in x for x in lines):
            del expenses["total"]
        if expenses.get("total_approximate") and any(x.get("approximate") for x in lines):
            del expenses["total_approximate"]
    return _numbers(out)


def _numbers(value: Any) -> Any:
    """Numbers compared as numbers (74 == 74.00), everything else as it is."""
    if isinstance(value, dict):
        return {k: _numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_numbers(v) for v in value]
    if isinstance(value, bool):
        return value
    if isinstance(value, int | Decimal):
        return Decimal(value).normalize()
    return value


def differences(got: Any, want: Any, path: str = "") -> list[str]:
    if isinstance(got, dict) and isinstance(want, dict):
        out = []
        for k in sorted(set(got) | set(want), key=str):
            if k not in got:
                out.append(f"{path}.{k}: missing (want {want[k]!r})")
            elif k not in want:
                out.append(f"{path}.{k}: not wanted ({got[k]!r})")
            else:
                out += differences(got[k], want[k], f"{path}.{k}")
        return out
    if isinstance(got, list) and isinstance(want, list) and len(got) == len(want):
        return [d for i, (g, w) in enumerate(zip(got, want, strict=True))
                for d in differences(g, w, f"{path}[{i}]")]
    return [] if got == want else [f"{path}: got {got!r}, want {want!r}"]


def printed(data: dict[str, Any], layout: str) -> str:
    """The HTML of a declaration's form in `layout`: what the paper prints."""
    data = {"id": "x", **data, "unit": {"id": "u", "name": "—", **data.get("unit", {})}}
    text = render(data, {}, [], [])
    declaration, findings = read_bytes(text.encode("utf-8"), Path("form.yaml"))
    assert declaration is not None, [f.message for f in findings]
    return Renderer(load_config(REPO)).render(declaration, [declaration], layout)


# ------------------------------------------------------- the forms perfdecl builds


def _docx(built: Path, form: Path) -> Path:
    return built / form.parent.parent.name / form.parent.name / f"{form.stem}.docx"


@pytest.mark.slow
@pytest.mark.parametrize("form", FORMS, ids=lambda f: f.stem)
def test_every_built_form_imports_back(built: Path, form: Path) -> None:
    original, _ = read(form)
    assert original is not None
    imported, notes = read_file(_docx(built, form))
    assert notes == []
    assert len(imported) == 1
    item = imported[0]
    assert item.draft.unplaced == []
    layout = original.layout or "national"
    assert item.data["layout"] == layout
    # the 株洲 forms print no unit (填报单位：（盖章）): the rest is all there
    prints_unit = layout != "zhuzhou-2023"
    assert differences(comparable(item.data, unit=prints_unit),
                       comparable(original.data, unit=prints_unit)) == []
    # and the imported declaration prints the same form
    assert printed(item.data, layout) == printed(original.data, layout)


@pytest.mark.slow
@pytest.mark.parametrize("unit", sorted({f.parent for f in FORMS}), ids=lambda u: u.name)
def test_a_unit_bundle_imports_to_one_declaration_per_form(built: Path, unit: Path) -> None:
    bundle = built / unit.parent.name / unit.name / f"{unit.name}-{unit.parent.name}.docx"
    imported, notes = read_file(bundle)
    # its contents page and its footers are no form's text
    assert notes == [] and [i.draft.unplaced for i in imported if i.draft.unplaced] == []
    originals = [d for d in (read(f)[0] for f in sorted(unit.glob("*.yaml"))) if d]
    assert len(imported) == len(originals)
    by_name = {(i.data["kind"], i.data["name"]): i for i in imported}
    for original in originals:
        item = by_name[(original.kind, original.name.value)]
        assert differences(comparable(item.data), comparable(original.data)) == []


@pytest.mark.slow
def test_the_fund_summary_gives_the_funds_that_have_no_form_of_their_own(built: Path) -> None:
    # in the unit's bundle every line of the summary has its form: nothing comes from it
    imported, _ = read_file(built / "2023/shifeng-sbzx/shifeng-sbzx-2023.docx")
    assert [i for i in imported if i.form.kind == "fund_summary"] == []
    # alone, the summary gives every line: funds, and the directions of a fund with several
    alone, _ = read_file(built / "2023/shifeng-sbzx/fund-summary.docx")
    assert [(i.data["kind"], i.data["name"], i.data["funding"]["total"]) for i in alone][:3] == [
        ("special_fund", "城乡居民养老保险财政补助", 54),
        ("expenditure_direction", "建国初期老干部生活补贴", Decimal("2.5")),
        ("expenditure_direction", "企业退休军转干部生活补助", 23)]
    assert alone[1].data["special_fund"] == {"name": "建国初期及企业退休军转干部生活补贴",
                                             "amount": Decimal("25.5")}
    assert all(i.data["fiscal_year"] == 2023 for i in alone)
    assert all("fund summary" in i.draft.unsure[("kind",)] for i in alone)


@pytest.mark.slow
def test_import_command_writes_canonical_files_that_check(built: Path, tmp_path: Path,
                                                           perfdecl: Callable[..., Any]) -> None:
    bundle = built / "2019/shigu-sbzx/shigu-sbzx-2019.docx"
    out = tmp_path / "declarations"
    result = perfdecl("import", str(bundle), "--out", str(out))
    assert result.exit_code == 0, result.stdout + result.stderr
    files = sorted(out.rglob("*.yaml"))
    assert len(files) == 9
    assert "9 declarations written" in result.stdout
    assert perfdecl("fmt", "--check", str(out)).exit_code == 0
    text = (out / "2019/unit-1/project-1.yaml").read_text(encoding="utf-8")
    assert text.startswith("# Imported by `perfdecl import` from shigu-sbzx-2019.docx")
    assert "id: project-1  # unsure: made up" in text or "id: project-1 # unsure: made up" in text
    check = perfdecl("check", str(out))
    assert " 0 errors" in check.stdout or check.exit_code == 0, check.stdout
    assert "matched nothing: " + str(out) + " holds no project named 死亡举报奖 of this unit" \
        in result.stdout
    # a second import matches the same declarations: it does not replace their files,
    # unless told to
    again = perfdecl("import", str(bundle), "--out", str(out))
    assert again.exit_code == 1
    assert f"not written: {out}/2019/unit-1/project-1.yaml holds this declaration " \
        "(2019/unit-1/project-1) already: kept (--force replaces it)" in again.stderr
    assert "matched 2019/unit-1/project-1: the only project named 基础养老金区级配套经费 of " \
        "unit unit-1 in 2019" in again.stderr
    assert len(sorted(out.rglob("*.yaml"))) == 9
    forced = perfdecl("import", str(bundle), "--out", str(out), "--force")
    assert forced.exit_code == 0
    assert f"replaced {out}/2019/unit-1/project-1.yaml" in forced.stdout
    assert "9 declarations written (0 new, 9 replaced)" in forced.stdout
    assert len(sorted(out.rglob("*.yaml"))) == 9


def test_ids_come_from_the_repository_when_it_has_the_same_declaration(
        built: Path, tmp_path: Path) -> None:
    out = tmp_path / "declarations"
    (out / "2018/shigu-sbzx").mkdir(parents=True)
    earlier = DECLARATIONS / "2019/shigu-sbzx/siwang-jubao-jiang.yaml"
    (out / "2018/shigu-sbzx/siwang-jubao-jiang.yaml").write_text(
        earlier.read_text(encoding="utf-8").replace("fiscal_year: 2019", "fiscal_year: 2018"),
        encoding="utf-8")
    result = import_files([built / "2019/shigu-sbzx/siwang-jubao-jiang.docx"],
                          Repository.at(out.parent), out=out)
    item = result.files[0].imported[0]
    assert item.file == out / "2019/shigu-sbzx/siwang-jubao-jiang.yaml"
    assert ("id",) not in item.draft.unsure and ("unit", "id") not in item.draft.unsure
    assert item.file.is_file()


# ------------------------------------------------ forms made by another program

Cells = list[tuple[str, int]]
Block = tuple[str, Any]  # ("p", text) or ("row", cells)


def seed_blocks(text: str) -> list[Block]:
    """A seed's text dump: a line led by a tab starts a cell, a line without one
    continues it, a blank line ends the row; other lines are paragraphs. `{n}` after a
    cell's text: it spans n columns."""
    blocks: list[Block] = []
    row: list[str] | None = None
    for line in text.split("\n"):
        if line.startswith("\t"):
            row = [] if row is None else row
            row.append(line[1:])
        elif not line.strip():
            if row is not None:
                blocks.append(("row", [_span(c) for c in row]))
            row = None
        elif row is not None:
            row[-1] += "\n" + line
        else:
            blocks.append(("p", line.rstrip("\t")))
    if row is not None:
        blocks.append(("row", [_span(c) for c in row]))
    return blocks


def _span(text: str) -> tuple[str, int]:
    m = re.search(r"\{(\d)\}\s*$", text)
    return (text[:m.start()], int(m.group(1))) if m else (text, 1)


def tables(blocks: list[Block]) -> list[Block]:
    """Rows grouped into tables: ("p", text) or ("table", [cells, …])."""
    out: list[Block] = []
    for kind, value in blocks:
        if kind == "row":
            if out and out[-1][0] == "table":
                out[-1][1].append(value)
            else:
                out.append(("table", [value]))
        else:
            out.append((kind, value))
    return out


SECTION = re.compile(r"^(项目资金申请|项目立项情况|项目实施进度计划|项目绩效目标|长期绩效指标|年度绩效指标|"
                     r"专项实施进度计划|专项年度绩效指标|年度预算申请|年度重点|支出明细及测算说明|"
                     r"项目资金来源|项目支出明细预算|项\n目)")
LEVEL1 = ("产出指标", "效益指标", "满意度指标", "成本指标")


def merges(table: list[Cells]) -> list[tuple[int, int, int, int]]:
    """Where the paper merges cells down: a section label over the empty first cells
    below it, an 一级指标 over the empty cells of its group. (row, col, last row, span)"""
    out = []
    for col in (0, 1):
        r = 0
        while r < len(table):
            cells = table[r]
            start = sum(s for _, s in cells[:col]) if len(cells) > col else -1
            text = cells[col][0].strip() if len(cells) > col else ""
            wanted = SECTION.match(text) if col == 0 else text in LEVEL1
            end = r
            while wanted and end + 1 < len(table) and len(table[end + 1]) > col and \
                    not table[end + 1][col][0].strip() and \
                    sum(s for _, s in table[end + 1][:col]) == start and \
                    (col == 0 or (not SECTION.match(table[end + 1][0][0]) and
                                  table[end + 1][0][0].strip() == "")):
                end += 1
            if end > r:
                out.append((r, start, end, cells[col][1]))
            r = end + 1
    return out


def make_docx(blocks: list[Block], path: Path, *, sym: bool = False) -> Path:
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()

    def fill(cell: Any, text: str) -> None:
        lines = text.split("\n")
        cell.paragraphs[0].text = ""
        for n, line in enumerate(lines):
            p = cell.paragraphs[0] if n == 0 else cell.add_paragraph()
            if sym and "☑" in line:
                before, _, after = line.partition("☑")
                p.add_run(before)
                run = p.add_run()
                el = OxmlElement("w:sym")
                el.set(qn("w:font"), "Wingdings 2")
                el.set(qn("w:char"), "F052")
                run._r.append(el)
                p.add_run(after)
            else:
                p.add_run(line)

    for kind, value in tables(blocks):
        if kind == "p":
            document.add_paragraph(value)
            continue
        width = max(sum(s for _, s in row) for row in value)
        table = document.add_table(rows=len(value), cols=width)
        table.style = "Table Grid"
        for r, row in enumerate(value):
            col = 0
            for k, (text, span) in enumerate(row):
                if k == len(row) - 1:
                    span = width - col
                cell = table.cell(r, col)
                if span > 1:
                    cell = cell.merge(table.cell(r, col + span - 1))
                fill(cell, text)
                col += span
        for r, col, end, span in merges(value):
            table.cell(r, col).merge(table.cell(end, col + span - 1))
    document.save(str(path))
    return path


def make_xlsx(blocks: list[Block], path: Path, *, per_form: bool = False) -> Path:
    import openpyxl

    workbook = openpyxl.Workbook()
    ws = workbook.active
    assert ws is not None
    r = 1
    sheets = 0

    def put(row: int, col: int, text: str) -> None:
        cell = ws.cell(row=row, column=col)
        plain = text.strip()
        if re.fullmatch(r"[1-9]\d{0,8}(\.\d+)?|0\.\d+", plain):
            cell.value = Decimal(plain) if "." in plain else int(plain)
        elif re.fullmatch(r"\d{1,3}%", plain):
            cell.value = int(plain[:-1]) / 100
            cell.number_format = "0%"
        else:
            cell.value = text

    for kind, value in tables(blocks):
        if kind == "p":
            if per_form and re.fullmatch(r"附件\d-\d\s*", value):
                sheets += 1
                if sheets > 1:
                    ws = workbook.create_sheet(f"表{sheets}")
                    r = 1
            put(r, 1, value)
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=8)
            r += 1
            continue
        width = max(sum(s for _, s in row) for row in value)
        top = r
        for row in value:
            col = 0
            for k, (text, span) in enumerate(row):
                if k == len(row) - 1:
                    span = width - col
                put(r, col + 1, text)
                if span > 1:
                    ws.merge_cells(start_row=r, start_column=col + 1, end_row=r,
                                   end_column=col + span)
                col += span
            r += 1
        for first, col, end, span in merges(value):
            for rr in range(top + first, top + end + 1):  # (unmerge what the row merged)
                for rng in list(ws.merged_cells.ranges):
                    if rng.min_row == rr and rng.min_col == col + 1 and rng.max_row == rr:
                        ws.unmerge_cells(str(rng))
            ws.merge_cells(start_row=top + first, start_column=col + 1, end_row=top + end,
                           end_column=col + span)
        r += 1  # a blank row between tables
    workbook.save(str(path))
    return path


def mutate(blocks: list[Block], *, boxes_before: bool = False) -> list[Block]:
    """The seed as another program's user would type it: labels spaced out, digits
    full-width, ☑ for √, money in 元, and blank rows here and there."""
    spaced = {"项目名称", "主管部门", "项目单位", "专项名称", "部门名称", "支出方向", "项目金额",
              "部门职责概述", "指标值", "备注", "事项"}
    out: list[Block] = []
    for kind, value in blocks:
        if kind == "p":
            out.append((kind, _fullwidth(value)))
            continue
        cells = []
        for text, span in value:
            key = text.strip()
            if key in spaced:
                text = " ".join(key)
            text = re.sub(r"财政拨款：(\d+(?:\.\d+)?)万元",
                          lambda m: f"财政拨款：{Decimal(m.group(1)) * 10000:,.0f}元", text)
            text = re.sub(r"^(\d+)万$", lambda m: f"{int(m.group(1)) * 10000}元", text)
            text = text.replace("√", "☑")
            if boxes_before:
                text = re.sub(r"((?:新增|延续)(?:项目|专项))\s*([□☑])", r"\2 \1", text)
            cells.append((_fullwidth(text), span))
        out.append((kind, cells))
        if any(re.match(r"^\d、", t) or t.strip() in ("质量指标", "社会效益指标")
               for t, _ in value):
            out.append(("row", [("", s) for _, s in value]))  # a blank row after it
    return out


def _fullwidth(text: str) -> str:
    return text.translate(str.maketrans("0123456789", "０１２３４５６７８９"))


def expected(year: str, unit: str) -> dict[tuple[str, str], dict[str, Any]]:
    out = {}
    for f in sorted((SEEDS / year / unit).glob("*.yaml")):
        document, _ = load(f)  # (as printed: some do not validate)
        assert document is not None
        data = document.data
        out[(data["kind"], data["name"])] = data
    return out


def assert_imports_to(file: Path, wanted: dict[tuple[str, str], dict[str, Any]],
                      *, unit: bool = True) -> list[Any]:
    imported, notes = read_file(file)
    got = {(i.data["kind"], i.data["name"]): i for i in imported}
    assert sorted(got) == sorted(wanted), notes
    for key, data in wanted.items():
        assert differences(comparable(got[key].data, unit=unit),
                           comparable(data, unit=unit)) == [], key
    return imported


SEED_000 = (FIXTURES / "seed-000.txt").read_text(encoding="utf-8")
SEED_001 = (FIXTURES / "seed-001.txt").read_text(encoding="utf-8")
SEED_002 = (FIXTURES / "seed-002-form1.txt").read_text(encoding="utf-8")
WANT_000 = {**expected("2019", "shigu-sbzx"), **expected("2018", "shigu-sbzx")}


@pytest.mark.slow
def test_seed_000_as_docx_nine_forms_with_spaced_labels_and_fullwidth_digits(
        tmp_path: Path) -> None:
    file = make_docx(mutate(seed_blocks(SEED_000)), tmp_path / "附件1-1.docx", sym=True)
    imported = assert_imports_to(file, WANT_000)
    assert len(imported) == 9
    first = imported[0]
    assert first.data["funding"]["fiscal"] == 74  # 740,000元
    assert first.draft.unsure[("funding", "fiscal")] == "converted from 740000元"
    assert first.data["status"] == "延续"  # a Wingdings ☑


def test_seed_000_as_xlsx_one_sheet_per_form_boxes_before_their_options(tmp_path: Path) -> None:
    blocks = mutate(seed_blocks(SEED_000), boxes_before=True)
    file = make_xlsx(blocks, tmp_path / "附件1-1.xlsx", per_form=True)
    import openpyxl

    assert len(openpyxl.load_workbook(file).worksheets) == 9
    assert len(assert_imports_to(file, WANT_000)) == 9


@pytest.mark.slow
def test_seed_001_as_docx_and_xlsx(tmp_path: Path) -> None:
    wanted = expected("2023", "shifeng-sbzx")
    for file in (make_docx(mutate(seed_blocks(SEED_001)), tmp_path / "附表.docx"),
                 make_xlsx(seed_blocks(SEED_001), tmp_path / "附表.xlsx")):
        imported = assert_imports_to(file, wanted)
        # 附表2's row 六 has no form of its own: the special fund comes from the summary
        fund = next(i for i in imported if i.data["name"] == "业务性专项经费")
        assert fund.form.kind == "fund_summary"
        # the directions name no unit: it comes from the department form of the file
        direction = next(i for i in imported if i.data["kind"] == "expenditure_direction")
        assert "部门名称" in direction.draft.unsure[("unit", "name")]


def test_seed_002_form_1_as_docx_and_xlsx(tmp_path: Path) -> None:
    wanted = {k: v for k, v in expected("2024", "yangxin-ylbx").items()
              if v["id"] == "zhuanyi-jiexu"}
    # (the form leaves 申报单位 blank; the transcription has the unit from the file)
    for file in (make_docx(mutate(seed_blocks(SEED_002)), tmp_path / "附2-1.docx"),
                 make_xlsx(seed_blocks(SEED_002), tmp_path / "附2-1.xlsx")):
        [item] = assert_imports_to(file, wanted, unit=False)
        assert "unit" not in item.data
        assert item.data["fiscal_year"] == 2024
        assert "项目前两年" in item.draft.unsure[("fiscal_year",)]


# ------------------------------------------------------------------ hostile files

CONTENT_TYPES_DOCX = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="rels" ContentType="application/'
    'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
    '"application/xml"/><Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="word/document.xml"/></Relationships>')
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def docx_with(document_xml: bytes | str, path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES_DOCX)
        z.writestr("_rels/.rels", RELS)
        z.writestr("word/document.xml", document_xml)
    return path


def refused(path: Path, *words: str, seconds: float = 10) -> str:
    start = time.monotonic()
    with pytest.raises(ImportRefused) as info:
        read_file(path)
    assert time.monotonic() - start < seconds
    message = str(info.value)
    for word in words:
        assert word in message, message
    return message


def test_a_plain_docx_of_this_shape_is_read(tmp_path: Path) -> None:
    """(The hostile files below differ from this one only in what makes them hostile.)"""
    body = (f'<w:document {W}><w:body><w:p><w:r><w:t>项目绩效目标申报表</w:t></w:r></w:p>'
            '<w:tbl><w:tr><w:tc><w:p><w:r><w:t>项目名称</w:t></w:r></w:p></w:tc><w:tc><w:p>'
            '<w:r><w:t>试点项目</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:body></w:document>')
    [item], _ = read_file(docx_with(body, tmp_path / "ok.docx"))
    assert item.data["name"] == "试点项目"


def test_a_zip_bomb_is_refused_from_its_directory(tmp_path: Path) -> None:
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES_DOCX)
        z.writestr("_rels/.rels", RELS)
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            chunk = b" " * (1 << 24)
            for _ in range(64):  # 1 GiB of spaces, about 1 MB packed
                f.write(chunk)
    assert path.stat().st_size < 8 << 20
    refused(path, "zip bomb", "word/document.xml")
    # the command, with its memory capped far below what the part unpacks to
    result = run("import", str(path), "--out", str(tmp_path / "out"), limit_memory=1 << 30,
                 timeout=60)
    assert result.returncode == 1, result.stderr
    assert "zip bomb" in result.stderr and "Traceback" not in result.stderr


def test_a_zip_whose_directory_understates_a_part_is_refused(tmp_path: Path) -> None:
    good = docx_with(f'<w:document {W}><w:body>{"<w:p/>" * 50_000}</w:body></w:document>',
                     tmp_path / "big.docx")
    data = bytearray(good.read_bytes())
    # shrink the size the central directory states for word/document.xml
    at = data.rfind(b"word/document.xml") - 46
    assert data[at:at + 4] == b"PK\x01\x02"
    data[at + 24:at + 28] = (100).to_bytes(4, "little")
    liar = tmp_path / "liar.docx"
    liar.write_bytes(bytes(data))
    refused(liar)


def test_xml_entity_expansion_is_refused(tmp_path: Path) -> None:
    lol = "".join(f'<!ENTITY l{i} "{"&l" + str(i - 1) + ";" * 1 if i else "lol"}' +
                  ("&l" + str(i - 1) + ";") * 9 * (i > 0) + '">' for i in range(10))
    body = (f'<?xml version="1.0"?><!DOCTYPE w:document [{lol}]><w:document {W}><w:body>'
            '<w:p><w:r><w:t>&l9;</w:t></w:r></w:p></w:body></w:document>')
    refused(docx_with(body, tmp_path / "laughs.docx"), "DTD", "word/document.xml")
    # in UTF-16 too
    refused(docx_with(body.replace('version="1.0"', 'version="1.0" encoding="UTF-16"')
                      .encode("utf-16"), tmp_path / "laughs16.docx"), "DTD")


def test_an_external_entity_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET", encoding="utf-8")
    body = (f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e SYSTEM "{secret.as_uri()}">]>'
            f'<w:document {W}><w:body><w:p><w:r><w:t>项目名称&e;</w:t></w:r></w:p>'
            '</w:body></w:document>')
    message = refused(docx_with(body, tmp_path / "xxe.docx"), "DTD")
    assert "SECRET" not in message
    # behind that check, python-docx's own parser does not resolve entities either
    from docx.oxml.parser import parse_xml

    element = parse_xml(body.split("?>", 1)[1].encode("utf-8"))
    assert "SECRET" not in "".join(element.itertext())


def test_entities_in_a_workbook_are_refused(tmp_path: Path) -> None:
    import openpyxl

    path = tmp_path / "ok.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet["A1"] = "项目绩效目标申报表"
    workbook.save(str(path))
    hostile = tmp_path / "xxe.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(hostile, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                assert not data.startswith(b"<?xml")
                data = b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>' + data
            dst.writestr(item, data)
    refused(hostile, "DTD", "xl/worksheets/sheet1.xml")


UTF7_LT_BANG = "+ADwAIQ-"
"""`<!` in UTF-7: `+ADwAIQ-DOCTYPE` is `<!DOCTYPE` to a parser that reads the part as UTF-7."""


def utf7_dtd(secret: Path) -> str:
    return (f'<?xml version="1.0" encoding="UTF-7"?>{UTF7_LT_BANG}DOCTYPE d '
            f'[{UTF7_LT_BANG}ENTITY e SYSTEM "{secret.as_uri()}">]><w:document {W}><w:body>'
            '<w:p><w:r><w:t>Name&e;</w:t></w:r></w:p></w:body></w:document>')


def test_a_dtd_in_utf7_is_refused_by_its_encoding(tmp_path: Path) -> None:
    """The DTD check reads the part's bytes as UTF-8 or UTF-16; a part in UTF-7 showed it
    no `<!DOCTYPE` and went on to the parser. Any other encoding is refused by name."""
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET", encoding="utf-8")
    path = docx_with(utf7_dtd(secret).encode("ascii"), tmp_path / "utf7.docx")
    message = refused(path, "word/document.xml", "'UTF-7'", "not UTF-8 or UTF-16")
    assert "SECRET" not in message


@pytest.mark.parametrize(("codec", "bom", "label"), [
    ("utf-32-le", b"\xff\xfe\x00\x00", "UTF-32"), ("utf-32-be", b"", "UTF-32"),
    ("cp037", b"", "EBCDIC"), ("utf-16-le", b"\xff\xfe", "'UTF-8'"),
    ("utf-8", b"\xef\xbb\xbf", "'UTF-16'"),
])
def test_a_part_in_another_encoding_than_it_declares_or_than_utf8_or_16_is_refused(
        tmp_path: Path, codec: str, bom: bytes, label: str) -> None:
    declared = "UTF-16" if label == "'UTF-16'" else "UTF-8"
    body = (f'<?xml version="1.0" encoding="{declared}"?><w:document {W}><w:body><w:p><w:r>'
            '<w:t>项目名称</w:t></w:r></w:p></w:body></w:document>')
    raw = bom + body.encode(codec, errors="replace")
    refused(docx_with(raw, tmp_path / "other.docx"), "word/document.xml", label)


def test_an_xml_part_under_another_name_is_checked_as_xml(tmp_path: Path) -> None:
    """python-docx parses the part its relationships and content types point at,
    whatever its name: a part is XML by its first bytes as much as by its name."""
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET", encoding="utf-8")
    types = CONTENT_TYPES_DOCX.replace("/word/document.xml", "/word/document.dat")
    rels = RELS.replace("word/document.xml", "word/document.dat")
    dtd = (f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e SYSTEM "{secret.as_uri()}">]>'
           f'<w:document {W}><w:body><w:p><w:r><w:t>项目名称&e;</w:t></w:r></w:p></w:body>'
           '</w:document>')
    for n, (body, words) in enumerate(((dtd, ("DTD",)), (utf7_dtd(secret), ("'UTF-7'",)))):
        path = tmp_path / f"renamed{n}.docx"
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("[Content_Types].xml", types)
            z.writestr("_rels/.rels", rels)
            z.writestr("word/document.dat", body)
        refused(path, "word/document.dat", *words)


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_fifo_or_device_given_to_import_is_refused_without_waiting(tmp_path: Path,
                                                                    kind: str) -> None:
    form = tmp_path / "form.docx"
    if kind == "fifo":
        os.mkfifo(form)
    else:
        try:
            os.mknod(form, stat.S_IFCHR | 0o644, os.makedev(1, 5))  # reads as /dev/zero
        except OSError:
            pytest.skip("making a device node needs root")
    what = "a named pipe (FIFO)" if kind == "fifo" else "a device"
    result = run("import", str(form), "--out", str(tmp_path / "out"), timeout=60,
                 limit_memory=1 << 30)
    assert result.returncode == 1, result.stderr
    assert f"{form}: {what}, not a regular file; not read" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_table_of_100000_rows_is_refused(tmp_path: Path) -> None:
    row = "<w:tr><w:tc><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc></w:tr>"
    body = f'<w:document {W}><w:body><w:tbl>{row * 100_000}</w:tbl></w:body></w:document>'
    refused(docx_with(body, tmp_path / "rows.docx"), "20,000 table rows", seconds=5)
    # and a sheet of 100,000 rows
    import openpyxl

    path = tmp_path / "rows.xlsx"
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for n in range(100_000):
        sheet.append([n])
    workbook.save(str(path))
    refused(path, "20,000 table rows", seconds=5)


@pytest.mark.parametrize(("content", "words"), [
    (b"", ("empty",)),
    (b"just some text\n", ("not a Word (.docx) or Excel (.xlsx) file",)),
    (b"%PDF-1.7\n...", ("a PDF",)),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), ("old Word or Excel file",)),
    (b"{\\rtf1 hello}", ("RTF",)),
])
def test_a_file_that_is_no_docx_or_xlsx_is_refused(tmp_path: Path, content: bytes,
                                                    words: tuple[str, ...]) -> None:
    path = tmp_path / "form.docx"
    path.write_bytes(content)
    refused(path, *words)


def test_a_zip_that_is_no_office_document_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "form.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("readme.txt", "hello")
    refused(path, "not a Word (.docx) or Excel (.xlsx) document")
    damaged = tmp_path / "damaged.docx"
    damaged.write_bytes(docx_with(f"<w:document {W}/>", tmp_path / "x.docx").read_bytes()[:200])
    refused(damaged, "damaged")


def test_the_command_reports_refused_files_and_goes_on(tmp_path: Path, built: Path,
                                                       perfdecl: Callable[..., Any]) -> None:
    bad = tmp_path / "notes.docx"
    bad.write_text("not a form", encoding="utf-8")
    good = built / "2019/shigu-sbzx/siwang-jubao-jiang.docx"
    result = perfdecl("import", str(bad), str(good), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "not a Word (.docx) or Excel (.xlsx) file" in result.stderr
    assert "1 declarations written" in result.stdout
    assert perfdecl("import", str(tmp_path / "missing.docx")).exit_code == 2
    assert perfdecl("import", str(good), "--kind", "projekt").exit_code == 2
    assert perfdecl("import", str(good), "--layout", "nowhere-1999").exit_code == 2


# ------------------------------------------------- generated declarations, national

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_HAN = "养老保险服务中心城乡居民财政补助经费项目管理发放认证工作稽核社会保障待遇资金基础"
_FIRST = st.sampled_from(_HAN)
_REST = st.text(alphabet=_HAN + "abcmnz0123456789（）《》，。%/-", min_size=1, max_size=24)
TEXT = st.builds(lambda a, b: a + b, _FIRST, _REST)
REF = st.builds(lambda a, b: a + b, _FIRST, st.text(alphabet=_HAN + "【】0123456789号文",
                                                    min_size=1, max_size=16))
TARGET = st.one_of(
    st.builds(lambda n: f"≥{n}%", st.integers(1, 100)),
    st.builds(lambda n, u: f"{n}{u}", st.integers(1, 99999), st.sampled_from("人户封次元")),
    st.integers(1, 10**6), TEXT)
MONEY = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(99999), places=2)
PHONE = st.from_regex(r"1[3-9][0-9]{9}|[2-8][0-9]{6,7}", fullmatch=True)
NEW_GENERATION = {"产出指标": ("数量指标", "质量指标", "时效指标"),
                  "成本指标": ("经济成本指标", "社会成本指标", "生态环境成本指标"),
                  "效益指标": ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"),
                  "满意度指标": ("服务对象满意度指标",)}


@st.composite
def indicators(draw: st.DrawFn, standard: bool) -> dict[str, Any]:
    tree: dict[str, Any] = {}
    for level1, level2s in NEW_GENERATION.items():
        for level2 in level2s:
            items = []
            for _ in range(draw(st.integers(0, 2 if level1 != "满意度指标" else 1))):
                item = {"name": draw(TEXT), "target": draw(TARGET)}
                if standard and draw(st.booleans()):
                    item["standard"] = draw(st.sampled_from(["计划标准", "行业标准", "历史标准"]))
                items.append(item)
            if items:
                tree.setdefault(level1, {})[level2] = items
    return tree


@st.composite
def declarations(draw: st.DrawFn, n: int) -> dict[str, Any]:
    kind = draw(st.sampled_from(["project", "special_fund", "department",
                                 "expenditure_direction"]))
    year = draw(st.integers(2020, 2030))
    unit_name = draw(TEXT) + "中心"
    data: dict[str, Any] = {"kind": kind, "id": f"generated-{n}", "fiscal_year": year,
                            "layout": "national", "name": draw(TEXT) + "经费",
                            "unit": {"id": f"unit-{n}", "name": unit_name}}
    opt = draw(st.lists(st.booleans(), min_size=12, max_size=12))
    if kind != "department" and opt[0]:
        data["period"] = {"start": f"{year}-01", "end": f"{year}-{draw(st.integers(6, 12)):02d}"}
    if kind in ("project", "special_fund") and opt[1]:
        data["status"] = draw(st.sampled_from(["新增", "延续"]))
    if kind in ("project", "special_fund") and opt[2]:
        data["supervising_department"] = {"name": draw(TEXT) + "局"}
        if kind == "project" and opt[3]:
            data["supervising_department"]["code"] = draw(st.from_regex(r"[0-9]{6,17}",
                                                                         fullmatch=True))
    parts = draw(st.lists(MONEY, min_size=1, max_size=3))
    total = sum(parts, Decimal(0))
    if kind == "project":
        data["funding"] = {"total": total, **dict(zip(("fiscal", "own", "other"), parts,
                                                      strict=False))}
        if opt[4]:
            data["leader"] = {"name": draw(TEXT)[:4], "phone": draw(PHONE)}
        if opt[5]:
            data["overview"] = draw(TEXT)
        if opt[6]:
            data["policy_references"] = draw(st.lists(REF, min_size=1, max_size=3))
    elif kind == "department":
        nature = draw(MONEY) if total > 1 else Decimal(0)
        nature = min(nature, total)
        data["funding"] = {"total": total, **dict(zip(
            ("general_budget", "government_fund", "other"), parts, strict=False)),
            "basic": total - nature, "project": nature}
        if opt[4]:
            data["key_tasks"] = [{"task": draw(TEXT), **({"responsible": draw(TEXT)}
                                                          if draw(st.booleans()) else {}),
                                  **({"goal": draw(TEXT)} if draw(st.booleans()) else {})}
                                 for _ in range(draw(st.integers(1, 3)))]
    else:
        data["funding"] = {"total": total}
    if kind in ("special_fund", "department") and opt[7]:
        data["duties"] = draw(st.lists(TEXT, min_size=1, max_size=3))
    if kind == "special_fund":
        if opt[6]:
            data["policy_references"] = draw(st.lists(REF, min_size=1, max_size=3))
        if opt[8]:
            data["measures"] = draw(TEXT)
    if kind == "expenditure_direction":
        data["special_fund"] = {"name": draw(TEXT) + "专项"}
        if opt[8]:
            data["special_fund"]["amount"] = total
        lines = []
        for amount in parts:
            line: dict[str, Any] = {"item": draw(TEXT), "amount": amount}
            if draw(st.booleans()):
                line["summary"] = draw(TEXT)
            if draw(st.booleans()):
                line["basis"] = draw(TEXT)
            lines.append(line)
        data["expenses"] = {"items": lines}
    goals = {}
    if kind in ("special_fund", "expenditure_direction") and opt[9]:
        goals["long_term"] = draw(st.lists(TEXT, min_size=1, max_size=3))
    if opt[10]:
        goals["annual"] = draw(st.lists(TEXT, min_size=1, max_size=3))
    if goals:
        data["goals"] = goals
    tree = draw(indicators(kind == "expenditure_direction"))
    if tree:
        data["indicators"] = {"annual": tree}
    if opt[11]:
        data["preparer"] = {"name": draw(TEXT)[:4], "phone": draw(PHONE)}
        if kind != "expenditure_direction":
            data["filed_on"] = f"{year - 1}-{draw(st.integers(1, 12)):02d}-" \
                               f"{draw(st.integers(1, 28)):02d}"
    return data


@pytest.mark.slow
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck),
          phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(st.lists(st.integers(), min_size=1, max_size=4).flatmap(
    lambda xs: st.tuples(*[declarations(n) for n in range(len(xs))])))
def test_generated_declarations_in_national_layouts_import_back(
        generated: tuple[dict[str, Any], ...]) -> None:
    for data, item, notes in imported_back(generated):
        assert notes == [] and item.draft.unplaced == []
        assert differences(comparable(item.data), comparable(data)) == []
        assert printed(item.data, "national") == printed(data, "national")


def imported_back(generated: tuple[dict[str, Any], ...]
                  ) -> list[tuple[dict[str, Any], Imported, list[str]]]:
    """Each generated declaration with the one form its built DOCX imports to, and the
    file's notes: the declarations are written where a repository keeps them, built
    together with `perfdecl build --to docx` and read back one form at a time."""
    out = []
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for data in generated:
            file = root / "d" / str(data["fiscal_year"]) / data["unit"]["id"] / \
                f"{data['id']}.yaml"
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_text(render(data, {}, [], []), encoding="utf-8")
        result = run("build", str(root / "d"), "--to", "docx", "--out", str(root / "b"))
        assert result.returncode == 0, result.stdout + result.stderr
        for data in generated:
            docx = root / "b" / str(data["fiscal_year"]) / data["unit"]["id"] / \
                f"{data['id']}.docx"
            [item], notes = read_file(docx)
            out.append((data, item, notes))
    return out


OLD_GENERATION = {"产出指标": ("数量指标", "质量指标", "时效指标", "成本指标"),
                  "效益指标": ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"),
                  "满意度指标": ("服务对象满意度指标",)}


@st.composite
def old_generation(draw: st.DrawFn) -> dict[str, Any]:
    tree: dict[str, Any] = {}
    for level1, level2s in OLD_GENERATION.items():
        for level2 in level2s:
            items = [{"name": draw(TEXT), "target": draw(TARGET)}
                     for _ in range(draw(st.integers(0, 3 if level1 != "满意度指标" else 1)))]
            if items:
                tree.setdefault(level1, {})[level2] = items
    return tree


@st.composite
def midterm_declarations(draw: st.DrawFn, n: int) -> dict[str, Any]:
    """A multi-year project on the national form of 财预〔2015〕88号: every 中期 value
    beside its 年度 one, the labels of the two halves the same."""
    year = draw(st.integers(2020, 2030))
    years = draw(st.integers(1, 5))
    data: dict[str, Any] = {"kind": "project", "id": f"midterm-{n}", "fiscal_year": year,
                            "layout": "national-2015", "name": draw(TEXT) + "项目",
                            "unit": {"id": f"unit-{n}", "name": draw(TEXT) + "中心"}}
    opt = draw(st.lists(st.booleans(), min_size=8, max_size=8))
    if opt[0]:
        data["status"] = draw(st.sampled_from(["新增", "延续"]))
    if opt[1]:
        data["supervising_department"] = {"name": draw(TEXT) + "局"}
        if opt[2]:
            data["supervising_department"]["code"] = draw(st.from_regex(r"[0-9]{6,12}",
                                                                         fullmatch=True))
    if opt[3]:
        data["duration"] = f"{years}年"
    if opt[4]:
        data["period"] = {"start": f"{year}-01", "end": f"{year + years - 1}-12"}
    fiscal, other = draw(MONEY), draw(st.one_of(st.none(), MONEY))
    funding: dict[str, Any] = {"total": fiscal + (other or 0), "fiscal": fiscal}
    if other is not None:
        funding["other"] = other
    more_fiscal, more_other = draw(MONEY), draw(MONEY)
    if opt[5]:
        funding["multi_year_total"] = funding["total"] + more_fiscal + \
            (more_other if other is not None else 0)
        funding["multi_year_fiscal"] = fiscal + more_fiscal
        if other is not None:
            funding["multi_year_other"] = other + more_other
    data["funding"] = funding
    goals: dict[str, Any] = {}
    if opt[6]:
        goals["long_term"] = draw(st.lists(TEXT, min_size=1, max_size=3))
        goals["long_term_from"] = year
        goals["long_term_until"] = year + years - 1
    goals["annual"] = draw(st.lists(TEXT, min_size=1, max_size=3))
    data["goals"] = goals
    indicators = {"long_term": draw(old_generation()) if opt[7] else {},
                  "annual": draw(old_generation())}
    data["indicators"] = {term: tree for term, tree in indicators.items() if tree}
    if not data["indicators"]:
        del data["indicators"]
    return data


@pytest.mark.slow
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck),
          phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(st.lists(st.integers(), min_size=1, max_size=3).flatmap(
    lambda xs: st.tuples(*[midterm_declarations(n) for n in range(len(xs))])))
def test_generated_midterm_declarations_import_back_with_both_halves(
        generated: tuple[dict[str, Any], ...]) -> None:
    """Every 中期 value of a national-2015 form comes back as 中期, every 年度 value as
    年度: the labels the two halves share (其中：财政拨款, 其他资金, 二级指标 …) are read
    by the half they are in."""
    for data, item, notes in imported_back(generated):
        assert notes == [] and item.draft.unplaced == [] and item.draft.notes == []
        assert differences(comparable(item.data), comparable(years_said_once(data))) == []
        assert printed(item.data, "national-2015") == printed(data, "national-2015")


SIDE_BY_SIDE = """项目支出绩效目标申报表
（2026年度）
\t项目名称
\t试点项目{7}

\t总体目标
\t{left_goal}{4}
\t{right_goal}{3}

\t总体目标
\t甲目标{4}
\t乙目标{3}

\t绩效指标
\t一级指标
\t二级指标
\t三级指标
\t指标值
\t二级指标
\t三级指标
\t指标值

\t绩效指标
\t产出指标
\t数量指标
\t甲指标
\t≥300人
\t数量指标
\t乙指标
\t≥100人
"""


@pytest.mark.parametrize(("left", "right", "terms"), [
    ("中期目标（2026年—2028年）", "年度目标", ("long_term", "annual")),
    ("年度目标", "中期目标", ("annual", "long_term")),
    ("目标一", "目标二", None),
])
def test_two_indicator_tables_side_by_side_are_read_by_the_halves_of_the_form(
        tmp_path: Path, left: str, right: str, terms: tuple[str, str] | None) -> None:
    """The headings of the form say which half is 中期, wherever it is; without them the
    left table is read as 中期 as on the national form, and the import says so."""
    text = SIDE_BY_SIDE.replace("{left_goal}", left).replace("{right_goal}", right)
    [item], _notes = read_file(make_docx(seed_blocks(text), tmp_path / "form.docx"))
    indicators = item.data["indicators"]
    first, second = terms or ("long_term", "annual")
    assert indicators[first]["产出指标"]["数量指标"] == [{"name": "甲指标", "target": "≥300人"}]
    assert indicators[second]["产出指标"]["数量指标"] == [{"name": "乙指标", "target": "≥100人"}]
    guessed = [n for n in item.draft.notes if "side by side" in n]
    assert bool(guessed) == (terms is None), item.draft.notes


def years_said_once(data: dict[str, Any]) -> dict[str, Any]:
    """The years of 中期目标 left out where the 项目期 says them: the form prints them from
    either, and import writes them once."""
    out = copy.deepcopy(data)
    goals, period = out.get("goals", {}), out.get("period", {})
    for key, month in (("long_term_from", "start"), ("long_term_until", "end")):
        if key in goals and period and period[month][:4] == str(goals[key]):
            del goals[key]
    return out


def test_a_form_without_a_title_needs_its_kind(tmp_path: Path,
                                               perfdecl: Callable[..., Any]) -> None:
    body = (f'<w:document {W}><w:body><w:tbl><w:tr><w:tc><w:p><w:r><w:t>项目名称</w:t></w:r>'
            '</w:p></w:tc><w:tc><w:p><w:r><w:t>试点项目</w:t></w:r></w:p></w:tc></w:tr><w:tr>'
            '<w:tc><w:p><w:r><w:t>资金总额（元）</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r>'
            '<w:t>１２０,０００</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:body></w:document>')
    path = docx_with(body, tmp_path / "untitled.docx")
    out = tmp_path / "out"
    result = perfdecl("import", str(path), "--out", str(out))
    assert result.exit_code == 1
    assert "no form title" in result.stderr and "--kind" in result.stderr
    result = perfdecl("import", str(path), "--kind", "project", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    [file] = out.rglob("*.yaml")
    text = file.read_text(encoding="utf-8")
    assert "total: 12  # unsure: converted from 120000元" in text
    # no year, no unit: perfdecl check says so
    check = perfdecl("check", str(file))
    assert "missing field 年度 (`fiscal_year`)" in check.stdout


# --------------------------------------------- what the file holds and nothing reads


def test_formula_cells_without_their_values_are_said_not_taken_for_blanks(
        tmp_path: Path, perfdecl: Callable[..., Any]) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in (["项目绩效目标申报表"], ["项目名称", "试点项目"], ["项目单位", "试点中心"],
                ["资金总额（万元）", "=B5+B6"], ["财政拨款", 50], ["自有资金", 24],
                ["项目概况", "试点", None, "=B4*2"]):
        sheet.append(row)
    path = tmp_path / "form.xlsx"
    workbook.save(str(path))  # (openpyxl saves formulas without their values)
    out = tmp_path / "out"
    result = perfdecl("import", str(path), "--out", str(out))
    assert result.exit_code == 0, result.stderr
    total = ("sheet 1 (Sheet), row 4, column B: 资金总额（万元） (funding.total): a formula "
             "(=B5+B6) with no value saved in the file; open the file in Excel or WPS, save it "
             "and import it again")
    loose = "sheet 1 (Sheet), row 7, column D: a formula (=B4*2) with no value saved"
    assert f"not read: {total}" in result.stdout
    assert loose in result.stdout
    assert "2 cells not read" in result.stdout
    [file] = out.rglob("*.yaml")
    text = file.read_text(encoding="utf-8")
    assert "# Not read (cells whose value the file does not hold):\n#   " + total in text
    assert "total:" not in text
    # as Excel or WPS save it, with the value beside the formula: read
    saved = tmp_path / "saved.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(saved, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<f>B5+B6</f><v></v>", b"<f>B5+B6</f><v>74</v>") \
                    .replace(b"<f>B4*2</f><v></v>", b"<f>B4*2</f><v>148</v>")
            dst.writestr(item, data)
    [item], _ = read_file(saved)
    assert item.data["funding"]["total"] == 74
    assert item.draft.unreadable == []
    assert any("148" in u for u in item.draft.unplaced)


def test_a_file_holding_two_parts_of_one_name_is_refused(tmp_path: Path) -> None:
    import warnings

    def shown(name: str) -> str:
        return (f'<w:document {W}><w:body><w:p><w:r><w:t>项目绩效目标申报表</w:t></w:r></w:p>'
                '<w:tbl><w:tr><w:tc><w:p><w:r><w:t>项目名称</w:t></w:r></w:p></w:tc><w:tc>'
                f'<w:p><w:r><w:t>{name}</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:body>'
                '</w:document>')

    for n, second in enumerate(("word/document.xml", "Word/Document.xml", "/word/document.xml")):
        path = docx_with(shown("甲项目"), tmp_path / f"twice{n}.docx")
        with zipfile.ZipFile(path, "a") as z, warnings.catch_warnings():
            warnings.simplefilter("ignore")  # (zipfile warns of the duplicate name)
            z.writestr(second, shown("乙项目"))
        refused(path, "two parts named", second, "which one Word or Excel shows")
    # a workbook the same
    import openpyxl

    book = tmp_path / "book.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet["A1"] = "项目绩效目标申报表"
    workbook.save(str(book))
    with zipfile.ZipFile(book, "a") as z, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        z.writestr("xl/worksheets/sheet1.xml", z.read("xl/worksheets/sheet1.xml"))
    refused(book, "two parts named xl/worksheets/sheet1.xml")


def test_text_word_hides_in_a_merged_cell_and_above_the_title_is_said(tmp_path: Path) -> None:
    body = (f'<w:document {W}><w:body><w:p><w:r><w:t>说明：先填此表</w:t></w:r></w:p>'
            '<w:p><w:r><w:t>项目绩效目标申报表</w:t></w:r></w:p><w:tbl>'
            '<w:tr><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r>'
            '<w:t>项目名称</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>试点项目</w:t></w:r>'
            '</w:p></w:tc></w:tr><w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p><w:r>'
            '<w:t>藏起来的字</w:t></w:r></w:p></w:tc><w:tc><w:p/></w:tc></w:tr></w:tbl>'
            '</w:body></w:document>')
    [item], _ = read_file(docx_with(body, tmp_path / "hidden.docx"))
    assert item.data["name"] == "试点项目"
    assert item.draft.unplaced == [
        "paragraph 1: “说明：先填此表” (above the form's title)",
        "table 1, row 2: “藏起来的字” (in a merged cell, where Word does not show it)"]


# A form with text added anywhere (a cell, a new row, a paragraph): the text is in the
# declaration or in what the import says it did not place, never nowhere.

WORD = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
STRAY = st.text(alphabet="甲乙丙丁戊己庚辛壬癸QXZW", min_size=2, max_size=6)


def _places(document: Any) -> list[tuple[str, int, int]]:
    """Where text can be added to a DOCX body: into a cell (after or instead of its
    text), in a new row under a row (in one of its cells), in a new paragraph."""
    body = document.find(f"{WORD}body")
    out = [(mode, i, 0) for i, _tc in enumerate(body.iter(f"{WORD}tc"))
           for mode in ("append", "replace")]
    out += [("row", i, k) for i, tr in enumerate(body.iter(f"{WORD}tr"))
            for k in range(len(tr.findall(f"{WORD}tc")))]
    out += [("paragraph", i, 0) for i in range(len(body))]
    return out


def _add(document: Any, place: tuple[str, int, int], text: str) -> Any:
    from lxml import etree

    def paragraph() -> Any:
        p = etree.Element(f"{WORD}p")
        etree.SubElement(etree.SubElement(p, f"{WORD}r"), f"{WORD}t").text = text
        return p

    document = copy.deepcopy(document)
    body = document.find(f"{WORD}body")
    mode, i, k = place
    if mode in ("append", "replace"):
        cell = list(body.iter(f"{WORD}tc"))[i]
        if mode == "replace":
            for p in cell.findall(f"{WORD}p"):
                cell.remove(p)
        cell.append(paragraph())
    elif mode == "row":
        row = list(body.iter(f"{WORD}tr"))[i]
        new = copy.deepcopy(row)
        for n, cell in enumerate(new.findall(f"{WORD}tc")):
            for child in cell.findall(f"{WORD}p"):
                cell.remove(child)
            merge = cell.find(f"{WORD}tcPr/{WORD}vMerge")
            if merge is not None:
                merge.getparent().remove(merge)
            cell.append(paragraph() if n == k else etree.Element(f"{WORD}p"))
        row.addnext(new)
    else:
        blocks = [b for b in body if b.tag != f"{WORD}sectPr"]
        if i < len(blocks):
            blocks[i].addprevious(paragraph())
        else:
            blocks[-1].addnext(paragraph())
    return document


def _somewhere(text: str, imported: list[Any], notes: list[str]) -> bool:
    """Whether `text` is in a declaration, or in what the import said; a file where it
    found no form at all (the text broke the title) is refused, with a message."""
    import json

    if not imported:
        return any("no form title" in note for note in notes)

    said = [*notes, *(json.dumps(i.data, ensure_ascii=False, default=str) for i in imported),
            *(line for i in imported for line in
              (*i.draft.unplaced, *i.draft.unreadable, *i.draft.notes))]
    return any(text in s for s in said)


DOCX_FORMS = [f.relative_to(DECLARATIONS).with_suffix(".docx") for f in FORMS] + \
    [Path("2019/shigu-sbzx/fund-summary.docx"), Path("2023/shifeng-sbzx/fund-summary.docx"),
     Path("python-docx.docx")]


@pytest.fixture(scope="session")
def docx_forms(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The forms perfdecl builds, and one python-docx makes (seed 002's first form, with
    spaced labels, full-width digits and Wingdings ticks)."""
    forms = tmp_path_factory.mktemp("docx-forms") / "build"
    shutil.copytree(built, forms, ignore=lambda _folder, names: [
        n for n in names if n.endswith((".pdf", ".html"))])
    make_docx(mutate(seed_blocks(SEED_002)), forms / "python-docx.docx", sym=True)
    return forms


@pytest.mark.slow
@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
@given(st.sampled_from(DOCX_FORMS), st.integers(0, 10**6), STRAY)
def test_text_added_to_a_word_form_is_read_or_said(docx_forms: Path, form: Path, where: int,
                                                   text: str) -> None:
    from lxml import etree

    source = docx_forms / form
    with zipfile.ZipFile(source) as z:
        document = etree.fromstring(z.read("word/document.xml"))
    place = _places(document)[where % len(_places(document))]
    changed = etree.tostring(_add(document, place, text), xml_declaration=True,
                             encoding="UTF-8", standalone=True)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / source.name
        with zipfile.ZipFile(source) as src, zipfile.ZipFile(path, "w") as dst:
            for item in src.infolist():
                dst.writestr(item, changed if item.filename == "word/document.xml"
                             else src.read(item.filename))
        imported, notes = read_file(path)
    assert _somewhere(text, imported, notes), (form.name, place)


def _add_to_blocks(blocks: list[Block], place: tuple[str, int, int], text: str) -> list[Block]:
    out: list[Block] = [(kind, list(value) if kind == "row" else value)
                        for kind, value in blocks]
    mode, i, k = place
    if mode in ("append", "replace"):
        before, span = out[i][1][k]
        out[i][1][k] = ((before + "\n" if mode == "append" and before.strip() else "") + text,
                        span)
    elif mode == "row":
        row = [("", span) for _, span in out[i][1]]
        row[k] = (text, row[k][1])
        out.insert(i + 1, ("row", row))
    else:
        out.insert(i, ("p", text))
    return out


def _seed_forms() -> list[list[Block]]:
    """The seeds' forms, one by one (a form starts at the row of its title)."""
    from perfdecl.importer.forms import title_kind

    out = []
    for seed in (SEED_000, SEED_001, SEED_002):
        blocks = seed_blocks(seed)
        starts = [i for i, (kind, value) in enumerate(blocks)
                  if (kind == "p" and title_kind(value)) or
                  (kind == "row" and any(title_kind(text) for text, _span in value))]
        # (with the attachment number above the title)
        starts = [i - 1 if i and blocks[i - 1][0] == "p" and blocks[i - 1][1].startswith("附")
                  else i for i in starts]
        bounds = [0, *starts[1:], len(blocks)]
        out += [blocks[a:b] for a, b in itertools.pairwise(bounds)]
    return out


@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
@given(st.sampled_from(_seed_forms()), st.integers(0, 10**6), STRAY)
def test_text_added_to_a_workbook_form_is_read_or_said(blocks: list[Block], where: int,
                                                       text: str) -> None:
    places = [(mode, i, k) for i, (kind, value) in enumerate(blocks) if kind == "row"
              for k in range(len(value)) for mode in ("append", "replace", "row")]
    places += [("paragraph", i, 0) for i in range(len(blocks))]
    changed = _add_to_blocks(blocks, places[where % len(places)], text)
    with tempfile.TemporaryDirectory() as folder:
        imported, notes = read_file(make_xlsx(changed, Path(folder) / "form.xlsx"))
    assert _somewhere(text, imported, notes), places[where % len(places)]


# ------------------------------------------------------------- XML parts' encodings

ENCODING_NAMES = ["UTF-8", "UTF-16", "UTF-16LE", "UTF-16BE", "UTF-7", "UTF-32", "UCS-4",
                  "UCS-2", "ISO-8859-1", "latin1", "US-ASCII", "windows-1252", "GBK",
                  "GB18030", "Big5", "Shift_JIS", "EUC-JP", "ISO-2022-JP", "EBCDIC-CP-US",
                  "IBM037", "UTF8", "UTF16", "UTF-8 ", " UTF-16", "x-unknown", ""]
SPACE = st.text(alphabet=" \t\r\n", min_size=1, max_size=3)
MAYBE_SPACE = st.text(alphabet=" \t\r\n", max_size=2)
FORMS_OF_BYTES = {  # how the part is written: its codec, its byte-order mark
    "utf-8": ("utf-8", b""), "utf-8 with a BOM": ("utf-8", b"\xef\xbb\xbf"),
    "utf-16-le": ("utf-16-le", b""), "utf-16-le with a BOM": ("utf-16-le", b"\xff\xfe"),
    "utf-16-be": ("utf-16-be", b""), "utf-16-be with a BOM": ("utf-16-be", b"\xfe\xff"),
}


@st.composite
def declarations_of_encoding(draw: st.DrawFn) -> tuple[str, str, str]:
    """An XML declaration naming an encoding in any case, quoting and spacing XML
    allows (and a few it does not), and the form of bytes the part is written in."""
    name = "".join(c.upper() if draw(st.booleans()) else c.lower()
                   for c in draw(st.sampled_from(ENCODING_NAMES)))
    quote, version_quote = draw(st.sampled_from("\"'")), draw(st.sampled_from("\"'"))

    def eq() -> str:
        return f"{draw(MAYBE_SPACE)}={draw(MAYBE_SPACE)}"

    keyword = draw(st.sampled_from(["encoding", "ENCODING", "Encoding"]))
    standalone = draw(st.sampled_from(["", f"{draw(SPACE)}standalone{eq()}{quote}yes{quote}"]))
    declaration = (f"{draw(MAYBE_SPACE)}<?xml{draw(SPACE)}version{eq()}{version_quote}1.0"
                   f"{version_quote}{draw(SPACE)}{keyword}{eq()}{quote}{name}{quote}"
                   f"{standalone}{draw(MAYBE_SPACE)}?>")
    return name, declaration, draw(st.sampled_from(sorted(FORMS_OF_BYTES)))


@pytest.mark.slow
@settings(max_examples=at_length(300), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=declarations_of_encoding())
def test_a_part_is_read_only_in_the_utf8_or_utf16_it_declares(
        tmp_path: Path, case: tuple[str, str, str]) -> None:
    """Property: a part is accepted when it is written in UTF-8 and declares UTF-8, or
    in UTF-16 and declares UTF-16 (or its byte order); any other name, in any case,
    quoting or spacing, and any name its bytes belie, is refused naming the part and the
    encoding, before anything parses it. (UTF-16 without a byte-order mark whose
    declaration does not open the part shows its encoding nowhere: it may be refused.)"""
    from perfdecl.importer.safety import inspect

    name, declaration, form = case
    codec, bom = FORMS_OF_BYTES[form]
    body = f'{declaration}<w:document {W}><w:body/></w:document>'
    path = docx_with(bom + body.encode(codec), tmp_path / "declared.docx")
    family = "utf-8" if codec == "utf-8" else "utf-16"
    allowed = {"utf-8"} if family == "utf-8" else {"utf-16", codec.replace("-le", "le")
                                                   .replace("-be", "be")}
    # UTF-16 without a mark, spaces first: its bytes show no encoding at all
    hidden = family == "utf-16" and not bom and declaration[0].isspace()
    if name.lower() in allowed:
        if not hidden:
            assert inspect(path).kind == "docx"
    else:
        with pytest.raises(ImportRefused) as info:
            inspect(path)
        message = str(info.value)
        assert "part word/document.xml" in message
        assert "NUL characters" in message if hidden else repr(name) in message, message
