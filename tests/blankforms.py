"""Blank forms in the shapes of the seed forms, as a bureau attaches them to its notice:
each hand-written layout printed with nothing declared (labels, merges, unticked boxes,
the indicator framework's rows, blank cells), as DOCX through pandoc, and as XLSX with
its labels spaced out (项 目 名 称) and its merges as a spreadsheet's ranges."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from perfdecl import export
from perfdecl.importer import read_parts

from .test_import import printed

BLANK = "〇〇"
"""What the blank declaration names itself and its unit: taken out of the form."""


def blank_html(kind: str, layout: str, year: int = 2019) -> str:
    """The form of `layout` with nothing filled in."""
    data = {"kind": kind, "fiscal_year": year, "name": BLANK, "unit": {"name": BLANK}}
    return printed(data, layout).replace(BLANK, "")


def blank_docx(kind: str, layout: str, path: Path) -> Path:
    path.write_bytes(export.to_docx(blank_html(kind, layout), 0, f"blank {kind}/{layout}"))
    return path


def spaced(text: str) -> str:
    """A short label as forms space it out: 项目名称 → 项 目 名 称."""
    plain = text.strip()
    if 2 <= len(plain) <= 4 and all("\u4e00" <= ch <= "\u9fff" for ch in plain):
        return " ".join(plain)
    return text


def xlsx_of(docx_file: Path, path: Path) -> Path:
    """The DOCX form as a workbook: one sheet, a row per row, its paragraphs merged
    across the table's width, its cells merged as in Word, short labels spaced."""
    import openpyxl

    (part,) = read_parts(docx_file)
    width = max((c.end for r in part.rows if not r.is_paragraph for c in r.cells), default=1)
    workbook = openpyxl.Workbook()
    ws: Any = workbook.active
    for r, row in enumerate(part.rows, start=1):
        if row.is_paragraph:
            ws.cell(row=r, column=1, value=row.cells[0].text if row.cells else "")
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
            continue
        for cell in row.cells:
            if not row.starts(cell) or cell.col >= width:
                continue
            if cell.text:
                ws.cell(row=r, column=cell.col + 1, value=spaced(cell.text))
            if cell.span > 1 or cell.rows > 1:
                ws.merge_cells(start_row=r, start_column=cell.col + 1,
                               end_row=r + cell.rows - 1,
                               end_column=min(cell.end, width))
    workbook.save(str(path))
    return path


# -------------------------------------------------- forms of shapes no layout has

Grid = list[list[str]]
"""A table as written here: one string per grid cell; "<" merges a cell into the one on
its left, "^" into the one above."""


def make_form(path: Path, before: list[str], grid: Grid, after: list[str]) -> Path:
    """A DOCX form drawn by hand: paragraphs, one table with its merges, paragraphs."""
    import docx

    document = docx.Document()
    for text in before:
        document.add_paragraph(text)
    width = len(grid[0])
    table = document.add_table(rows=len(grid), cols=width)
    table.style = "Table Grid"
    for r, row in enumerate(grid):
        for c, text in enumerate(row):
            if text in ("<", "^"):
                continue
            right = c
            while right + 1 < width and row[right + 1] == "<":
                right += 1
            down = r
            while down + 1 < len(grid) and grid[down + 1][c] == "^":
                down += 1
            cell = table.cell(r, c)
            if right > c or down > r:
                cell = cell.merge(table.cell(down, right))
            cell.text = text
    for text in after:
        document.add_paragraph(text)
    document.save(str(path))
    return path


def _indicator_rows(categories: list[tuple[str, list[str]]], rows_each: int,
                    cells: list[str], lead: str | None) -> Grid:
    out: Grid = []
    for level1, level2s in categories:
        for k, level2 in enumerate(level2s):
            for n in range(rows_each):
                first = level1 if k == 0 and n == 0 else "^"
                second = level2 if n == 0 else "^"
                out.append(([lead] if lead is not None else []) +
                           [first, second] + [c.format(n=n + 1) for c in cells])
    if lead is not None and out:
        out[0][0] = lead
        for row in out[1:]:
            row[0] = "^"
    return out


NEW_FRAMEWORK = [("产出指标", ["数量指标", "质量指标", "时效指标"]),
                 ("成本指标", ["经济成本指标", "社会成本指标", "生态环境成本指标"]),
                 ("效益指标", ["经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"]),
                 ("满意度指标", ["服务对象满意度指标"])]


def national_side_by_side(path: Path) -> Path:
    """The national project form of 财预〔2015〕88号 drawn anew: 中期 and 年度 side by side
    in the amounts, the goals and one indicator table whose halves are the two terms."""
    grid: Grid = [
        ["项目名称", "", "<", "<", "<", "<", "<", "<"],
        ["主管部门及代码", "", "<", "<", "实施单位", "", "<", "<"],
        ["项目属性", "□新增项目　□延续项目", "<", "<", "项目期", "", "<", "<"],
        ["项目资金（万元）", "中期资金总额：", "", "<", "年度资金总额：", "", "<", "<"],
        ["^", "其中：财政拨款", "", "<", "其中：财政拨款", "", "<", "<"],
        ["^", "其他资金", "", "<", "其他资金", "", "<", "<"],
        ["总体目标", "中期目标（20××年—20××年）", "<", "<", "年度目标", "<", "<", "<"],
        ["^", "", "<", "<", "", "<", "<", "<"],
        ["绩效指标", "一级指标", "二级指标", "三级指标", "指标值", "二级指标", "三级指标", "指标值"],
    ]
    body: Grid = []
    for level1, level2s in NEW_FRAMEWORK:
        for k, level2 in enumerate(level2s):
            body.append(["^", level1 if k == 0 else "^", level2, "", "", level2, "", ""])
    return make_form(path, ["附件2", "项目支出绩效目标申报表", "（2026年度）"], grid + body,
                     ["填报人：　　　　联系电话：　　　　填报日期："])


def local_two_columns(path: Path, unit: str = "万元",
                      categories: list[tuple[str, list[str]]] = NEW_FRAMEWORK) -> Path:
    """A local variant: the amounts in two columns (中期 | 年度) under one label each,
    and fixed numbered indicator rows (指标1, 指标2) under each of `categories`; its
    money in `unit`."""
    grid: Grid = [
        ["项目名称", "", "<", "项目单位", "", "<"],
        ["项目负责人", "", "<", "联系电话", "", "<"],
        ["资金来源", "中期（2026—2028年）", "<", "年度（2026年）", "<", "<"],
        ["资金总额", "", "<", "", "<", "<"],
        ["财政拨款", "", "<", "", "<", "<"],
        ["其他资金", "", "<", "", "<", "<"],
        ["年度绩效目标", "", "<", "<", "<", "<"],
        ["一级指标", "二级指标", "三级指标", "指标值", "备注", "<"],
    ]
    body = _indicator_rows(categories, 2, ["指标{n}", "", "", "<"], None)
    return make_form(path, ["2026年度项目绩效目标表", f"单位：{unit}"], grid + body,
                     ["填报人：　　　　联系电话："])


def local_in_yuan(path: Path) -> Path:
    """The local variant with its money in 元 and only some categories printed blank
    (no 社会成本, 生态环境成本, 生态效益 or 可持续影响 rows)."""
    some = [("产出指标", ["数量指标", "质量指标", "时效指标"]), ("成本指标", ["经济成本指标"]),
            ("效益指标", ["经济效益指标", "社会效益指标"]), ("满意度指标", ["服务对象满意度指标"])]
    return local_two_columns(path, "元", some)
