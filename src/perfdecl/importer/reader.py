"""The reader of one form: the grid it reads (which cells are labels, which were taken,
the cell under a header, the rows of a table) and every field found by its label: the
value is the next cell to the right, the text after 「label：」 in the same cell, or,
under a row of headings (长期目标 | 年度目标), the cell below. The tables are read by the
section readers (indicators.py, sections.py) before the labels; read.py runs them."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from ..framework import FRAMEWORK
from ..i18n import _
from . import labels as L
from .draft import Draft, Path_
from .forms import Form, title_kind
from .grid import Cell, Row, column_name, distinct
from .halves import MULTI_YEAR, Halves, term_heading
from .specs import (
    BOILERPLATE,
    EXPENSE_HEADERS,
    FIELDS,
    GOAL_LINE,
    INDICATOR_HEADERS,
    LEVEL2_ALIASES,
    SCHEDULE_HEADERS,
    SECTIONS,
    TASK_HEADERS,
    Field,
    labels_of,
)
from .values import parse

LEVELS = {L.norm(name) for name in (*FRAMEWORK, *(c for cs in FRAMEWORK.values() for c in cs),
                                    *LEVEL2_ALIASES)}
"""The categories of the indicator framework, as forms write them: labels."""


INLINE_LABEL = re.compile(r"([^\s:：　]{1,16}?(?:\([^)]*\)|（[^）]*）)?)\s*[:：]")
"""A label written before its value in the same text: 填报人：, 资金总额（万元）："""


class Reader:
    """Reads one form into a Draft."""

    def __init__(self, form: Form) -> None:
        self.form = form
        self.kind = form.kind
        self.rows = form.rows
        self.draft = Draft(form)
        self.fields = labels_of(self.kind) if self.kind in FIELDS else {}
        self.used: set[int] = set()  # ids of cells whose text went somewhere
        self.done: set[int] = set()  # indexes (into self.rows) of rows read whole
        self.known = set(self.fields) | {L.norm(s) for s in SECTIONS} | \
            set(INDICATOR_HEADERS) | set(SCHEDULE_HEADERS) | set(EXPENSE_HEADERS) | \
            set(TASK_HEADERS) | LEVELS
        self.unit = "万元"
        self.seen: dict[str, tuple[str, str]] = {}  # field path → (text, where)
        self.read_for: dict[int, str] = {}  # id of a value cell → the label it was read for
        self.halves: Halves | None = None  # where 中期 and 年度 sit side by side
        self.by_value: set[int] = set()  # ids of values read by their column's term

    # ----------------------------------------------------------------- small helpers

    def is_label(self, cell: Cell) -> bool:
        key = L.norm(cell.text)
        return bool(key) and (key in self.known or self.inline(cell) is not None or
                              term_heading(key) is not None)

    def inline(self, cell: Cell) -> tuple[Field, str] | None:
        """A cell written 「label：value」 (资金总额：74万元): its field and value."""
        text = cell.text.strip()
        match = re.match(r"^(.{1,30}?)\s*[:：]\s*(.*)$", text, re.S)
        if not match:
            return None
        label = L.norm(match.group(1))
        found = self.fields.get(label)
        if found is None:
            return None
        return found, match.group(2)

    def mark(self, *cells: Cell | None) -> None:
        for c in cells:
            if c is not None:
                self.used.add(id(c))

    def note_unplaced(self, row: Row, text: str, why: str = "") -> None:
        shown = re.sub(r"[\s\u3000]+", " ", text).strip()
        line = _("{where}: “{text}” ({why})") if why else _("{where}: “{text}”")
        self.draft.unplaced.append(line.format(where=row.where, text=shown, why=why))

    def own_text(self, row: Row) -> str:
        """The text of the cells that start on `row` (not the labels merged down)."""
        return " ".join(c.text for c in distinct(row.cells) if row.starts(c) and c.text.strip())

    def row_cells(self, i: int) -> list[Cell]:
        return distinct(self.rows[i].cells)

    # --------------------------------------------------------------------- the tables

    def header_rows(self, table: dict[str, str], required: Iterable[str]
                    ) -> Iterable[tuple[int, dict[str, Cell]]]:
        """Rows that head a table: the columns named in `table` (normalised header text →
        role), found when every role in `required` is among them."""
        for i, row in enumerate(self.rows):
            if i in self.done:
                continue
            roles: dict[str, Cell] = {}
            for c in distinct(row.cells):
                role = table.get(L.norm(c.text))
                if role and role not in roles:
                    roles[role] = c
            if all(r in roles for r in required):
                yield i, roles

    def column(self, row: Row, header: Cell, *, starting: bool = True) -> Cell | None:
        """The cell of `row` under `header`: the one overlapping its columns most."""
        best, overlap = None, 0
        for c in distinct(row.cells):
            if starting and not row.starts(c) and c.rows == 1:
                continue
            o = min(c.end, header.end) - max(c.col, header.col)
            if o > overlap:
                best, overlap = c, o
        if best is not None:
            self.read_for.setdefault(id(best), L.squeeze(header.text))
        return best

    def table_rows(self, start: int, first_col: int, last_col: int,
                   lead: Cell | None, stop: Callable[[Row], bool] | None = None
                   ) -> Iterable[int]:
        """The rows of a table after its header at `start`, until a new section: a new
        label in the lead column, a field label, a paragraph or a full-width row."""
        for i in range(start + 1, len(self.rows)):
            if i in self.done:
                break
            row = self.rows[i]
            cells = [c for c in distinct(row.cells) if c.text.strip()]
            if row.is_paragraph:
                if cells:
                    break
                continue
            new_lead = [c for c in cells if c.col < first_col and row.starts(c) and c is not lead
                        and not (lead is not None and L.norm(c.text) == L.norm(lead.text))]
            if new_lead:
                break
            if lead is None and any(c.col < first_col and row.starts(c) for c in cells):
                break
            if stop and stop(row):
                break
            starting = [c for c in cells if row.starts(c)]
            if len(starting) == 1 and starting[0].col <= first_col and \
                    starting[0].end >= last_col and not L.is_blank(starting[0].text):
                break  # a row across the whole table: a new section
            if any(L.norm(c.text) in self.fields and c is not lead for c in starting) and \
                    not any(L.norm(c.text) in ("合计", "小计") for c in starting):
                break
            yield i

    def lead(self, row: Row, first: Cell) -> Cell | None:
        left = [c for c in distinct(row.cells) if c.end <= first.col and c.text.strip()]
        return left[-1] if left else None

    def amount_of(self, text: str, row: Row, label: str,
                  path: Path_ | None = None) -> L.Amount | None:
        try:
            money = L.amount(text, self.unit)
        except L.NotAnAmount as exc:
            self.note_unplaced(row, text, _("{field}: {problem}").format(field=label,
                                                                         problem=exc))
            return None
        if money is not None and money.converted_from and path is not None:
            self.draft.doubt(path, _("converted from {text}").format(text=money.converted_from))
        return money

    def facts(self) -> list[tuple[Field, str, Cell, Row]]:
        """Every (field, value text) the form's labels give, in reading order."""
        out: list[tuple[Field, str, Cell, Row]] = []
        for i, row in enumerate(self.rows):
            if i in self.done:
                continue
            cells = distinct(row.cells)
            mine = [c for c in cells if row.starts(c)]
            header = len(mine) >= 2 and all(c.text.strip() and self.is_label(c) and
                                            self.inline(c) is None for c in mine)
            for n, cell in enumerate(cells):
                if not row.starts(cell) or not cell.text.strip():
                    continue
                key = L.norm(cell.text)
                if row.is_paragraph or self.inline(cell) is not None:
                    pairs, rest = self.inline_pairs(cell.text)
                    if pairs:
                        for text in rest:
                            self.note_unplaced(row, text)
                    for k, (found, value) in enumerate(pairs):
                        if not value.strip() and k == len(pairs) - 1 and not row.is_paragraph:
                            # 「资金总额：」 with the amount in the next cell
                            nxt = next((c for c in cells[n + 1:]
                                        if c.text.strip() or c.formula is not None), None)
                            if nxt is not None and not self.is_label(nxt):
                                self.mark(nxt)
                                self.read_for[id(nxt)] = _("{label} ({field})").format(
                                    label=L.squeeze(cell.text), field=found.path)
                                value = nxt.text
                        out.append((found, value, cell, row))
                        self.mark(cell)
                    continue
                field_found = self.field_of(key)
                if field_found is None:
                    continue
                found = field_found
                self.mark(cell)
                unit = L.unit_of(cell.text)
                if unit and found.type == "amount":
                    found = Field(found.path, found.labels, f"amount:{unit}")
                value_cell = None
                if not header:
                    rights = [c for c in cells[n + 1:] if c.col >= cell.end]
                    for c in rights:
                        if not c.text.strip() and c.formula is None:
                            continue
                        if not self.is_label(c):
                            value_cell = c
                        break
                    if not rights and i + 1 < len(self.rows):
                        value_cell = self.below(i, cell, strict=True)
                else:
                    value_cell = self.below(i, cell, strict=False)
                twin = self.twin(value_cell, rights, found) if not header else None
                if twin is not None and value_cell is not None:
                    # 资金总额 | 中期 amount | 年度 amount: each value its column's term
                    for c in (value_cell, twin):
                        self.mark(c)
                        self.by_value.add(id(c))
                        self.read_for[id(c)] = _("{label} ({field})").format(
                            label=L.squeeze(cell.text), field=found.path)
                        out.append((found, c.text, c, row))
                    continue
                if value_cell is not None:
                    self.mark(value_cell)
                    self.read_for[id(value_cell)] = _("{label} ({field})").format(
                        label=L.squeeze(cell.text), field=found.path)
                    if found.type == "choice:category" and not header:
                        # the options may fill several cells of the row
                        more = [c for c in cells[n + 1:] if c.col >= cell.end and c.text.strip()]
                        self.mark(*more)
                        out.append((found, " ".join(c.text for c in more), cell, row))
                        continue
                    out.append((found, value_cell.text, cell, row))
                else:
                    out.append((found, "", cell, row))
        return out

    def twin(self, value: Cell | None, rights: list[Cell], found: Field) -> Cell | None:
        """The second value of a label on a form whose columns are the terms (中期 | 年度):
        the value in the other column, when the first is in the 中期 one."""
        halves = self.halves
        if value is None or halves is None or not halves.by_columns or \
                found.path not in MULTI_YEAR or value.col >= halves.boundary:
            return None
        return next((c for c in rights if c.col >= halves.boundary and c is not value and
                     (c.text.strip() or c.formula is not None) and not self.is_label(c)), None)

    def field_of(self, key: str) -> Field | None:
        """The field a label names; a goals heading that names its years (中期目标（2025年
        —2027年）) also gives them."""
        found = self.fields.get(key)
        heading = term_heading(key) if found is None else None
        if heading is None:
            return found
        name, first, last = heading
        found = self.fields.get(name)
        if found is not None and found.path == "goals.long_term":
            for path, year in (("goals.long_term_from", first), ("goals.long_term_until", last)):
                if year is not None:
                    self.draft.put(path, year)
        return found

    def below(self, i: int, cell: Cell, *, strict: bool) -> Cell | None:
        """The value under a heading: the cell of the next row that starts in the same
        column (and, strict, ends in the same one too)."""
        j = i + 1
        if j >= len(self.rows) or j in self.done:
            return None
        row = self.rows[j]
        for c in distinct(row.cells):
            if row.starts(c) and c.col == cell.col and (not strict or c.end == cell.end):
                if (not c.text.strip() and c.formula is None) or self.is_label(c):
                    return None
                return c
        return None

    def inline_pairs(self, text: str) -> tuple[list[tuple[Field, str]], list[str]]:
        """「label：value　label：value」 pairs in one text (填报人：… 联系电话：…), and the
        text no label heads (before the first one, or run into a label: 备注填报人：)."""
        marks: list[tuple[int, int, Field | None]] = []
        rest: list[str] = []
        for match in INLINE_LABEL.finditer(text):
            label = L.norm(match.group(1))
            found = self.fields.get(label)
            if found is None:
                # a longer run ending in a label (…　填报人：)
                for k in range(1, len(label)):
                    if label[k:] in self.fields:
                        found = self.fields[label[k:]]
                        if not BOILERPLATE.match(label[:k]):
                            rest.append(label[:k])
                        break
            if found is None and label in ("金额单位", "单位"):
                found = Field("unit", (), "unit-of-money")
            if found is not None:
                marks.append((match.start(), match.end(), found))
        if marks and not L.is_blank(text[:marks[0][0]]) and \
                not BOILERPLATE.match(L.norm(text[:marks[0][0]])):
            rest.insert(0, text[:marks[0][0]])
        out = []
        for n, (_a, b, found) in enumerate(marks):
            end = marks[n + 1][0] if n + 1 < len(marks) else len(text)
            value = text[b:end]
            assert found is not None
            out.append((found, value))
        return out, rest

    # ------------------------------------------------------------------------ the run


    def implied_years(self) -> None:
        """The years of 中期目标（2025年—2027年） that the 项目期 already says: a layout
        prints them from the period, so they are not written twice."""
        goals, period = self.draft.data.get("goals"), self.draft.data.get("period")
        if not isinstance(goals, dict) or not isinstance(period, dict):
            return
        for key, month in (("long_term_from", "start"), ("long_term_until", "end")):
            if key in goals and str(period.get(month, ""))[:4] == str(goals[key]):
                del goals[key]

    def labelled(self) -> None:
        """Every field found by its label."""
        for path, found, text, _cell, row in self.bindings():
            if found.type == "unit-of-money":
                if L.norm(text) not in ("万元", "元", "千元", ""):
                    self.note_unplaced(row, text, _("金额单位: not 万元, 元 or 千元"))
                continue
            self.assign(path, found, text, row)

    def bindings(self) -> Iterable[tuple[str, Field, str, Cell, Row]]:
        """Each label's data path with its field, value text, label cell and row: the
        facts, with a 中期 half's labels meaning their 中期 field and a phone belonging to
        the person named before it. Read the other way, it says which field a blank
        cell of a bureau's form is for (blankform.py)."""
        person = None
        for found, text, cell, row in self.facts():
            if found.type == "person":
                person = found.path.split(".")[0]
            path = found.path
            if self.halves is not None and path in MULTI_YEAR and \
                    self.halves.term_of(cell) == "long_term" and \
                    (self.split(row) or id(cell) in self.by_value):
                path = MULTI_YEAR[path]
            if found.type == "phone":
                owner = person or ("leader" if self.kind == "project" and not row.is_paragraph
                                   else "preparer")
                path = f"{owner}.phone"
            yield path, found, text, cell, row

    def split(self, row: Row) -> bool:
        """Whether `row` is read by halves: it holds labels on both sides of the halves'
        boundary (其中：财政拨款 | … | 其中：财政拨款 | …)."""
        assert self.halves is not None
        labels = [c for c in distinct(row.cells) if row.starts(c) and self.is_label(c)]
        boundary = self.halves.boundary
        return any(c.end <= boundary for c in labels) and any(c.col >= boundary for c in labels)

    def assign(self, path: str, found: Field, text: str, row: Row) -> None:
        d = self.draft
        value = parse(self, path, found, text, row)
        if value is None:
            return
        shown = L.clean(text)
        if path in self.seen:
            before, where = self.seen[path]
            if d.get(path) != value and before != shown:
                d.doubt(path, _("{where} also says {text}").format(where=where,
                                                                   text=repr(shown)))
            return
        self.seen[path] = (shown, row.where)
        d.put(path, value)

    def year(self) -> None:
        """The fiscal year: printed in the title or under it (（2019年度）)."""
        d = self.draft
        texts = [self.form.title] + [r.text for r in self.rows[:8]]
        for text in texts:
            key = L.norm(text)
            m = re.search(r"(\d{4})年(度)?", key)
            if m and (title_kind(text) or re.fullmatch(r"\(?\d{4}年度?\)?", key)):
                d.put("fiscal_year", int(m.group(1)))
                return
        if d.year_hint is None:
            prior = d.get("prior_years")
            found = L.years(prior) if isinstance(prior, str) else []
            if found:
                d.year_hint = (max(found) + 1, _("its 项目前两年 names {years}").format(
                    years="、".join(map(str, found))))

    def leftovers(self) -> None:
        """Text on the form that nothing took: every cell no reader took text from,
        unless it is a label, the title or the form's printed boilerplate; the text
        above the first title; text Word hides in merged cells."""
        for row in self.form.preamble:
            for cell in distinct(row.cells):
                if row.starts(cell) and not L.is_blank(cell.text) and \
                        not BOILERPLATE.match(L.norm(cell.text)):
                    self.note_unplaced(row, cell.text, _("above the form's title"))
        for row in [*self.form.preamble, *self.rows]:
            for cell in row.hidden:
                self.note_unplaced(row, cell.text, _("in a merged cell, where Word does not "
                                                     "show it"))
        for row in self.rows:
            for cell in distinct(row.cells):
                if id(cell) in self.used or not row.starts(cell):
                    continue
                text = cell.text.strip()
                if not text or L.is_blank(text):
                    continue
                key = L.norm(text)
                if key in self.known or title_kind(text) or key == L.norm(self.form.title) or \
                        self.repeated_goal(text):
                    continue
                if BOILERPLATE.match(key):
                    year = re.fullmatch(r"\(?(\d{4})年度?\)?", key)
                    fiscal = self.draft.data.get("fiscal_year")
                    if year is None or not isinstance(fiscal, int) or int(year[1]) == fiscal:
                        continue
                self.note_unplaced(row, text)

    def repeated_goal(self, text: str) -> bool:
        """长期目标1：… where a layout prints a goal a second time: one of the goals read."""
        match = GOAL_LINE.match(text)
        if match is None:
            return False
        goals = self.draft.data.get("goals", {})
        said = goals.get("annual" if match[1] == "年度" else "long_term", [])
        return all(item in said for item in L.items(match[2]))

    def unread(self) -> None:
        """Cells whose value the file does not hold: said, with the label they were read
        for, never taken for blanks."""
        for row in self.rows:
            for cell in distinct(row.cells):
                if cell.formula is None or not row.starts(cell):
                    continue
                label = self.read_for.get(id(cell))
                where = _("{where}, column {column}").format(where=row.where,
                                                             column=column_name(cell.col))
                line = _("{where}: {label}: a formula ({formula}) with no value saved in the "
                         "file; open the file in Excel or WPS, save it and import it again") \
                    if label else \
                    _("{where}: a formula ({formula}) with no value saved in the file; open "
                      "the file in Excel or WPS, save it and import it again")
                self.draft.unreadable.append(line.format(where=where, label=label,
                                                         formula=cell.formula))
