"""Which field each blank cell of a form prints: a placeholder in every blank, the
importer's Reader reads the form, and the field it reads a placeholder for is the
cell's (reader.Reader.bindings); earlier years' amounts by their year headings."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..i18n import _
from ..importer import labels as L
from ..importer.forms import Form
from ..importer.grid import Cell, Row, column_name, distinct
from ..importer.halves import find_halves
from ..importer.read import money_unit
from ..importer.reader import INLINE_LABEL, Reader
from ..importer.specs import (
    BOILERPLATE,
)
from .cells import HOLE, expression, literal
from .tables import as_tables, find_groups

_SUBLABELS = re.compile(r"类[:：]款[:：]项[:：]")


@dataclass
class Unbound:
    where: str
    text: str
    why: str

    def __str__(self) -> str:
        return f"{self.where}: {self.why}" + (f": “{self.text}”" if self.text else "")


@dataclass
class Generated:
    """A generated layout: the template's text, and what the user should read."""

    template: str
    title: str
    unbound: list[Unbound] = field(default_factory=list)
    choices: list[tuple[str, str, str]] = field(default_factory=list)
    """Each tick box's option, as (the form's words, field, value)."""
    bound: list[tuple[str, str]] = field(default_factory=list)
    """Each bound cell, as (where, field)."""
    notes: list[str] = field(default_factory=list)
    """About the file: the other forms it holds."""


# ----------------------------------------------------------------- growing tables



