"""The tables of a blank form that grow with a declaration, found by their header
rows: indicators (one term, or 中期 and 年度 side by side), schedule, expenses, tasks,
the unit's projects and numbered goal lines."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..framework import FRAMEWORK
from ..importer import labels as L
from ..importer.forms import Form
from ..importer.grid import Cell, Row, distinct
from ..importer.reader import LEVELS
from ..importer.specs import (
    EXPENSE_HEADERS,
    FIELDS,
    INDICATOR_HEADERS,
    LEVEL2_ALIASES,
    PROJECTS_HEADERS,
    SCHEDULE_HEADERS,
    TASK_HEADERS,
    Field,
    labels_of,
)

LEVEL1_NAMES = set(FRAMEWORK)
FILLER = re.compile(r"^(…+|\.{3,}|(指标|目标)?\d{1,2}[、.:：]?|[一二三四五六七八九十]+、?)$")
"""What a blank form prints in a table's body rows to number them or say "and so on"."""


@dataclass
class Group:
    """Rows of a table that grow with the declaration: after the header row `header`,
    the body rows `body` (indexes into the form's rows)."""

    what: str
    """indicators, pairs, schedule, expenses or tasks."""
    header: int
    body: range
    columns: list[tuple[str, Cell]]
    """The roles of the header's cells (name, target …; task, start …), left to right."""
    sub: int | None = None
    """A second header row under the first (前年 | 上年 under 近两年指标值)."""
    var: str = ""
    setup: str = ""
    """The `{% set %}` that makes the group's rows."""
    count: str = ""
    """A Jinja expression for how many rows the group prints."""


_TABLES = (("tasks", TASK_HEADERS, ("task",)),
           ("schedule", SCHEDULE_HEADERS, ("task",)),
           ("expenses", EXPENSE_HEADERS, ("amount",)),
           ("projects", PROJECTS_HEADERS, ("name", "total")))


def _roles(row: Row, table: dict[str, str]) -> list[tuple[str, Cell]]:
    out = []
    for cell in distinct(row.cells):
        role = table.get(L.norm(cell.text))
        if role and row.starts(cell):
            out.append((role, cell))
    return out


def _body_cell(text: str) -> bool:
    """Whether a cell's text may stand in a growing table's body on a blank form."""
    key = L.norm(text)
    return not key or L.is_blank(text) or bool(FILLER.match(key)) or key in LEVELS or \
        key in LEVEL2_ALIASES


_GOAL_NUMBER = re.compile(r"^(?:(?:长期|中期|年度)?目标)?(\d{1,2})[:：、.]?$")
"""A numbered goal line of a blank form: 目标1：, 2、"""


def _numbered(row: Row) -> list[Cell]:
    """The cells of a row of numbered goal lines; none when it is not one."""
    mine = [c for c in distinct(row.cells) if row.starts(c) and c.text.strip()]
    if row.is_paragraph or not all(_GOAL_NUMBER.match(L.norm(c.text)) for c in mine):
        return []
    return mine


def goal_field(text: str, fields: dict[str, Field]) -> str | None:
    """The goals a heading names: 长期目标（截止 年） → goals.long_term."""
    key = re.sub(r"\(.*\)$", "", L.norm(text))
    found = fields.get(key)
    return found.path if found is not None and found.path.startswith("goals.") else None


def _goal_lines(rows: Sequence[Row], i: int, fields: dict[str, Field]) -> Group | None:
    """Numbered goal lines (目标1：, 目标2： …) under their headings (长期目标 | 年度目标)."""
    mine = _numbered(rows[i]) if i > 0 else []
    if not mine:
        return None
    above = rows[i - 1]
    columns = []
    for c in mine:
        head = next((h for h in distinct(above.cells) if h.col == c.col), None)
        path = goal_field(head.text, fields) if head is not None else None
        if path is None:
            return None
        columns.append((path, c))
    return Group("goals", i - 1, range(i, i), columns)


