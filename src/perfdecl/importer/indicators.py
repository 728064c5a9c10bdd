"""Indicator tables: one, or two side by side (中期 | 年度) sharing the 一级指标 column;
each row an indicator under its level-1 and level-2 categories."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..framework import FRAMEWORK, level1_of
from ..i18n import _
from . import labels as L
from .draft import Path_
from .grid import Cell, Row, distinct
from .reader import Reader
from .specs import INDICATOR_HEADERS, LEVEL2_ALIASES, STANDARDS
from .values import target


@dataclass
class _Side:
    """One indicator table being read: its columns (role → header cell), the term it
    is of, and what carries from row to row (merged level labels, counts)."""

    roles: dict[str, Cell]
    term: str
    l1_last: str = ""
    l2_last: str = ""
    count: dict[tuple[str, str], int] = field(default_factory=dict)


def indicators(reader: Reader) -> None:
    for i, roles in list(reader.header_rows(INDICATOR_HEADERS, ("l1", "l2"))):
        if i in reader.done:
            continue
        indicator_table(reader, i, roles)


def indicator_table(reader: Reader, i: int, roles: dict[str, Cell]) -> None:
    header = reader.rows[i]
    reader.done.add(i)
    reader.mark(*(c for c in distinct(header.cells) if L.norm(c.text) in INDICATOR_HEADERS))
    lead = reader.lead(header, roles["l1"])
    sides = indicator_sides(reader, header, roles)
    term_text = L.norm(lead.text) if lead else ""
    if len(sides) == 1:
        # (the lead and the heading above say which goals the table is of; they are
        # labels, reported by leftovers unless they are known ones)
        if not term_text:
            for j in range(i - 1, max(-1, i - 3), -1):
                texts = [L.norm(c.text) for c in reader.row_cells(j) if c.text.strip()]
                if len(texts) == 1 and "指标" in texts[0]:
                    term_text = texts[0]
                    reader.done.add(j)
                    break
        sides[0].term = "long_term" if re.search(r"长期|实施期|中期", term_text) \
            else "annual"
        # a second header row: 前年 | 上年 under 近两年指标值
        if i + 1 < len(reader.rows):
            sub = {INDICATOR_HEADERS.get(L.norm(c.text)): c for c in reader.row_cells(i + 1)
                   if reader.rows[i + 1].starts(c)}
            if any(k and k.startswith("history:") for k in sub):
                for k, c in sub.items():
                    if k:
                        sides[0].roles[k] = c
                reader.mark(*(c for k, c in sub.items() if k))
                reader.done.add(i + 1)
                i += 1
    columns = [c for side in sides for c in side.roles.values()]
    first_col = min(c.col for c in columns)
    last_col = max(c.end for c in columns)

    def repeat_header(row: Row) -> bool:
        keys = {L.norm(c.text) for c in row.cells}
        return "一级指标" in keys and "二级指标" in keys

    for j in reader.table_rows(i, first_col, last_col, lead):
        row = reader.rows[j]
        if repeat_header(row):
            other_lead = reader.lead(row, next(c for c in row.cells
                                               if L.norm(c.text) == "一级指标"))
            if other_lead is not None and other_lead is not lead and \
                    L.norm(other_lead.text) != term_text:
                break
            reader.done.add(j)
            continue
        reader.done.add(j)
        for side in sides:
            indicator_row(reader, row, side)


def indicator_sides(reader: Reader, header: Row, roles: dict[str, Cell]) -> list[_Side]:
    """The tables a header row heads: one, or two side by side (一级指标 | 二级指标 三级
    指标 指标值 | 二级指标 三级指标 指标值 on the national form of 财预〔2015〕88号), which
    share the 一级指标 column. The halves of the form say which table is 中期 (the
    left one on the national form); without them, a second table is read as 年度 and
    the first as 中期, and said to be a guess."""
    level2s = [c for c in distinct(header.cells)
               if header.starts(c) and INDICATOR_HEADERS.get(L.norm(c.text)) == "l2"]
    if len(level2s) < 2:
        return [_Side(roles, "annual")]
    boundary = level2s[1].col
    left: dict[str, Cell] = {"l1": roles["l1"]}
    right: dict[str, Cell] = {"l1": roles["l1"]}
    for c in distinct(header.cells):
        role = INDICATOR_HEADERS.get(L.norm(c.text))
        if role is None or role == "l1" or not header.starts(c):
            continue
        side = left if c.col < boundary else right
        side.setdefault(role, c)
    terms = reader.halves.terms if reader.halves is not None else ("long_term", "annual")
    if reader.halves is None:
        reader.draft.notes.append(_(
            "{where}: two indicator tables side by side, and no 中期/年度 headings to tell "
            "them apart: the left one is read as 中期 (long_term), as on the national "
            "form").format(where=header.where))
    return [_Side(left, terms[0]), _Side(right, terms[1])]


def indicator_row(reader: Reader, row: Row, side: _Side) -> None:
    """One row of an indicator table (of one side, where two sit side by side)."""
    cells = {role: reader.column(row, c, starting=role not in ("l1", "l2"))
             for role, c in side.roles.items() if role not in ("history", "expected")}
    # the values are taken (into an indicator or the unplaced text); the levels are
    # read as labels: leftovers reports one that is no level of the framework
    reader.mark(*(c for role, c in cells.items() if role not in ("l1", "l2")))
    text = {role: (c.text if c is not None else "") for role, c in cells.items()}
    l1 = L.norm(text.get("l1", "")) or side.l1_last
    l2 = L.norm(text.get("l2", "")) or (side.l2_last if not L.norm(text.get("l1", ""))
                                        else "")
    side.l1_last, side.l2_last = l1, l2
    values = {k: L.clean(v) for k, v in text.items() if k not in ("l1", "l2")}
    if not any(v and not L.is_blank(v) for v in values.values()):
        return
    if L.is_blank(l2) and l2:  # the …… row, filled in
        reader.note_unplaced(row, " ".join(v for v in values.values() if v),
                             _("indicator under {level1} › {level2}, not a category "
                               "of the framework").format(level1=l1 or "?", level2=l2))
        return
    if not values.get("name") and not values.get("target"):
        reader.note_unplaced(row, " ".join(v for v in values.values() if v),
                             _("an indicator row without 指标内容 and 指标值"))
        return
    level1, level2 = level(l1, l2)
    if level1 is None or level2 is None:
        reader.note_unplaced(row, " ".join(v for v in values.values() if v),
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
                reader.draft.doubt((*path, "standard"),
                                   _("not one of 计划标准, 行业标准, 历史标准, 其他标准"))
    if values.get("note"):
        item["note"] = values["note"]
    history = [(int(role.split(":")[1]), values[role]) for role in values
               if role.startswith("history:") and values[role]]
    if history:
        item["history"] = [{"year": offset, "value": target(v)} for offset, v
                           in sorted(history)]
        reader.draft.history_offsets.append((path, 0))
    bucket = reader.draft.data.setdefault("indicators", {}).setdefault(term, {}) \
        .setdefault(level1, {}).setdefault(level2, [])
    bucket.append(item)
    if "name" not in item:
        reader.note_unplaced(row, " ".join(v for v in values.values() if v),
                             _("an indicator without 指标内容 (name)"))


def level(l1: str, l2: str) -> tuple[str | None, str | None]:
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
