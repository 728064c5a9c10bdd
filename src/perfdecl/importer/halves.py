"""Forms that print 中期 and 年度 side by side (the national project form of 财预〔2015〕88号:
中期资金总额 | 年度资金总额, 中期目标 | 年度目标, two indicator tables under one header).
Their labels repeat on both halves; which half a cell is in says which term it is of."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from . import labels as L
from .grid import Cell, Row, distinct

MULTI_YEAR = {"funding.total": "funding.multi_year_total",
              "funding.fiscal": "funding.multi_year_fiscal",
              "funding.general_budget": "funding.multi_year_fiscal",
              "funding.other": "funding.multi_year_other",
              "goals.annual": "goals.long_term"}
"""A 年度 field and its 中期 counterpart: what a label means in the 中期 half of a form
that prints both side by side (其中：财政拨款 under 中期资金总额 is multi_year_fiscal)."""


@dataclass
class Halves:
    """Where a form prints 中期 and 年度 side by side: the column where the right half
    begins, and the term of each half (the national form has 中期 on the left)."""

    boundary: int
    terms: tuple[str, str]
    by_columns: bool = False
    """The terms head columns of amounts (资金来源 | 中期（2026—2028年） | 年度): a
    label's values in the two columns are its two terms'."""

    def term_of(self, cell: Cell) -> str:
        return self.terms[0] if cell.col < self.boundary else self.terms[1]


_MULTI_YEAR_HEADING = re.compile(r"^(中期|长期|实施期)(资金总额|目标|绩效目标)")
_ANNUAL_HEADING = re.compile(r"^(年度|当年)(资金总额|目标|绩效目标)")
_MULTI_YEAR_COLUMN = re.compile(r"^(中期|长期|实施期)(资金|金额|预算)?(\(.*\))?$")
_ANNUAL_COLUMN = re.compile(r"^(年度|当年|本年)(资金|金额|预算)?(\(.*\))?$")


def term_column(key: str) -> bool:
    """Whether a (normalised) heading names a term's column: 中期（2026—2028年）, 年度."""
    return bool(_MULTI_YEAR_COLUMN.match(key) or _ANNUAL_COLUMN.match(key))


def find_halves(rows: Iterable[Row]) -> Halves | None:
    """The halves of a form whose rows pair a 中期 heading with a 年度 one on the same
    row (中期资金总额： … | 年度资金总额： …, 中期目标（2025年—2027年） | 年度目标)."""
    for row in rows:
        cells = [c for c in distinct(row.cells) if row.starts(c)]
        multi = [c for c in cells if _MULTI_YEAR_HEADING.match(L.norm(c.text))]
        annual = [c for c in cells if _ANNUAL_HEADING.match(L.norm(c.text))]
        columns = False
        if not (multi and annual):
            multi = [c for c in cells if _MULTI_YEAR_COLUMN.match(L.norm(c.text))]
            annual = [c for c in cells if _ANNUAL_COLUMN.match(L.norm(c.text))]
            columns = True
        if multi and annual:
            if multi[0].col < annual[0].col:
                return Halves(annual[0].col, ("long_term", "annual"), columns)
            return Halves(multi[0].col, ("annual", "long_term"), columns)
    return None


def term_heading(key: str) -> tuple[str, int | None, int | None] | None:
    """A goals heading that names its years, 中期目标(2025年-2027年): the heading without
    them and the years (None where the form left 20××)."""
    match = re.fullmatch(r"(.{2,8}目标)\((\d{4}|20××|20xx)年?-(\d{4}|20××|20xx)年?\)", key)
    if match is None:
        return None
    first, last = (int(y) if y.isdigit() else None for y in (match[2], match[3]))
    return match[1], first, last