def find_groups(rows: Sequence[Row], kind: str) -> list[Group]:
    """The tables of a form that grow with the declaration, by their header rows."""
    fields = labels_of(kind) if kind in FIELDS else {}
    groups: list[Group] = []
    i = 0
    while i < len(rows):
        row = rows[i]
        found: Group | None = _goal_lines(rows, i, fields)
        if found is not None:
            end = i + 1
            cols = [c.col for _p, c in found.columns]
            while end < len(rows) and [c.col for c in _numbered(rows[end])] == cols:
                end += 1
            found.body = range(i, end)
            groups.append(found)
            i = end
            continue
        if not row.is_paragraph:
            roles = _roles(row, INDICATOR_HEADERS)
            names = [r for r, _c in roles]
            if "l1" in names and ("name" in names or "target" in names):
                pairs = names.count("l2") > 1 or names.count("name") > 1
                first = min(c.col for r, c in roles if r == "l1")
                # every column from 一级指标 on: one the importer does not know is printed
                # blank, so that the rows keep the header's columns
                every = [(INDICATOR_HEADERS.get(L.norm(c.text), ""), c)
                         for c in distinct(row.cells) if row.starts(c) and c.col >= first]
                found = Group("pairs" if pairs else "indicators", i, range(i + 1, i + 1),
                              every)
            else:
                for what, table, required in _TABLES:
                    if what == "projects" and kind != "department":
                        continue
                    roles = _roles(row, table)
                    if len(roles) >= 2 and all(r in [x for x, _c in roles] for r in required):
                        found = Group(what, i, range(i + 1, i + 1), roles)
                        break
        if found is None:
            i += 1
            continue
        first = min(c.col for _r, c in found.columns)
        end = i + 1
        if found.what in ("indicators", "pairs") and end < len(rows):
            under = _roles(rows[end], INDICATOR_HEADERS)
            mine = [c for c in distinct(rows[end].cells) if rows[end].starts(c)]
            if under and len(under) == len(mine):  # 近两年指标值 over 前年 | 上年
                subs = [c for _r, c in under]
                found.columns = sorted(
                    [(r, c) for r, c in found.columns
                     if not any(c.col <= s.col < c.end for s in subs)] + under,
                    key=lambda rc: rc[1].col)
                found.sub = end
                end += 1
        while end < len(rows) and not rows[end].is_paragraph and \
                rows[end].table == row.table:
            mine = [c for c in distinct(rows[end].cells) if rows[end].starts(c)]
            if any(not _body_cell(c.text) or (c.end <= first and c.text.strip())
                   for c in mine):
                break  # a new label, or a new section in the lead columns
            end += 1
        found.body = range(found.sub + 1 if found.sub else i + 1, end)
        groups.append(found)
        i = end
    return groups


# ---------------------------------------------------------------------- the form




def as_tables(form: Form) -> None:
    """A spreadsheet is one table: its rows of one text above the first row of several
    cells (title, year, unit line) and below the last are read as paragraphs, and the
    grid positions no cell covers get a blank cell, as a Word table has."""
    rows = form.rows
    wide = [i for i, r in enumerate(rows) if not r.is_paragraph and
            len(distinct(r.cells)) >= 2]
    if not wide:
        return
    for i, row in enumerate(rows):
        if row.is_paragraph:
            continue
        texts = [c for c in distinct(row.cells) if c.text.strip()]
        if (i < wide[0] or i > wide[-1]) and len(texts) <= 1:
            row.table = None
            row.cells = texts[:1]
    table_width: dict[int | None, int] = {}
    for row in rows:
        if not row.is_paragraph and row.cells:
            table_width[row.table] = max(table_width.get(row.table, 0),
                                         max(c.end for c in row.cells))
    for row in rows:
        if row.is_paragraph:
            continue
        taken = {col for c in row.cells for col in range(c.col, c.end)}
        for col in range(table_width.get(row.table, 0)):
            if col not in taken:
                row.cells.append(Cell("", col, 1, row.index))
        row.cells.sort(key=lambda c: c.col)


# ---------------------------------------------------------------------- bindings


