"""Across declarations: what one declaration states about another must agree, ids are
unique in a year, and text is not copied from a sibling declaration."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path

from ..errors import Severity
from ..model import Declaration, Text
from ..targets import normalise
from . import Hit, amount, rule, set_rule

E, W = Severity.ERROR, Severity.WARNING


def _by_unit(declarations: Iterable[Declaration]) -> dict[tuple[int, str], list[Declaration]]:
    groups: dict[tuple[int, str], list[Declaration]] = defaultdict(list)
    for d in declarations:
        groups[(d.fiscal_year, d.unit_id)].append(d)
    return groups


def _ordered(ds: Iterable[Declaration]) -> list[Declaration]:
    return sorted(ds, key=lambda d: (d.order is None, d.order or 0, d.id, str(d.file)))


@set_rule("X001", E, "unique-id", "an id is used once per fiscal year")
def unique_id(declarations: list[Declaration]) -> Iterator[Hit]:
    groups: dict[tuple[int, str], list[Declaration]] = defaultdict(list)
    for d in declarations:
        groups[(d.fiscal_year, d.id)].append(d)
    for (year, id_), ds in groups.items():
        if len(ds) > 1:
            for d in ds:
                others = ", ".join(str(o.file) for o in ds if o is not d)
                yield Hit(("id",), f"id {id_} is used twice in {year}: also in {others}",
                          declaration=d, hint="ids stay unique in a year: the diff matches by id")


def _copyable(d: Declaration) -> Iterator[tuple[str, Text]]:
    for row in d.schedule:
        if row.task:
            yield "schedule task", row.task
    if d.expenses:
        for line in d.expenses.items:
            if line.summary:
                yield "expense", line.summary
            yield "expense", line.item
            if line.basis:
                yield "测算依据", line.basis
    if d.goals:
        for goal in (*d.goals.long_term, *d.goals.annual):
            yield "goal", goal


@set_rule("X002", W, "not-copied",
          "schedule rows, expense lines and goals are not copied from another declaration of "
          "the unit")
def not_copied(declarations: list[Declaration]) -> Iterator[Hit]:
    groups: dict[tuple[int, str, str], list[Declaration]] = defaultdict(list)
    for d in declarations:
        groups[(d.fiscal_year, d.unit_id, d.kind)].append(d)
    for ds in groups.values():
        seen: dict[str, list[tuple[Declaration, str, Text]]] = defaultdict(list)
        for d in _ordered(ds):
            for what, text in _copyable(d):
                key = normalise(text.value)
                if len(key) >= 4:
                    seen[key].append((d, what, text))
        for key, places in seen.items():
            owners = {id(d) for d, _, _ in places}
            names = {normalise(d.name.value) for d, _, _ in places}
            if len(owners) < 2 or len(names) < 2:
                continue  # one declaration, or the same undertaking on two forms
            origin = next((d for d, _, _ in places if key in normalise(d.name.value)),
                          places[0][0])
            reported: set[int] = set()
            for d, what, text in places:
                if d is origin or id(d) in reported:
                    continue
                reported.add(id(d))
                yield Hit(text.path, f"{what} {text.value} is the same as in {origin.file}",
                          declaration=d, hint="copied from another declaration? write this one's own")


def _sum(values: list[Decimal | None]) -> Decimal | None:
    """The sum of the amounts, or None when one of them is unknown."""
    known = [v for v in values if v is not None]
    return sum(known, Decimal(0)) if len(known) == len(values) else None


def _fund_key(d: Declaration) -> str:
    return normalise(d.special_fund.name.value) if d.special_fund else normalise(d.name.value)


@set_rule("X003", E, "special-fund-amount",
          "the special fund's amount stated by its expenditure directions agrees with theirs "
          "and with the special fund's own declaration")
def special_fund_amount(declarations: list[Declaration]) -> Iterator[Hit]:
    for ds in _by_unit(declarations).values():
        directions: dict[str, list[Declaration]] = defaultdict(list)
        for d in ds:
            if d.kind == "expenditure_direction" and d.special_fund:
                directions[_fund_key(d)].append(d)
        funds = {normalise(d.name.value): d for d in ds if d.kind == "special_fund"}
        for key, members in directions.items():
            amounts = [m.amount for m in members]
            total = sum((a for a in amounts if a is not None), Decimal(0))
            complete = all(a is not None for a in amounts)
            parts = " + ".join(f"{m.id} {amount(m.amount)}" for m in _ordered(members))
            for m in members:
                stated = m.special_fund.amount if m.special_fund else None
                if stated is None or not complete or stated == total:
                    continue
                yield Hit((*m.special_fund.path, "amount"),  # type: ignore[union-attr]
                          f"所属专项 is stated as {amount(stated)} 万元, but its expenditure "
                          f"directions add up to {amount(total)} 万元 ({parts})", declaration=m)
            fund = funds.get(key)
            if fund is not None and fund.amount is not None and complete and fund.amount != total:
                yield Hit(("funding", "total"),
                          f"资金总额 is {amount(fund.amount)} 万元, but the special fund's "
                          f"expenditure directions add up to {amount(total)} 万元 ({parts})",
                          declaration=fund)


@set_rule("X004", W, "same-supervisor",
          "the unit's declarations name the same supervising department (主管部门)")
def same_supervisor(declarations: list[Declaration]) -> Iterator[Hit]:
    for ds in _by_unit(declarations).values():
        named = [d for d in ds if d.supervising_department]
        counts = Counter(normalise(d.supervising_department.value) for d in named)  # type: ignore[union-attr]
        if len(counts) < 2:
            continue
        usual, _ = counts.most_common(1)[0]
        for d in named:
            dept = d.supervising_department
            assert dept is not None
            if normalise(dept.value) != usual:
                yield Hit(dept.path, f"主管部门 is {dept.value}, but the unit's other "
                          f"declarations say {usual}", declaration=d)


@set_rule("X005", W, "department-projects",
          "a department's 项目支出 equals the unit's project (or special fund) declarations")
def department_projects(declarations: list[Declaration]) -> Iterator[Hit]:
    for ds in _by_unit(declarations).values():
        for dept in (d for d in ds if d.kind == "department"):
            stated = dept.funding.current.project if dept.funding else None
            if stated is None:
                continue
            projects = [d for d in ds if d.kind == "project"]
            if projects:
                figures = [p.amount for p in projects]
                what = "project declarations"
            else:
                per_fund: dict[str, Decimal | None] = {}
                for d in ds:
                    if d.kind == "special_fund":
                        per_fund[normalise(d.name.value)] = d.amount
                for d in ds:
                    if d.kind == "expenditure_direction" and _fund_key(d) not in per_fund:
                        members = [m for m in ds if m.kind == "expenditure_direction"
                                   and _fund_key(m) == _fund_key(d)]
                        values = [m.amount for m in members]
                        per_fund[_fund_key(d)] = _sum(values)
                figures = list(per_fund.values())
                what = "special funds"
            total = _sum(figures) if figures else None
            if total is not None and total != stated:
                yield Hit(("funding", "project"),
                          f"项目支出 is {amount(stated)} 万元, but the unit's {len(figures)} {what} "
                          f"add up to {amount(total)} 万元", declaration=dept)


@rule("P001", W, "file-location", "a file lives at <fiscal_year>/<unit.id>/<id>.yaml")
def file_location(d: Declaration) -> Iterator[Hit]:
    file = Path(d.file)
    if file.stem != d.id:
        yield Hit(("id",), f"the id is {d.id}, but the file is named {file.name}",
                  hint=f"name the file {d.id}{file.suffix}")
    unit_dir, year_dir = file.parent, file.parent.parent
    if year_dir.name.isdigit() and len(year_dir.name) == 4:
        if year_dir.name != str(d.fiscal_year):
            yield Hit(("fiscal_year",),
                      f"the fiscal year is {d.fiscal_year}, but the file is in {year_dir.name}/")
        if unit_dir.name != d.unit_id:
            yield Hit(("unit", "id"),
                      f"the unit is {d.unit_id}, but the file is in {unit_dir.name}/")
