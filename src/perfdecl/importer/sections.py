"""The tables of a form other than its indicators, one reader each: the schedule, the
expenses, the department's tasks, its funding by year and numbered goals, the projects
a department form lists, and the lines of a fund summary."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from ..domain import amount_text
from ..i18n import _
from . import labels as L
from .draft import Path_
from .grid import Cell, Row, distinct
from .reader import Reader
from .specs import (
    EXPENSE_HEADERS,
    PROJECTS_HEADERS,
    SCHEDULE_HEADERS,
    SUMMARY_HEADERS,
    TASK_HEADERS,
)


def _text(cell: Cell | None) -> str:
    return cell.text if cell is not None else ""


def schedule(reader: Reader) -> None:
    for i, roles in list(reader.header_rows(SCHEDULE_HEADERS, ("task",))):
        if "start" not in roles and "end" not in roles:
            continue
        reader.done.add(i)
        reader.mark(*roles.values())
        first = min(c.col for c in roles.values())
        lead = reader.lead(reader.rows[i], roles["task"])
        last = max(c.end for c in roles.values())
        out: list[dict[str, Any]] = []
        for j in reader.table_rows(i, first, last, lead):
            row = reader.rows[j]
            reader.done.add(j)
            cells = {r: reader.column(row, c) for r, c in roles.items()}
            reader.mark(*cells.values())
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
                    reader.draft.doubt(("schedule", index, r),
                                       _("{text} is not a month (2019-01)")
                                       .format(text=repr(raw)))
                else:
                    item[r] = m
            if not item:
                continue
            if not task:
                reader.note_unplaced(row, reader.own_text(row),
                                     _("a schedule row without 实施内容 (task)"))
            out.append(item)
        if out and "schedule" not in reader.draft.data:
            reader.draft.data["schedule"] = out


def expenses(reader: Reader) -> None:
    for i, roles in list(reader.header_rows(EXPENSE_HEADERS, ("item", "amount"))):
        reader.done.add(i)
        reader.mark(*roles.values())
        first = min(c.col for c in roles.values())
        last = max(c.end for c in roles.values())
        lead = reader.lead(reader.rows[i], min(roles.values(), key=lambda c: c.col))
        lines: list[dict[str, Any]] = []
        printed: L.Amount | None = None
        total_row: Row | None = None
        for j in reader.table_rows(i, first, last, lead):
            row = reader.rows[j]
            reader.done.add(j)
            cells = {r: reader.column(row, c) for r, c in roles.items()}
            totals = [c for c in row.cells if L.norm(c.text) in ("合计", "小计", "总计")]
            if totals:
                reader.mark(*totals)
                amount_cell = cells.get("amount")
                if amount_cell is not None and L.norm(amount_cell.text) not in ("合计",
                                                                                "小计"):
                    reader.mark(amount_cell)
                    printed = reader.amount_of(amount_cell.text, row, "合计")
                    total_row = row
                continue
            reader.mark(*cells.values())
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
                money = reader.amount_of(values["amount"], row, "金额", (*path, "amount"))
                if money is not None:
                    line["amount"] = money.value
                    if money.approximate:
                        line["approximate"] = True
            if values.get("basis"):
                line["basis"] = values["basis"]
            if "item" not in line or "amount" not in line:
                reader.note_unplaced(row, reader.own_text(row),
                                     _("an expense line without 支出明细 (item)")
                                     if "item" not in line else
                                     _("an expense line without 金额"))
            lines.append(line)
        if not lines:
            continue
        expenses = reader.draft.data.setdefault("expenses", {})
        expenses["items"] = lines
        if printed is not None and total_row is not None:
            amounts = [ln.get("amount") for ln in lines]
            total = sum((a for a in amounts if a is not None), Decimal(0))
            approximate_lines = any(ln.get("approximate") for ln in lines)
            if printed.value != total or None in amounts:
                expenses["total"] = printed.value
                reader.draft.doubt(("expenses", "total"),
                                   _("the form's 合计; its lines add up to {total}")
                                   .format(total=amount_text(total)))
            if printed.approximate and not approximate_lines:
                expenses["total_approximate"] = True
        return


def tasks(reader: Reader) -> None:
    for i, roles in list(reader.header_rows(TASK_HEADERS, ("task",))):
        if len(roles) < 2:
            continue
        reader.done.add(i)
        reader.mark(*roles.values())
        first = min(c.col for c in roles.values())
        last = max(c.end for c in roles.values())
        lead = reader.lead(reader.rows[i], roles["task"])
        out = []
        for j in reader.table_rows(i, first, last, lead):
            row = reader.rows[j]
            reader.done.add(j)
            cells = {r: reader.column(row, c) for r, c in roles.items()}
            reader.mark(*cells.values())
            item = {r: L.clean(c.text) for r, c in cells.items()
                    if c is not None and L.clean(c.text) and not L.is_blank(c.text)}
            if item:
                if "task" not in item:
                    reader.note_unplaced(row, reader.own_text(row), _("a task without 事项"))
                out.append({k: item[k] for k in ("task", "responsible", "goal") if k in item})
        if out:
            reader.draft.data["key_tasks"] = out
        return


def derived_projects(reader: Reader) -> None:
    """附2-2's 项目支出情况: derived from the unit's projects, not imported."""
    for i, roles in list(reader.header_rows(PROJECTS_HEADERS, ("name", "total"))):
        reader.done.add(i)
        reader.mark(*roles.values())
        first = min(c.col for c in roles.values())
        last = max(c.end for c in roles.values())
        lines = []
        for j in reader.table_rows(i, first, last, None):
            reader.done.add(j)
            row = reader.rows[j]
            cells = [c for c in distinct(row.cells) if row.starts(c) and c.text.strip()]
            reader.mark(*cells)  # (said in the note, row by row)
            if cells:
                lines.append(_("{where}: “{text}”").format(
                    where=row.where, text=" | ".join(L.clean(c.text) for c in cells)))
        reader.draft.notes.append(_(
            "项目支出情况 ({count} projects) is derived from the unit's project declarations: "
            "import their own forms (附2-1)").format(count=len(lines)))
        reader.draft.notes.extend(lines)


def funding_by_year(reader: Reader) -> None:
    """附2-2's 总体资金情况: 当年金额 and the 近两年收支金额 of two earlier years."""
    for i, row in enumerate(reader.rows):
        current = next((c for c in row.cells if L.norm(c.text) == "当年金额"), None)
        if current is None or i in reader.done:
            continue
        reader.done.add(i)
        reader.mark(current)
        share = next((c for c in row.cells if L.norm(c.text) == "占比"), None)
        year_cols: list[tuple[Cell, int]] = []
        j = i + 1
        if j < len(reader.rows):
            for c in distinct(reader.rows[j].cells):
                m = re.fullmatch(r"(\d{4})年?", L.norm(c.text))
                if m:
                    year_cols.append((c, int(m.group(1))))
            if year_cols:
                reader.done.add(j)
                reader.mark(*(c for c, _y in year_cols))
                j += 1
        names = {"财政拨款": "fiscal", "其他资金": "other", "基本支出": "basic",
                 "项目支出": "project", "一般公共预算": "general_budget",
                 "政府性基金": "government_fund", "自有资金": "own"}
        figures: dict[int | None, dict[str, Decimal]] = {}
        totals: dict[int | None, dict[str, Decimal]] = {}
        group = "income"
        while j < len(reader.rows):
            r = reader.rows[j]
            keys = [(c, L.norm(c.text)) for c in distinct(r.cells)]
            label = next(((c, k) for c, k in keys if k in names or k == "合计"), None)
            if label is None:
                break
            for _cell, k in keys:
                if "支出构成" in k:
                    group = "spending"
                elif "收入构成" in k:
                    group = "income"
            reader.done.add(j)
            reader.mark(label[0])
            if share is not None:
                # 占比: each line's share of its 合计, derived from the amounts
                cell = reader.column(r, share)
                if cell is not None and cell is not label[0] and \
                        re.fullmatch(r"(\d+(\.\d+)?%)?", L.squeeze(cell.text)):
                    reader.mark(cell)
            for col, year in [(current, None), *[(c, y) for c, y in year_cols]]:
                cell = reader.column(r, col)
                if cell is None or cell is label[0]:
                    continue
                reader.mark(cell)
                money = reader.amount_of(cell.text, r, label[1])
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
                    reader.draft.put(("funding", k), v)
                if "income" in t and "spending" in t and t["income"] != t["spending"]:
                    reader.draft.doubt(("funding", "total"), _("支出构成 合计 says {total}")
                                       .format(total=amount_text(t["spending"])))
            elif values:
                history.append({"year": year, **values})
        if history:
            reader.draft.data.setdefault("funding", {})["history"] = history
        if year_cols:
            last = max(y for _c, y in year_cols)
            reader.draft.year_hint = (last + 1, _("its 近两年收支金额 are {years}").format(
                years="、".join(str(y) for _c, y in year_cols)))
        return


