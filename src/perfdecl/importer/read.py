"""Reading a form: its tables first, by the readers of its kind, then every field by its
label, its year, and what was left: text no reader took, cells whose value the file
does not hold."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from .draft import Draft
from .forms import DERIVED, Form
from .grid import Row
from .halves import find_halves
from .indicators import indicators
from .reader import Reader
from .sections import (
    derived_projects,
    expenses,
    fund_summary,
    funding_by_year,
    numbered_goals,
    schedule,
    tasks,
)

TABLES: dict[str, tuple[Callable[[Reader], None], ...]] = {
    "project": (indicators, schedule, expenses),
    "special_fund": (indicators, schedule, expenses),
    "expenditure_direction": (indicators, expenses),
    "department": (indicators, tasks, derived_projects, funding_by_year, numbered_goals),
}
"""The tables each kind of form may hold, in the order they are read: a table's rows
are taken before the labels are looked up."""


def money_unit(rows: Iterable[Row]) -> str:
    """The money unit a form's unit line says (单位：元, 金额单位：万元); 万元 without one."""
    for row in rows:
        m = re.search(r"(?:金额)?单位[:：]\s*(万元|元|千元)", row.text.replace(" ", ""))
        if m:
            return m.group(1)
    return "万元"


def read_form(form: Form) -> tuple[Draft, list[dict[str, Any]]]:
    """The draft declaration of a form, and (for a fund summary) its lines."""
    reader = Reader(form)
    lines: list[dict[str, Any]] = []
    reader.unit = money_unit(form.rows)  # first: amounts depend on it
    if form.kind == DERIVED:
        lines = fund_summary(reader)
    else:
        reader.halves = find_halves(form.rows)
        for table in TABLES.get(form.kind, ()):
            table(reader)
    reader.labelled()
    if form.kind != DERIVED:
        reader.implied_years()
    reader.year()
    reader.leftovers()
    reader.unread()
    return reader.draft, lines
