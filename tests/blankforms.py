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