def numbered_goals(reader: Reader) -> None:
    """附2-2's 整体绩效总目标: 长期目标（截止 年） | 年度目标, then 目标1：… rows."""
    for i, row in enumerate(reader.rows):
        head = next((c for c in row.cells if L.norm(c.text).startswith("长期目标(截止")),
                    None)
        if head is None or i in reader.done:
            continue
        annual = next((c for c in row.cells if L.norm(c.text) == "年度目标"), None)
        reader.done.add(i)
        reader.mark(annual)
        until = re.fullmatch(r"长期目标\(截止(\d{4})?年?\)", L.norm(head.text))
        if until:
            reader.mark(head)  # (anything else in it is reported)
            if until[1]:
                reader.draft.put("goals.long_term_until", int(until[1]))
        long_term: list[str] = []
        yearly: list[str] = []
        for j in range(i + 1, len(reader.rows)):
            r = reader.rows[j]
            texts = [L.clean(c.text) for c in distinct(r.cells) if r.starts(c)
                     and c.text.strip()]
            if not texts or not all(re.match(r"^(目标\s*\d+\s*[:：]|…)", t) for t in texts):
                break
            reader.done.add(j)
            for target_list, col in ((long_term, head), (yearly, annual)):
                if col is None:
                    continue
                c = reader.column(r, col)
                if c is not None and r.starts(c):
                    reader.mark(c)
                    target_list.extend(L.items(c.text))
        if long_term:
            reader.draft.put("goals.long_term", long_term)
        if yearly:
            reader.draft.put("goals.annual", yearly)
        return


