"""Forms found in rows of cells: their kind and their layout.

A file is a sequence of rows (paragraphs and table rows); each form in it starts at its
title (项目绩效目标申报表, 2023年区级专项资金支出方向绩效目标表 …), which also says its kind,
and with the attachment number above it (附件1-1, 附表3-2, 附2-1) or its labels, the
layout (LAYOUT_MARKS). read.py reads each form into a Draft.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..domain import FUND_SUMMARY
from ..i18n import _
from . import labels as L
from .grid import Part, Row, distinct

DERIVED = FUND_SUMMARY

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
            texts = [c.text for c in distinct(row.cells) if c.text.strip()]
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
            form = Form(form_kind, None, text, rows, number, where=rows[0].where,
                        preamble=_past_contents(part.rows[:begin]) if n == 0 else [])
            form.layout = layout or detect_layout(form)
            forms.append(form)
    return forms, notes


def _past_contents(rows: list[Row]) -> list[Row]:
    """The rows above a file's first form, less the contents page a bundle opens with
    (perfdecl's or a bureau's): a 目录 line, what is above it, and the entries under it,
    each ending with its page number."""
    for i, row in enumerate(rows):
        if L.norm(row.text) == "目录":
            rest = rows[i + 1:]
            while rest and (not rest[0].text.strip() or re.search(r"\d\s*$", rest[0].text)):
                rest = rest[1:]
            return rest
    return rows


@dataclass(frozen=True)
class Mark:
    """One thing a form shows that tells its layout; every part given must hold: words
    in its title or not, the start of its attachment number, a label it prints."""

    title_has: str = ""
    title_lacks: str = ""
    number: str = ""
    label: str = ""

    def holds(self, title: str, number: str, labels: set[str]) -> bool:
        return self.title_has in title and \
            not (self.title_lacks and self.title_lacks in title) and \
            number.startswith(self.number) and (not self.label or self.label in labels)


LAYOUT_MARKS: tuple[tuple[str, str, tuple[Mark, ...]], ...] = (
    ("project", "hengyang-2019", (Mark(title_lacks="支出", number="附件1"),
                                  Mark(title_has="项目绩效目标申报表", title_lacks="支出"))),
    ("project", "yangxin-2024", (Mark(number="附2"), Mark(label="对应一级项目名称"),
                                 Mark(label="(本表在项目库审核阶段报送)"))),
    ("project", "national-2015", (Mark(label="中期资金总额"),)),
    ("special_fund", "zhuzhou-2023", (Mark(title_lacks="申报表"),)),
    ("special_fund", "hengyang-2019", (Mark(number="附件2"), Mark(label="部门相应职能职责概述"),
                                       Mark(label="专项实施进度计划"))),
    ("department", "zhuzhou-2023", (Mark(title_has="支出", title_lacks="申报表"),
                                    Mark(number="附表"))),
    ("department", "yangxin-2024", (Mark(title_lacks="支出"), Mark(number="附2"))),
    ("expenditure_direction", "zhuzhou-2023", (Mark(title_has="区级"), Mark(number="附表3"),
                                               Mark(label="名称"))),
    (DERIVED, "zhuzhou-2023", (Mark(title_has="区级"), Mark(number="附表"))),
)
"""The layouts perfdecl tells from a form, the first that matches for its kind; a form
that shows none of their marks is read as the national one."""


def detect_layout(form: Form) -> str:
    """The layout of a form: its attachment number, title and labels say which paper
    form it is."""
    number = form.number or ""
    title = L.norm(form.title)
    labels = {L.norm(c.text) for r in form.rows[:80] for c in r.cells if c.text.strip()}
    for kind, layout, marks in LAYOUT_MARKS:
        if kind == form.kind and any(m.holds(title, number, labels) for m in marks):
            return layout
    return "national"
