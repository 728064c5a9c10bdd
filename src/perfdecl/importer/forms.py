"""Forms found in rows of cells, and the declarations read from them.

A file is a sequence of rows (paragraphs and table rows); each form in it starts at its
title (项目绩效目标申报表, 2023年区级专项资金支出方向绩效目标表 …), which also says its kind,
and with the attachment number above it (附件1-1, 附表3-2, 附2-1) or its labels, the
layout. In a form, the tables (indicators, schedule, expenses, tasks) are found by their
header rows and read by column; then every other cell is looked up by its label: the
value is the next cell to the right, the text after 「label：」 in the same cell, or,
under a row of headings (长期目标 | 年度目标), the cell below.

What is read goes into a Draft: the declaration's data, a note on every value that was
guessed (written as a YAML comment), and what could not be placed anywhere.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..framework import FRAMEWORK, level1_of
from ..i18n import _
from . import labels as L
from .grid import Cell, Part, Row, column_name
from .specs import (
    BOILERPLATE,
    CHOICES,
    EXPENSE_HEADERS,
    FIELDS,
    GOAL_LINE,
    INDICATOR_HEADERS,
    LEVEL2_ALIASES,
    PROJECTS_HEADERS,
    SCHEDULE_HEADERS,
    SECTIONS,
    STANDARDS,
    SUMMARY_HEADERS,
    TASK_HEADERS,
    Field,
    labels_of,
)

KINDS = ("project", "special_fund", "department", "expenditure_direction")
LEVELS = {L.norm(name) for name in (*FRAMEWORK, *(c for cs in FRAMEWORK.values() for c in cs),
                                    *LEVEL2_ALIASES)}
"""The categories of the indicator framework, as forms write them: labels."""
DERIVED = "fund_summary"

Path_ = tuple[str | int, ...]


# ----------------------------------------------------------------------- the forms


@dataclass
class Form:
    """One form found in a file."""

    kind: str
    layout: str | None
    title: str
    rows: list[Row]
    number: str | None = None
    """The attachment number printed above the title: 附件1-1, 附表3-2-1, 附2-1."""
    where: str = ""
    detected: bool = True
    preamble: list[Row] = field(default_factory=list)
    """The rows of its part above its title that no form holds (the first form's only):
    never read, reported when they hold text."""


_TITLES: tuple[tuple[str, str], ...] = (
    (r"专项资金绩效目标汇总表", DERIVED),
    (r"专项资金支出方向绩效目标(申报)?表", "expenditure_direction"),
    (r"支出方向绩效目标(申报)?表", "expenditure_direction"),
    (r"部门整体(支出)?绩效目标(申报)?表", "department"),
    (r"项目(支出)?绩效目标申报表", "project"),
    (r"项目(支出)?绩效目标表", "project"),
    (r"专项资金绩效目标(申报)?表", "special_fund"),
)
_NUMBER = re.compile(r"^(附件\d+(-\d+)*|附表\d+(-\d+)*|附\d+-\d+)$")


def title_kind(text: str) -> str | None:
    """The kind a form's title names, or None when `text` is no title."""
    key = L.norm(text)
    if not key or len(key) > 40:
        return None
    key = re.sub(r"\(\d{4}年度?\)$", "", key)
    for pattern, kind in _TITLES:
        if re.fullmatch(rf"(\d{{4}}年(度)?)?(\S{{0,12}}?)?{pattern}", key):
            return kind
    return None


def find_forms(parts: Iterable[Part], kind: str | None = None,
               layout: str | None = None) -> tuple[list[Form], list[str]]:
    """The forms in `parts` (a document, or a workbook's sheets). With `kind`, a part
    without any title is read as one form of that kind. Returns the forms and notes
    about parts where none was found."""
    forms: list[Form] = []
    notes: list[str] = []
    for part in parts:
        notes.extend(part.notes)
        starts: list[tuple[int, str, str]] = []
        for i, row in enumerate(part.rows):
            texts = [c.text for c in _distinct(row.cells) if c.text.strip()]
            if not texts or len(texts) > 2:
                continue
            found = title_kind(texts[-1]) if len(texts) <= 2 else None
            if found is None and len(texts) == 2:
                found = title_kind(texts[0])
            if found:
                starts.append((i, found, " ".join(texts)))
        if not starts:
            if any(r.text.strip() for r in part.rows):
                if kind is not None:
                    forms.append(Form(kind, layout, "", part.rows, where=part.name,
                                      detected=False))
                else:
                    notes.append(_("{part}: no form title (such as 项目绩效目标申报表) "
                                   "found; name the kind with --kind").format(part=part.name))
            continue
        bounds = []
        for n, (i, found, text) in enumerate(starts):
            begin = i
            # the attachment number and blank lines above the title belong to the form
            while begin > 0 and (not part.rows[begin - 1].text.strip() or
                                 _NUMBER.match(L.norm(part.rows[begin - 1].text))):
                if n > 0 and begin - 1 <= starts[n - 1][0]:
                    break
                begin -= 1
            bounds.append((begin, i, found, text))
        for n, (begin, i, found, text) in enumerate(bounds):
            end = bounds[n + 1][0] if n + 1 < len(bounds) else len(part.rows)
            rows = part.rows[begin:end]
            number = next((L.norm(r.text) for r in part.rows[begin:i]
                           if _NUMBER.match(L.norm(r.text))), None)
            form_kind = found if kind is None or found == DERIVED else kind
            form = Form(form_kind, None, text, rows, number,
                        where=rows[0].where, preamble=part.rows[:begin] if n == 0 else [])
            form.layout = layout or detect_layout(form)
            forms.append(form)
    return forms, notes


def detect_layout(form: Form) -> str:
    """The layout of a form: its attachment number, title and labels say which paper
    form it is."""
    number = form.number or ""
    title = L.norm(form.title)
    keys = {L.norm(c.text) for r in form.rows[:80] for c in r.cells if c.text.strip()}
    if form.kind == "project":
        if ("支出" not in title and "附件1" in number) or ("项目绩效目标申报表" in title and \
                "支出" not in title):
            return "hengyang-2019"
        if number.startswith("附2") or "对应一级项目名称" in keys or \
                "(本表在项目库审核阶段报送)" in keys:
            return "yangxin-2024"
        if "中期资金总额" in keys:
            return "national-2015"
        return "national"
    if form.kind == "special_fund":
        if "申报表" not in title:
            return "zhuzhou-2023"
        if number.startswith("附件2") or "部门相应职能职责概述" in keys or \
                "专项实施进度计划" in keys:
            return "hengyang-2019"
        return "national"
    if form.kind == "department":
        if ("申报表" not in title and "支出" in title) or number.startswith("附表"):
            return "zhuzhou-2023"
        if "支出" not in title or number.startswith("附2"):
            return "yangxin-2024"
        return "national"
    if form.kind == "expenditure_direction":
        if "区级" in title or number.startswith("附表3") or "名称" in keys:
            return "zhuzhou-2023"
        return "national"
    return "zhuzhou-2023" if "区级" in title or number.startswith("附表") else "national"


def _distinct(cells: Iterable[Cell]) -> list[Cell]:
    out: list[Cell] = []
    for c in cells:
        if (not out or out[-1] is not c) and c not in out:
            out.append(c)
    return out


# ----------------------------------------------------------------------- the draft


@dataclass
class Draft:
    """A declaration read from a form: its data, notes on what was guessed (by data
    path), what could not be placed, and notes about the form."""

    form: Form
    data: dict[str, Any] = field(default_factory=dict)
    unsure: dict[Path_, str] = field(default_factory=dict)
    unplaced: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    """Cells whose value the file does not hold (a formula without its value)."""
    notes: list[str] = field(default_factory=list)
    history_offsets: list[tuple[Path_, int]] = field(default_factory=list)
    """Indicator history written as 前年/上年: set to fiscal_year-2/-1 once it is known."""
    year_hint: tuple[int, str] | None = None
    """A fiscal year inferred from the form's content, and how."""

    def get(self, dotted: str) -> Any:
        node: Any = self.data
        for part in dotted.split("."):
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        return node

    def put(self, dotted: str | Path_, value: Any, unsure: str | None = None) -> None:
        path: Path_ = tuple(dotted.split(".")) if isinstance(dotted, str) else dotted
        node: Any = self.data
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = value
        if unsure:
            self.unsure[path] = unsure

    def doubt(self, dotted: str | Path_, why: str) -> None:
        path: Path_ = tuple(dotted.split(".")) if isinstance(dotted, str) else dotted
        self.unsure[path] = why if path not in self.unsure else \
            _("{reason}; {another_reason}").format(reason=self.unsure[path], another_reason=why)


# ---------------------------------------------------------------------- the reader


@dataclass
class _Side:
    """One indicator table being read: its columns (role → header cell), the term it
    is of, and what carries from row to row (merged level labels, counts)."""

    roles: dict[str, Cell]
    term: str
    l1_last: str = ""
    l2_last: str = ""
    count: dict[tuple[str, str], int] = field(default_factory=dict)


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

    def term_of(self, cell: Cell) -> str:
        return self.terms[0] if cell.col < self.boundary else self.terms[1]


_MULTI_YEAR_HEADING = re.compile(r"^(中期|长期|实施期)(资金总额|目标|绩效目标)")
_ANNUAL_HEADING = re.compile(r"^(年度|当年)(资金总额|目标|绩效目标)")


def find_halves(rows: Iterable[Row]) -> Halves | None:
    """The halves of a form whose rows pair a 中期 heading with a 年度 one on the same
    row (中期资金总额： … | 年度资金总额： …, 中期目标（2025年—2027年） | 年度目标)."""
    for row in rows:
        cells = [c for c in _distinct(row.cells) if row.starts(c)]
        multi = [c for c in cells if _MULTI_YEAR_HEADING.match(L.norm(c.text))]
        annual = [c for c in cells if _ANNUAL_HEADING.match(L.norm(c.text))]
        if multi and annual:
            if multi[0].col < annual[0].col:
                return Halves(annual[0].col, ("long_term", "annual"))
            return Halves(multi[0].col, ("annual", "long_term"))
    return None


def _term_heading(key: str) -> tuple[str, int | None, int | None] | None:
    """A goals heading that names its years, 中期目标(2025年-2027年): the heading without
    them and the years (None where the form left 20××)."""
    match = re.fullmatch(r"(.{2,8}目标)\((\d{4}|20××|20xx)年?-(\d{4}|20××|20xx)年?\)", key)
    if match is None:
        return None
    first, last = (int(y) if y.isdigit() else None for y in (match[2], match[3]))
    return match[1], first, last



class _Reader:
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

    # ----------------------------------------------------------------- small helpers

    def is_label(self, cell: Cell) -> bool:
        key = L.norm(cell.text)
        return bool(key) and (key in self.known or self._inline(cell) is not None or
                              _term_heading(key) is not None)

    def _inline(self, cell: Cell) -> tuple[Field, str] | None:
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
        return " ".join(c.text for c in _distinct(row.cells) if row.starts(c) and c.text.strip())

    def row_cells(self, i: int) -> list[Cell]:
        return _distinct(self.rows[i].cells)

    # --------------------------------------------------------------------- the tables

    def header_rows(self, table: dict[str, str], required: Iterable[str]
                    ) -> Iterable[tuple[int, dict[str, Cell]]]:
        """Rows that head a table: the columns named in `table` (normalised header text →
        role), found when every role in `required` is among them."""
        for i, row in enumerate(self.rows):
            if i in self.done:
                continue
            roles: dict[str, Cell] = {}
            for c in _distinct(row.cells):
                role = table.get(L.norm(c.text))
                if role and role not in roles:
                    roles[role] = c
            if all(r in roles for r in required):
                yield i, roles

    def column(self, row: Row, header: Cell, *, starting: bool = True) -> Cell | None:
        """The cell of `row` under `header`: the one overlapping its columns most."""
        best, overlap = None, 0
        for c in _distinct(row.cells):
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
            cells = [c for c in _distinct(row.cells) if c.text.strip()]
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

    def _lead(self, row: Row, first: Cell) -> Cell | None:
        left = [c for c in _distinct(row.cells) if c.end <= first.col and c.text.strip()]
        return left[-1] if left else None

    def indicators(self) -> None:
        for i, roles in list(self.header_rows(INDICATOR_HEADERS, ("l1", "l2"))):
            if i in self.done:
                continue
            self.indicator_table(i, roles)

    def indicator_table(self, i: int, roles: dict[str, Cell]) -> None:
        header = self.rows[i]
        self.done.add(i)
        self.mark(*(c for c in _distinct(header.cells) if L.norm(c.text) in INDICATOR_HEADERS))
        lead = self._lead(header, roles["l1"])
        sides = self.indicator_sides(header, roles)
        term_text = L.norm(lead.text) if lead else ""
        if len(sides) == 1:
            # (the lead and the heading above say which goals the table is of; they are
            # labels, reported by leftovers unless they are known ones)
            if not term_text:
                for j in range(i - 1, max(-1, i - 3), -1):
                    texts = [L.norm(c.text) for c in self.row_cells(j) if c.text.strip()]
                    if len(texts) == 1 and "指标" in texts[0]:
                        term_text = texts[0]
                        self.done.add(j)
                        break
            sides[0].term = "long_term" if re.search(r"长期|实施期|中期", term_text) \
                else "annual"
            # a second header row: 前年 | 上年 under 近两年指标值
            if i + 1 < len(self.rows):
                sub = {INDICATOR_HEADERS.get(L.norm(c.text)): c for c in self.row_cells(i + 1)
                       if self.rows[i + 1].starts(c)}
                if any(k and k.startswith("history:") for k in sub):
                    for k, c in sub.items():
                        if k:
                            sides[0].roles[k] = c
                    self.mark(*(c for k, c in sub.items() if k))
                    self.done.add(i + 1)
                    i += 1
        columns = [c for side in sides for c in side.roles.values()]
        first_col = min(c.col for c in columns)
        last_col = max(c.end for c in columns)

        def repeat_header(row: Row) -> bool:
            keys = {L.norm(c.text) for c in row.cells}
            return "一级指标" in keys and "二级指标" in keys

        for j in self.table_rows(i, first_col, last_col, lead):
            row = self.rows[j]
            if repeat_header(row):
                other_lead = self._lead(row, next(c for c in row.cells
                                                  if L.norm(c.text) == "一级指标"))
                if other_lead is not None and other_lead is not lead and \
                        L.norm(other_lead.text) != term_text:
                    break
                self.done.add(j)
                continue
            self.done.add(j)
            for side in sides:
                self.indicator_row(row, side)

    def indicator_sides(self, header: Row, roles: dict[str, Cell]) -> list[_Side]:
        """The tables a header row heads: one, or two side by side (一级指标 | 二级指标 三级
        指标 指标值 | 二级指标 三级指标 指标值 on the national form of 财预〔2015〕88号), which
        share the 一级指标 column. The halves of the form say which table is 中期 (the
        left one on the national form); without them, a second table is read as 年度 and
        the first as 中期, and said to be a guess."""
        level2s = [c for c in _distinct(header.cells)
                   if header.starts(c) and INDICATOR_HEADERS.get(L.norm(c.text)) == "l2"]
        if len(level2s) < 2:
            return [_Side(roles, "annual")]
        boundary = level2s[1].col
        left: dict[str, Cell] = {"l1": roles["l1"]}
        right: dict[str, Cell] = {"l1": roles["l1"]}
        for c in _distinct(header.cells):
            role = INDICATOR_HEADERS.get(L.norm(c.text))
            if role is None or role == "l1" or not header.starts(c):
                continue
            side = left if c.col < boundary else right
            side.setdefault(role, c)
        terms = self.halves.terms if self.halves is not None else ("long_term", "annual")
        if self.halves is None:
            self.draft.notes.append(_(
                "{where}: two indicator tables side by side, and no 中期/年度 headings to tell "
                "them apart: the left one is read as 中期 (long_term), as on the national "
                "form").format(where=header.where))
        return [_Side(left, terms[0]), _Side(right, terms[1])]

    def indicator_row(self, row: Row, side: _Side) -> None:
        """One row of an indicator table (of one side, where two sit side by side)."""
        cells = {role: self.column(row, c, starting=role not in ("l1", "l2"))
                 for role, c in side.roles.items() if role not in ("history", "expected")}
        # the values are taken (into an indicator or the unplaced text); the levels are
        # read as labels: leftovers reports one that is no level of the framework
        self.mark(*(c for role, c in cells.items() if role not in ("l1", "l2")))
        text = {role: (c.text if c is not None else "") for role, c in cells.items()}
        l1 = L.norm(text.get("l1", "")) or side.l1_last
        l2 = L.norm(text.get("l2", "")) or (side.l2_last if not L.norm(text.get("l1", ""))
                                            else "")
        side.l1_last, side.l2_last = l1, l2
        values = {k: L.clean(v) for k, v in text.items() if k not in ("l1", "l2")}
        if not any(v and not L.is_blank(v) for v in values.values()):
            return
        if L.is_blank(l2) and l2:  # the …… row, filled in
            self.note_unplaced(row, " ".join(v for v in values.values() if v),
                               _("indicator under {level1} › {level2}, not a category "
                                 "of the framework").format(level1=l1 or "?", level2=l2))
            return
        if not values.get("name") and not values.get("target"):
            self.note_unplaced(row, " ".join(v for v in values.values() if v),
                               _("an indicator row without 指标内容 and 指标值"))
            return
        level1, level2 = self.level(l1, l2)
        if level1 is None or level2 is None:
            self.note_unplaced(row, " ".join(v for v in values.values() if v),
                               _("indicator under {level1} › {level2}, not a category "
                                 "of the framework").format(level1=l1 or "?",
                                                            level2=l2 or "?"))
            return
        key = (level1, level2)
        index = side.count.get(key, 0)
        side.count[key] = index + 1
        term = side.term
        path: Path_ = ("indicators", term, level1, level2, index)
        item: dict[str, Any] = {}
        if values.get("name"):
            item["name"] = values["name"]
        if values.get("target"):
            item["target"] = target(values["target"])
        if values.get("standard"):
            item["standard"] = values["standard"]
            if values["standard"] not in STANDARDS:
                near = [s for s in STANDARDS if s.startswith(values["standard"][:2])]
                if near and len(values["standard"]) <= 2:
                    item["standard"] = near[0]
                else:
                    self.draft.doubt((*path, "standard"),
                                     _("not one of 计划标准, 行业标准, 历史标准, 其他标准"))
        if values.get("note"):
            item["note"] = values["note"]
        history = [(int(role.split(":")[1]), values[role]) for role in values
                   if role.startswith("history:") and values[role]]
        if history:
            item["history"] = [{"year": offset, "value": target(v)} for offset, v
                               in sorted(history)]
            self.draft.history_offsets.append((path, 0))
        bucket = self.draft.data.setdefault("indicators", {}).setdefault(term, {}) \
            .setdefault(level1, {}).setdefault(level2, [])
        bucket.append(item)
        if "name" not in item:
            self.note_unplaced(row, " ".join(v for v in values.values() if v),
                               _("an indicator without 指标内容 (name)"))

    def level(self, l1: str, l2: str) -> tuple[str | None, str | None]:
        name = LEVEL2_ALIASES.get(l2, l2)
        if l1 == "成本指标" and name in ("经济成本指标", "社会成本指标", "生态环境成本指标"):
            return "成本指标", name
        if name == "成本指标":
            return "产出指标", "成本指标"
        found = level1_of(name)
        if found is not None:
            return found, name
        if l1 == "满意度指标" or (LEVEL2_ALIASES.get(l1) == "服务对象满意度指标" and not l2):
            return "满意度指标", "服务对象满意度指标"
        if l1 in FRAMEWORK and len(FRAMEWORK[l1]) == 1:
            return l1, FRAMEWORK[l1][0]
        return None, None

    def schedule(self) -> None:
        for i, roles in list(self.header_rows(SCHEDULE_HEADERS, ("task",))):
            if "start" not in roles and "end" not in roles:
                continue
            self.done.add(i)
            self.mark(*roles.values())
            first = min(c.col for c in roles.values())
            lead = self._lead(self.rows[i], roles["task"])
            last = max(c.end for c in roles.values())
            out: list[dict[str, Any]] = []
            for j in self.table_rows(i, first, last, lead):
                row = self.rows[j]
                self.done.add(j)
                cells = {r: self.column(row, c) for r, c in roles.items()}
                self.mark(*cells.values())
                task = L.strip_number(L.clean(cells["task"].text)) if cells["task"] else ""
                if L.is_blank(task):
                    task = ""
                item: dict[str, Any] = {"task": task} if task else {}
                index = len(out)
                for r in ("start", "end"):
                    c = cells.get(r)
                    raw = L.clean(c.text) if c else ""
                    if not raw or L.is_blank(raw):
                        continue
                    m = L.month(raw)
                    if m is None:
                        item[r] = raw
                        self.draft.doubt(("schedule", index, r),
                                         _("{text} is not a month (2019-01)")
                                         .format(text=repr(raw)))
                    else:
                        item[r] = m
                if not item:
                    continue
                if not task:
                    self.note_unplaced(row, self.own_text(row),
                                       _("a schedule row without 实施内容 (task)"))
                out.append(item)
            if out and "schedule" not in self.draft.data:
                self.draft.data["schedule"] = out

    def expenses(self) -> None:
        for i, roles in list(self.header_rows(EXPENSE_HEADERS, ("item", "amount"))):
            self.done.add(i)
            self.mark(*roles.values())
            first = min(c.col for c in roles.values())
            last = max(c.end for c in roles.values())
            lead = self._lead(self.rows[i], min(roles.values(), key=lambda c: c.col))
            lines: list[dict[str, Any]] = []
            printed: L.Amount | None = None
            total_row: Row | None = None
            for j in self.table_rows(i, first, last, lead):
                row = self.rows[j]
                self.done.add(j)
                cells = {r: self.column(row, c) for r, c in roles.items()}
                totals = [c for c in row.cells if L.norm(c.text) in ("合计", "小计", "总计")]
                if totals:
                    self.mark(*totals)
                    amount_cell = cells.get("amount")
                    if amount_cell is not None and L.norm(amount_cell.text) not in ("合计",
                                                                                   "小计"):
                        self.mark(amount_cell)
                        printed = self.amount_of(amount_cell.text, row, "合计")
                        total_row = row
                    continue
                self.mark(*cells.values())
                values = {r: L.clean(c.text) if c else "" for r, c in cells.items()}
                values = {r: v for r, v in values.items() if v and not L.is_blank(v)}
                if not values:
                    continue
                index = len(lines)
                path: Path_ = ("expenses", "items", index)
                line: dict[str, Any] = {}
                if values.get("summary"):
                    line["summary"] = values["summary"]
                if values.get("item"):
                    line["item"] = L.strip_number(values["item"])
                if values.get("amount"):
                    money = self.amount_of(values["amount"], row, "金额", (*path, "amount"))
                    if money is not None:
                        line["amount"] = money.value
                        if money.approximate:
                            line["approximate"] = True
                if values.get("basis"):
                    line["basis"] = values["basis"]
                if "item" not in line or "amount" not in line:
                    self.note_unplaced(row, self.own_text(row),
                                       _("an expense line without 支出明细 (item)")
                                       if "item" not in line else
                                       _("an expense line without 金额"))
                lines.append(line)
            if not lines:
                continue
            expenses = self.draft.data.setdefault("expenses", {})
            expenses["items"] = lines
            if printed is not None and total_row is not None:
                amounts = [ln.get("amount") for ln in lines]
                total = sum((a for a in amounts if a is not None), Decimal(0))
                approximate_lines = any(ln.get("approximate") for ln in lines)
                if printed.value != total or None in amounts:
                    expenses["total"] = printed.value
                    self.draft.doubt(("expenses", "total"),
                                     _("the form's 合计; its lines add up to {total}")
                                     .format(total=L_plain(total)))
                if printed.approximate and not approximate_lines:
                    expenses["total_approximate"] = True
            return

    def tasks(self) -> None:
        for i, roles in list(self.header_rows(TASK_HEADERS, ("task",))):
            if len(roles) < 2:
                continue
            self.done.add(i)
            self.mark(*roles.values())
            first = min(c.col for c in roles.values())
            last = max(c.end for c in roles.values())
            lead = self._lead(self.rows[i], roles["task"])
            out = []
            for j in self.table_rows(i, first, last, lead):
                row = self.rows[j]
                self.done.add(j)
                cells = {r: self.column(row, c) for r, c in roles.items()}
                self.mark(*cells.values())
                item = {r: L.clean(c.text) for r, c in cells.items()
                        if c is not None and L.clean(c.text) and not L.is_blank(c.text)}
                if item:
                    if "task" not in item:
                        self.note_unplaced(row, self.own_text(row), _("a task without 事项"))
                    out.append({k: item[k] for k in ("task", "responsible", "goal") if k in item})
            if out:
                self.draft.data["key_tasks"] = out
            return

    def projects_table(self) -> None:
        """附2-2's 项目支出情况: derived from the unit's projects, not imported."""
        for i, roles in list(self.header_rows(PROJECTS_HEADERS, ("name", "total"))):
            self.done.add(i)
            self.mark(*roles.values())
            first = min(c.col for c in roles.values())
            last = max(c.end for c in roles.values())
            lines = []
            for j in self.table_rows(i, first, last, None):
                self.done.add(j)
                row = self.rows[j]
                cells = [c for c in _distinct(row.cells) if row.starts(c) and c.text.strip()]
                self.mark(*cells)  # (said in the note, row by row)
                if cells:
                    lines.append(_("{where}: “{text}”").format(
                        where=row.where, text=" | ".join(L.clean(c.text) for c in cells)))
            self.draft.notes.append(_(
                "项目支出情况 ({count} projects) is derived from the unit's project declarations: "
                "import their own forms (附2-1)").format(count=len(lines)))
            self.draft.notes.extend(lines)

    def yangxin_funding(self) -> None:
        """附2-2's 总体资金情况: 当年金额 and the 近两年收支金额 of two earlier years."""
        for i, row in enumerate(self.rows):
            current = next((c for c in row.cells if L.norm(c.text) == "当年金额"), None)
            if current is None or i in self.done:
                continue
            self.done.add(i)
            self.mark(current)
            share = next((c for c in row.cells if L.norm(c.text) == "占比"), None)
            year_cols: list[tuple[Cell, int]] = []
            j = i + 1
            if j < len(self.rows):
                for c in _distinct(self.rows[j].cells):
                    m = re.fullmatch(r"(\d{4})年?", L.norm(c.text))
                    if m:
                        year_cols.append((c, int(m.group(1))))
                if year_cols:
                    self.done.add(j)
                    self.mark(*(c for c, _y in year_cols))
                    j += 1
            names = {"财政拨款": "fiscal", "其他资金": "other", "基本支出": "basic",
                     "项目支出": "project", "一般公共预算": "general_budget",
                     "政府性基金": "government_fund", "自有资金": "own"}
            figures: dict[int | None, dict[str, Decimal]] = {}
            totals: dict[int | None, dict[str, Decimal]] = {}
            group = "income"
            while j < len(self.rows):
                r = self.rows[j]
                keys = [(c, L.norm(c.text)) for c in _distinct(r.cells)]
                label = next(((c, k) for c, k in keys if k in names or k == "合计"), None)
                if label is None:
                    break
                for _cell, k in keys:
                    if "支出构成" in k:
                        group = "spending"
                    elif "收入构成" in k:
                        group = "income"
                self.done.add(j)
                self.mark(label[0])
                if share is not None:
                    # 占比: each line's share of its 合计, derived from the amounts
                    cell = self.column(r, share)
                    if cell is not None and cell is not label[0] and \
                            re.fullmatch(r"(\d+(\.\d+)?%)?", L.squeeze(cell.text)):
                        self.mark(cell)
                for col, year in [(current, None), *[(c, y) for c, y in year_cols]]:
                    cell = self.column(r, col)
                    if cell is None or cell is label[0]:
                        continue
                    self.mark(cell)
                    money = self.amount_of(cell.text, r, label[1])
                    if money is None:
                        continue
                    if label[1] == "合计":
                        totals.setdefault(year, {})[group] = money.value
                    else:
                        figures.setdefault(year, {})[names[label[1]]] = money.value
                j += 1
            history = []
            for year in [None, *sorted(y for _c, y in year_cols)]:
                values = dict(figures.get(year, {}))
                t = totals.get(year, {})
                total = t.get("income", t.get("spending"))
                if total is not None:
                    values = {"total": total, **values}
                if year is None:
                    for k, v in values.items():
                        self.draft.put(("funding", k), v)
                    if "income" in t and "spending" in t and t["income"] != t["spending"]:
                        self.draft.doubt(("funding", "total"), _("支出构成 合计 says {total}")
                                         .format(total=L_plain(t["spending"])))
                elif values:
                    history.append({"year": year, **values})
            if history:
                self.draft.data.setdefault("funding", {})["history"] = history
            if year_cols:
                last = max(y for _c, y in year_cols)
                self.draft.year_hint = (last + 1, _("its 近两年收支金额 are {years}").format(
                    years="、".join(str(y) for _c, y in year_cols)))
            return

    def yangxin_goals(self) -> None:
        """附2-2's 整体绩效总目标: 长期目标（截止 年） | 年度目标, then 目标1：… rows."""
        for i, row in enumerate(self.rows):
            head = next((c for c in row.cells if L.norm(c.text).startswith("长期目标(截止")),
                        None)
            if head is None or i in self.done:
                continue
            annual = next((c for c in row.cells if L.norm(c.text) == "年度目标"), None)
            self.done.add(i)
            self.mark(annual)
            until = re.fullmatch(r"长期目标\(截止(\d{4})?年?\)", L.norm(head.text))
            if until:
                self.mark(head)  # (anything else in it is reported)
                if until[1]:
                    self.draft.put("goals.long_term_until", int(until[1]))
            long_term: list[str] = []
            yearly: list[str] = []
            for j in range(i + 1, len(self.rows)):
                r = self.rows[j]
                texts = [L.clean(c.text) for c in _distinct(r.cells) if r.starts(c)
                         and c.text.strip()]
                if not texts or not all(re.match(r"^(目标\s*\d+\s*[:：]|…)", t) for t in texts):
                    break
                self.done.add(j)
                for target_list, col in ((long_term, head), (yearly, annual)):
                    if col is None:
                        continue
                    c = self.column(r, col)
                    if c is not None and r.starts(c):
                        self.mark(c)
                        target_list.extend(L.items(c.text))
            if long_term:
                self.draft.put("goals.long_term", long_term)
            if yearly:
                self.draft.put("goals.annual", yearly)
            return

    def fund_summary(self) -> list[dict[str, Any]]:
        """附表2's lines: each fund (一、二…) and the directions under it (1、2…)."""
        out: list[dict[str, Any]] = []
        for i, roles in list(self.header_rows(SUMMARY_HEADERS, ("name", "amount"))):
            self.done.add(i)
            self.mark(*roles.values())
            first = min(c.col for c in roles.values())
            last = max(c.end for c in roles.values())
            fund: dict[str, Any] | None = None
            for j in self.table_rows(i, first, last, None):
                row = self.rows[j]
                self.done.add(j)
                cells = {r: self.column(row, c) for r, c in roles.items()}
                self.mark(*cells.values())  # (合计: the sum of the lines, derived)
                values = {r: L.clean(c.text) if c else "" for r, c in cells.items()}
                number = L.norm(values.get("number", ""))
                if number and not re.fullmatch(r"[一二三四五六七八九十\d]+|合计", number):
                    self.note_unplaced(row, values["number"], _("序号: not a number"))
                if L.norm(values.get("name", "")) == "合计" or number == "合计":
                    self.amount_of(values.get("amount", ""), row, "合计")
                    for role in ("long_term", "annual"):
                        if values.get(role) and not L.is_blank(values[role]):
                            self.note_unplaced(row, values[role])
                    continue
                if not L.norm(values.get("name", "")):
                    if any(v and not L.is_blank(v) for r, v in values.items()
                           if r != "number"):
                        self.note_unplaced(row, self.own_text(row), _("a line without 名称"))
                    continue
                money = self.amount_of(values.get("amount", ""), row, "金额")
                line = {"name": values["name"], "row": row.where,
                        "number": values.get("number", ""),
                        "amount": money.value if money else None,
                        "long_term": L.items(_text(cells.get("long_term"))),
                        "annual": L.items(_text(cells.get("annual"))),
                        "children": []}
                if re.fullmatch(r"\d+", L.norm(values.get("number", ""))) and fund is not None:
                    fund["children"].append(line)
                else:
                    fund = line
                    out.append(line)
            break
        return out

    # ------------------------------------------------------------- labels and values

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
            cells = _distinct(row.cells)
            mine = [c for c in cells if row.starts(c)]
            header = len(mine) >= 2 and all(c.text.strip() and self.is_label(c) and
                                            self._inline(c) is None for c in mine)
            for n, cell in enumerate(cells):
                if not row.starts(cell) or not cell.text.strip():
                    continue
                key = L.norm(cell.text)
                if row.is_paragraph or self._inline(cell) is not None:
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

    def field_of(self, key: str) -> Field | None:
        """The field a label names; a goals heading that names its years (中期目标（2025年
        —2027年）) also gives them."""
        found = self.fields.get(key)
        heading = _term_heading(key) if found is None else None
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
        for c in _distinct(row.cells):
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
        for match in re.finditer(r"([^\s:：　]{1,16}?(?:\([^)]*\)|（[^）]*）)?)\s*[:：]", text):
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

    def read(self) -> Draft:
        d = self.draft
        for row in self.rows:  # the money unit, first: amounts depend on it
            m = re.search(r"(?:金额)?单位[:：]\s*(万元|元|千元)", row.text.replace(" ", ""))
            if m:
                self.unit = m.group(1)
                break
        self.halves = find_halves(self.rows)
        self.indicators()
        if self.kind in ("project", "special_fund"):
            self.schedule()
        if self.kind in ("project", "special_fund", "expenditure_direction"):
            self.expenses()
        if self.kind == "department":
            self.tasks()
            self.projects_table()
            self.yangxin_funding()
            self.yangxin_goals()
        self.labelled()
        self.implied_years()
        self.year()
        self.leftovers()
        self.unread()
        return d

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
        person = None
        for found, text, cell, row in self.facts():
            if found.type == "unit-of-money":
                if L.norm(text) not in ("万元", "元", "千元", ""):
                    self.note_unplaced(row, text, _("金额单位: not 万元, 元 or 千元"))
                continue
            if found.type == "person":
                person = found.path.split(".")[0]
            path = found.path
            if self.halves is not None and path in MULTI_YEAR and \
                    self.halves.term_of(cell) == "long_term" and self.split(row):
                path = MULTI_YEAR[path]
            if found.type == "phone":
                owner = person or ("leader" if self.kind == "project" and not row.is_paragraph
                                   else "preparer")
                path = f"{owner}.phone"
            self.assign(path, found, text, row)

    def split(self, row: Row) -> bool:
        """Whether `row` is read by halves: it holds labels on both sides of the halves'
        boundary (其中：财政拨款 | … | 其中：财政拨款 | …)."""
        assert self.halves is not None
        labels = [c for c in _distinct(row.cells) if row.starts(c) and self.is_label(c)]
        boundary = self.halves.boundary
        return any(c.end <= boundary for c in labels) and any(c.col >= boundary for c in labels)

    def assign(self, path: str, found: Field, text: str, row: Row) -> None:
        d = self.draft
        value = self.parse(path, found, text, row)
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

    def parse(self, path: str, found: Field, text: str, row: Row) -> Any:
        d = self.draft
        kind, _colon, arg = found.type.partition(":")
        if kind == "name-and-code":  # 主管部门及代码: 人社局　201001
            value = L.clean(text)
            match = re.fullmatch(r"(.*?)[\s\u3000]+([0-9]{3,20})", value, re.S)
            if match:
                self.assign("supervising_department.code", Field(
                    "supervising_department.code", (), "code"), match[2], row)
                value = match[1]
            return value if value and not L.is_blank(value) else None
        if kind in ("text", "person", "unit"):
            value = L.clean(text)
            if kind == "unit":
                value = re.sub(r"[（(]\s*盖章\s*[)）]", "", value).strip()
            if kind in ("unit", "person"):
                value = self.first_part(value, path, row)
            if not value or L.is_blank(value):
                return None
            return value
        if kind == "items":
            found_items = L.items(text)
            return found_items or None
        if kind == "tasks":
            found_items = L.items(text)
            return [{"task": t} for t in found_items] or None
        if kind == "refs":
            refs = [strip for part in re.split(r"[、\n；;]", text)
                    if (strip := L.clean(part)) and not L.is_blank(strip)]
            return refs or None
        if kind == "amount":
            try:
                money = L.amount(text, arg or self.unit)
            except L.NotAnAmount as exc:
                self.note_unplaced(row, text, _("{field}: {problem}").format(field=path,
                                                                              problem=exc))
                return None
            if money is None:
                return None
            if money.converted_from:
                d.doubt(path, _("converted from {text}").format(text=money.converted_from))
            if money.approximate:
                d.doubt(path, _("the form says 约 (about): a budget amount is exact"))
            return money.value
        if kind == "period":
            raw = L.clean(text)
            if not raw or L.is_blank(raw):
                return None
            # 项目期 as the national form writes it: 3年（2025.1-2027.12）, or 3年 alone
            term = re.fullmatch(r"(\d{1,2}\s*年)\s*(?:[(（](.*)[)）])?", raw, re.S) \
                if self.kind == "project" else None
            if term is not None:
                self.assign("duration", Field("duration", (), "text"), term[1], row)
                if not term[2] or L.is_blank(term[2]):
                    return None
                raw = L.clean(term[2])
            found_period = L.period(raw)
            if found_period is None:
                self.note_unplaced(row, text, _("{field}: not a period (2019.1-2019.12)")
                                   .format(field=path))
                return None
            return {"start": found_period[0], "end": found_period[1]}
        if kind == "date":
            raw = L.clean(text)
            if not raw or not re.search(r"\d", raw):
                return None
            found_date = L.date(raw)
            if found_date is None:
                self.note_unplaced(row, text, _("{field}: not a date (2019年5月21日)")
                                   .format(field=path))
                return None
            return found_date
        if kind == "choice":
            result = L.choice(text, {L.norm(k): v for k, v in CHOICES[arg].items()})
            if result.problem:
                self.note_unplaced(row, text, _("{field}: {problem}").format(
                    field=path, problem=result.problem))
            elif result.rest:
                self.note_unplaced(row, result.rest, _("{field}: beside the options").format(
                    field=path))
            return result.value
        if kind in ("phone", "code"):
            raw = L.clean(text).translate(L._NUMERIC).strip()
            return self.first_part(raw, path, row) or None
        if kind == "fc":
            return self.functional(text, row)
        return None

    def first_part(self, value: str, path: str, row: Row) -> str:
        """A name or number, up to a wide space: what follows it is said, not dropped."""
        first, *more = re.split(r"\s{2,}|　", value) if value else [value]
        rest = " ".join(m for m in more if m.strip())
        if rest and not L.is_blank(rest) and not BOILERPLATE.match(L.norm(rest)):
            self.note_unplaced(row, rest, _("{field}: after the value").format(field=path))
        return first.strip()

    def functional(self, text: str, row: Row) -> dict[str, str] | None:
        raw = L.squeeze(text.translate(L._NUMERIC))
        if not raw:
            return None
        found = [(k, m) for k, name in (("class", "类"), ("section", "款"), ("item", "项"))
                 if (m := re.search(rf"{name}[:：]?(\d+)", raw))]
        parts = {k: m.group(1) for k, m in found}
        rest = raw
        for _k, m in found:
            rest = rest.replace(m.group(0), "", 1)
        if parts and rest.strip(":：、,，;；"):
            self.note_unplaced(row, text, _("支出功能分类科目: besides the 类/款/项 codes, "
                                            "{text}").format(text=repr(rest)))
        if not parts:
            m = re.fullmatch(r"(\d{3})(\d{2})?(\d{2})?", raw)
            if not m:
                self.note_unplaced(row, text, _("支出功能分类科目: not 类/款/项 codes"))
                return None
            parts = {k: v for k, v in zip(("class", "section", "item"), m.groups(), strict=True)
                     if v}
        return {k: parts[k] for k in ("class", "section", "item") if k in parts}

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
            for cell in _distinct(row.cells):
                if row.starts(cell) and not L.is_blank(cell.text) and \
                        not BOILERPLATE.match(L.norm(cell.text)):
                    self.note_unplaced(row, cell.text, _("above the form's title"))
        for row in [*self.form.preamble, *self.rows]:
            for cell in row.hidden:
                self.note_unplaced(row, cell.text, _("in a merged cell, where Word does not "
                                                     "show it"))
        for row in self.rows:
            for cell in _distinct(row.cells):
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
            for cell in _distinct(row.cells):
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


def _text(cell: Cell | None) -> str:
    return cell.text if cell is not None else ""


def L_plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def target(text: str) -> Any:
    """A target as a declaration writes it: a bare number stays a number (100000)."""
    if re.fullmatch(r"(0|[1-9]\d{0,14})", text):
        return int(text)
    if re.fullmatch(r"(0|[1-9]\d{0,14})\.\d{1,6}", text):
        return Decimal(text)
    return text


def read_form(form: Form) -> tuple[Draft, list[dict[str, Any]]]:
    """The draft declaration of a form, and (for a fund summary) its lines."""
    reader = _Reader(form)
    if form.kind == DERIVED:
        lines = reader.fund_summary()
        reader.labelled()
        reader.year()
        reader.leftovers()
        reader.unread()
        return reader.draft, lines
    return reader.read(), []