def fund_summary(reader: Reader) -> list[dict[str, Any]]:
    """附表2's lines: each fund (一、二…) and the directions under it (1、2…)."""
    out: list[dict[str, Any]] = []
    for i, roles in list(reader.header_rows(SUMMARY_HEADERS, ("name", "amount"))):
        reader.done.add(i)
        reader.mark(*roles.values())
        first = min(c.col for c in roles.values())
        last = max(c.end for c in roles.values())
        fund: dict[str, Any] | None = None
        for j in reader.table_rows(i, first, last, None):
            row = reader.rows[j]
            reader.done.add(j)
            cells = {r: reader.column(row, c) for r, c in roles.items()}
            reader.mark(*cells.values())  # (合计: the sum of the lines, derived)
            values = {r: L.clean(c.text) if c else "" for r, c in cells.items()}
            number = L.norm(values.get("number", ""))
            if number and not re.fullmatch(r"[一二三四五六七八九十\d]+|合计", number):
                reader.note_unplaced(row, values["number"], _("序号: not a number"))
            if L.norm(values.get("name", "")) == "合计" or number == "合计":
                reader.amount_of(values.get("amount", ""), row, "合计")
                for role in ("long_term", "annual"):
                    if values.get(role) and not L.is_blank(values[role]):
                        reader.note_unplaced(row, values[role])
                continue
            if not L.norm(values.get("name", "")):
                if any(v and not L.is_blank(v) for r, v in values.items()
                       if r != "number"):
                    reader.note_unplaced(row, reader.own_text(row), _("a line without 名称"))
                continue
            money = reader.amount_of(values.get("amount", ""), row, "金额")
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