class Binder:
    """One form being made a layout: its placeholders ("holes") and the expression each
    is bound to; the writer (writer.Writer) prints the form around them."""

    def __init__(self, form: Form, kind: str, source: str,
                 widths: dict[int, list[float]] | None = None) -> None:
        self.form = form
        self.widths = widths or {}
        self.kind = kind
        self.source = source
        self.rows = form.rows
        self.holes: dict[int, tuple[Cell | None, Row]] = {}
        self.bindings: dict[int, str] = {}  # hole → expression
        self.out = Generated("", L.clean(form.title) or "")
        reader = Reader(form)
        self.known, self.fields = reader.known, reader.fields
        """The labels import knows, and those of the kind's fields."""
        as_tables(form)
        self.year = self.find_year()
        self.unit = money_unit(self.rows)
        self.groups = find_groups(self.rows, kind)
        self.in_group = {i for g in self.groups for i in g.body}
        self.headers = {g.header for g in self.groups} | \
            {g.sub for g in self.groups if g.sub is not None}
        self.header_cells = {id(c) for g in self.groups for _r, c in g.columns} | \
            {id(c) for g in self.groups for c in distinct(self.rows[g.header].cells)
             if c.rows > 1 and c.col < min(h.col for _r, h in g.columns)}  # 实施进度 …
        """The cells heading the growing tables, and their leads: labels."""

    @property
    def money(self) -> str:
        """The filter an amount is printed with in the form's money unit."""
        return {"元": "|yuan(10000)", "千元": "|yuan(10)"}.get(self.unit, "|plain")

    def text(self, text: str) -> str:
        """The form's text as the template prints it: literal, but with a year that
        the form's year dates (2022 年 under 近两年收支金额 on a 2024 form) counted from
        the declaration's fiscal year."""
        out = literal(text)
        if self.year is None:
            return out

        def counted(m: re.Match[str]) -> str:
            back = self.year - int(m.group(0)) if self.year is not None else -1
            if not -5 <= back <= 5:
                return m.group(0)
            return "{{ data.fiscal_year" + (f" - {back}" if back > 0 else
                                             f" + {-back}" if back < 0 else "") + " }}"

        return re.sub(r"(?<!\d)(?:19|20)\d{2}(?=\s*(?:年|[—–\-~～至]\s*(?:19|20)\d{2}))",
                      counted, out)

    def find_year(self) -> int | None:
        """The form's fiscal year: printed with its title (as import reads it), else the
        year after the latest one its labels name (近两年: the two years before)."""
        reader = Reader(self.form)
        reader.year()
        year = reader.draft.data.get("fiscal_year")
        if isinstance(year, int):
            return year
        named = [y for r in self.rows for c in distinct(r.cells) for y in L.years(c.text)]
        return max(named) + 1 if named else None

    # --------------------------------------------------------------- placeholders

    def hole(self, cell: Cell | None, row: Row) -> str:
        n = len(self.holes)
        self.holes[n] = (cell, row)
        return f"\ue000{n}\ue001"

    def punch(self) -> None:
        """A placeholder in every blank cell outside the growing tables, and after
        every 「label：」 whose value the form leaves blank."""
        for i, row in enumerate(self.rows):
            if i in self.in_group:
                continue
            cells = distinct(row.cells)
            for n, cell in enumerate(cells):
                if not row.starts(cell) and not row.is_paragraph:
                    continue
                if not cell.text.strip():
                    if not row.is_paragraph:
                        cell.text = self.hole(cell, row)
                    continue
                if _SUBLABELS.fullmatch(L.squeeze(cell.text)):
                    cell.text = self.parts_of_classification(cell, row)
                    continue
                cell.text = self.after_labels(cell, row,
                                              cells[n + 1] if n + 1 < len(cells) else None)

    def after_labels(self, cell: Cell, row: Row, nxt: Cell | None) -> str:
        """The text of a cell or paragraph with a placeholder where each 「label：」 leaves
        its value blank: after （盖章）, in place of 年 月 日; none after the last label
        when the next cell is blank (「资金总额：」 with its value beside it)."""
        text = cell.text
        marks = list(INLINE_LABEL.finditer(text))
        pieces, last = [], 0
        for k, m in enumerate(marks):
            if self.fields.get(L.norm(m.group(1))) is None:
                continue
            end = marks[k + 1].start() if k + 1 < len(marks) else len(text)
            value = text[m.end():end]
            key = L.norm(value)
            if key and not BOILERPLATE.match(key):
                continue
            if k == len(marks) - 1 and nxt is not None and not nxt.text.strip() and \
                    not row.is_paragraph:
                continue
            gap = "　" if k + 1 < len(marks) else ""
            if key == "年月日":  # a date's blanks: the date prints its own 年 月 日
                pieces += [text[last:m.end()], self.hole(cell, row) + gap]
            else:
                pieces += [text[last:end].rstrip(), self.hole(cell, row) + gap]
            last = end
        pieces.append(text[last:])
        return "".join(pieces)

    def parts_of_classification(self, cell: Cell, row: Row) -> str:
        """类： 款： 项：, the parts of a 支出功能分类科目, each given its part."""
        out = cell.text
        for word, part in (("类", "class"), ("款", "section"), ("项", "item")):
            n = len(self.holes)
            out = re.sub(f"({word}\\s*[:：])", "\\g<1>" + self.hole(cell, row), out, count=1)
            self.bindings[n] = f'{{{{ get("functional_classification.{part}") }}}}'
            self.out.bound.append((self.where_of(n), f"functional_classification.{part}"))
        return out

    def bind(self) -> None:
        reader = Reader(self.form)
        reader.halves = find_halves(self.rows)
        reader.done = set(self.in_group) | self.headers
        for path, found, text, _cell, _row in reader.bindings():
            if found.type == "unit-of-money":
                continue
            holes = [int(h) for h in HOLE.findall(text)]
            for n in holes:
                self.bindings.setdefault(n, expression(path, found, self.unit))
                self.out.bound.append((self.where_of(n), path))
        self.earlier_years()

    def earlier_years(self) -> None:
        """Amounts of earlier years (近两年收支金额): a blank cell under a year's heading,
        on the row of an amount bound in the current year (财政拨款, 基本支出), or of a
        合计, prints that amount of that year (funding_in: the declaration's funding
        history, else that year's declaration)."""
        if self.year is None:
            return
        row_field: dict[int, str] = {}
        for n, (_cell, row) in self.holes.items():
            expr = self.bindings.get(n, "")
            m = re.search(r'get\("funding\.(\w+)"', expr)
            if m and not row.is_paragraph:
                row_field.setdefault(row.index, m.group(1))
        by_index = {r.index: r for r in self.rows}
        for n, (cell, row) in self.holes.items():
            if n in self.bindings or cell is None or row.is_paragraph:
                continue
            labels = {L.norm(c.text) for c in distinct(row.cells)}
            what = row_field.get(row.index) or ("total" if "合计" in labels else None)
            if what is None:
                continue
            for up in range(row.index - 1, max(row.index - 6, -1), -1):
                above = by_index.get(up)
                heads = [h for h in distinct(above.cells) if h.col <= cell.col < h.end
                         and above.starts(h)] if above is not None else []
                years = L.years(heads[0].text) if heads else []
                if heads and L.norm(heads[0].text) in ("当年金额", "当年", "本年金额", "本年"):
                    self.bindings[n] = f'{{{{ get("funding.{what}", None){self.money} }}}}'
                    self.out.bound.append((self.where_of(n), f"funding.{what}"))
                    break
                if years:
                    back = self.year - years[0]
                    if 1 <= back <= 5:
                        year = f"data.fiscal_year - {back}"
                        self.bindings[n] = (f"{{{{ funding_in({year}).{what}{self.money} if "
                                            f"funding_in({year}) else '' }}}}")
                        self.out.bound.append((self.where_of(n), f"funding ({what}), "
                                               f"{back} years before"))
                    break

    def where_of(self, n: int) -> str:
        cell, row = self.holes[n]
        if cell is None or row.is_paragraph:
            return row.where
        return _("{where}, column {column}").format(where=row.where,
                                                    column=column_name(cell.col))

    def fill(self, text: str, cell: Cell, row: Row) -> str:
        """A cell's text with its placeholders bound, or left blank and listed."""
        out, last = [], 0
        for m in HOLE.finditer(text):
            out.append(self.text(text[last:m.start()]))
            n = int(m.group(1))  # bound, or a 合计's total, or nothing
            out.append(self.bindings[n] if n in self.bindings else self._total(cell, row))
            last = m.end()
        out.append(self.text(text[last:]))
        return "".join(out)

    def _total(self, cell: Cell, row: Row) -> str:
        """The 合计 of a table of expenses, in the 金额 column of its 合计 row."""
        labels = [L.norm(c.text) for c in distinct(row.cells) if c.text.strip()]
        if "合计" not in labels:
            return ""
        for g in self.groups:
            if g.what == "expenses":
                amount = next((c for r, c in g.columns if r == "amount"), None)
                if amount is not None and cell.col < amount.end and cell.end > amount.col:
                    return ("{% if d.expenses %}{% if d.expenses.total_approximate %}约"
                            "{% endif %}{{ (d.expenses.total if d.expenses.total is not none "
                            "else d.expenses.sum)" + self.money + " }}{% endif %}")
        return ""

    # ------------------------------------------------------------------- the cells

