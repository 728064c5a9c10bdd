"""An XLSX → rows of cells per sheet, through openpyxl (after safety.inspect has passed it).

Each sheet is a part. A merged range becomes one cell, the same object on every row it
covers; empty cells that are not part of a merge are left out (a spreadsheet has a cell
at every column, a form only where something is written or drawn). Numbers are written
as the sheet shows them where that matters (a percentage format gives 95%), dates as
2019-05-21.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from ..domain import amount_text
from ..i18n import _
from .grid import Cell, Part, Row, column_name
from .safety import MAX_ROWS, Container, ImportRefused

MAX_SHEET_COLUMNS = 200


def read(container: Container) -> list[Part]:
    """The rows of every visible sheet of a workbook, sheet by sheet."""
    import openpyxl

    path = container.path
    try:
        workbook = openpyxl.load_workbook(container.open(), data_only=True, keep_links=False)
    except (KeyError, ValueError, TypeError, AttributeError, IndexError) as exc:
        raise ImportRefused(_("{path}: cannot read it as an Excel workbook: {error}")
                            .format(path=path, error=exc)) from None
    except Exception as exc:  # the XML parser's own errors
        raise ImportRefused(_("{path}: cannot read it as an Excel workbook: {error}").format(
            path=path, error=f"{type(exc).__name__}: {exc}")) from None
    formulas = _formulas(container)
    parts = []
    for sheet_number, ws in enumerate(workbook.worksheets, start=1):
        if ws.sheet_state != "visible":
            hidden = Part(_("sheet {number} ({name})").format(number=sheet_number,
                                                              name=ws.title))
            if ws.max_row > 1 or ws.max_column > 1 or ws.cell(1, 1).value is not None:
                hidden.notes.append(_("{sheet} is hidden: not read (unhide it to import it)")
                                    .format(sheet=hidden.name))
            parts.append(hidden)
            continue
        parts.append(_sheet(ws, sheet_number, formulas.get(sheet_number - 1, {})))
    return parts


def _formulas(container: Container) -> dict[int, dict[tuple[int, int], str]]:
    """The formulas of the workbook, by sheet index and (row, column): what a cell
    holds when the file stores no value for it."""
    import openpyxl

    path = container.path
    try:
        workbook = openpyxl.load_workbook(container.open(), read_only=True, data_only=False,
                                          keep_links=False)
    except Exception as exc:  # the XML parser's own errors
        raise ImportRefused(_("{path}: cannot read it as an Excel workbook: {error}").format(
            path=path, error=f"{type(exc).__name__}: {exc}")) from None
    out: dict[int, dict[tuple[int, int], str]] = {}
    try:
        for index, ws in enumerate(workbook.worksheets):
            found = out.setdefault(index, {})
            for row in ws.iter_rows():
                for cell in row:
                    if getattr(cell, "data_type", None) != "f":
                        continue
                    value = cell.value
                    text = getattr(value, "text", value)  # (an array formula's text)
                    found[(cell.row, cell.column)] = str(text)
    finally:
        workbook.close()
    return out


def _sheet(ws: Any, number: int, formulas: dict[tuple[int, int], str]) -> Part:
    part = Part(_("sheet {number} ({name})").format(number=number, name=ws.title))
    if ws.max_row > MAX_ROWS:
        raise ImportRefused(_("sheet {sheet} has {rows} rows; a form has about 60")
                            .format(sheet=repr(ws.title), rows=f"{ws.max_row:,}"))
    width = min(ws.max_column, MAX_SHEET_COLUMNS)
    part.widths[1] = [_width(ws, c) for c in range(1, width + 1)]
    merged: dict[tuple[int, int], tuple[int, int, int, int]] = {}
    for rng in ws.merged_cells.ranges:
        top, left, bottom, right = rng.min_row, rng.min_col, rng.max_row, rng.max_col
        if (bottom - top + 1) * (right - left + 1) > 10_000:
            continue  # (a whole-sheet merge is decoration, not a cell)
        for r in range(top, bottom + 1):
            for c in range(left, right + 1):
                merged[(r, c)] = (top, left, bottom, right)
    made: dict[tuple[int, int], Cell] = {}
    first_row: dict[int, int] = {}  # sheet row → index of our Row
    row_label = _("{sheet}, row {row}")  # (where a value was read: sheet 1 (name), row 7)
    for r, values in enumerate(ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=width),
                               start=1):
        index = len(part.rows)
        first_row[r] = index
        cells: list[Cell] = []
        c = 1
        while c <= width:
            box = merged.get((r, c))
            if box is not None:
                top, left, bottom, right = box
                cell = made.get((top, left))
                if cell is None:
                    origin = ws.cell(row=top, column=left)
                    cell = Cell(_text(origin), left - 1, right - left + 1,
                                first_row.get(top, index), bottom - top + 1)
                    if origin.value is None:
                        cell.formula = formulas.get((top, left))
                    made[(top, left)] = cell
                cells.append(cell)
                c = right + 1
                continue
            value = values[c - 1]
            text = _text(value)
            if text.strip():
                cells.append(Cell(text, c - 1, 1, index))
            elif value.value is None and (r, c) in formulas:
                cells.append(Cell("", c - 1, 1, index, formula=formulas[(r, c)]))
            c += 1
        part.rows.append(Row(cells, 1, index, row_label.format(sheet=part.name, row=r)))
    if ws.max_column > width and any(
            value.value is not None for values in ws.iter_rows(min_col=width + 1)
            for value in values):
        part.notes.append(_("{sheet}: the columns after {column} are not read (a form has "
                            "a dozen)").format(sheet=part.name, column=column_name(width - 1)))
    return part


def _width(ws: Any, column: int) -> float:
    """A column's width in characters: as set, or the default (8.43) where none is."""
    from openpyxl.utils import get_column_letter

    dimension = ws.column_dimensions.get(get_column_letter(column))
    width = getattr(dimension, "width", None)
    return float(width) if width and 0 < width < 1000 else 8.43


def _text(cell: Any) -> str:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "√" if value else "□"
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, int | float):
        number = Decimal(str(value))
        if "%" in (cell.number_format or ""):
            return amount_text(number * 100) + "%"
        return amount_text(number)
    return str(value).replace("\r\n", "\n").replace("\r", "\n")


