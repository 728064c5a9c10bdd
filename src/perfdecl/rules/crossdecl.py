"""Across declarations: what one declaration states about another must agree, ids are
unique in a year, and text is not copied from a sibling declaration.

A declaration is placed in its unit by its fiscal year and unit id. One whose year or
unit did not validate, or a file beside them that could not be read at all, may belong
to the units of its folder: their sums and majorities are then unknown, and not checked.
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path

from ..domain import FUND_KINDS, KINDS
from ..errors import Severity
from ..i18n import N_, _
from ..model import Partial, Text
from ..targets import normalise
from .registry import Batch, Hit, amount, field_shown, form_name, rule, set_rule

E, W = Severity.ERROR, Severity.WARNING


Unit = tuple[int, str]
"""A unit in a fiscal year: the declarations that sum up together."""


def _by_unit(declarations: Iterable[Partial]) -> dict[Unit, list[Partial]]:
    groups: dict[Unit, list[Partial]] = defaultdict(list)
    for d in declarations:
        if d.fiscal_year is not None and d.unit_id is not None:
            groups[(d.fiscal_year, d.unit_id)].append(d)
    return groups


def _unsure(batch: Batch, kinds: Iterable[str]) -> set[Unit]:
    """The units that may hold more declarations of these kinds than are known: those of
    the folder of a file that could not be read, or of a declaration of these kinds whose
    year or unit did not validate (as far as what did validate of it agrees)."""
    kinds = set(kinds)
    in_folder: dict[str, set[Unit]] = defaultdict(set)
    for unit, ds in _by_unit(batch.declarations).items():
        for d in ds:
            in_folder[_folder(d.file)].add(unit)
    out: set[Unit] = set()
    for file in batch.unread:
        out |= in_folder[_folder(file)]
    for d in batch.declarations:
        if d.kind in kinds and (d.fiscal_year is None or d.unit_id is None):
            out |= {(year, unit) for year, unit in in_folder[_folder(d.file)]
                    if d.fiscal_year in (None, year) and d.unit_id in (None, unit)}
    return out


def _folder(file: Path) -> str:
    return os.path.normpath(file.parent)


def _ordered(ds: Iterable[Partial]) -> list[Partial]:
    return sorted(ds, key=lambda d: (d.order is None, d.order or 0, d.id or "", str(d.file)))


@set_rule("X001", E, "unique-id", N_("an id is used once per fiscal year"))
def unique_id(batch: Batch) -> Iterator[Hit]:
    groups: dict[tuple[int, str], list[Partial]] = defaultdict(list)
    for d in batch.declarations:
        if d.fiscal_year is not None and d.id is not None:
            groups[(d.fiscal_year, d.id)].append(d)
    for (year, id_), ds in groups.items():
        if len(ds) > 1:
            for d in ds:
                others = [o for o in ds if o is not d]
                yield Hit(("id",), _("{field} {id} is used twice in {year}: also by {forms}")
                          .format(field=field_shown(d, "id"), id=id_, year=year,
                                  forms="; ".join(form_name(o) for o in others)),
                          declaration=d, related=tuple(o.file for o in others),
                          hint=_("ids stay unique in a year: the diff matches by id"))


_SAME_TASK = N_("schedule task {text} is the same as on {form} ({year})")
_SAME_EXPENSE = N_("expense {text} is the same as on {form} ({year})")
_SAME_BASIS = N_("测算依据 {text} is the same as on {form} ({year})")
_SAME_GOAL = N_("goal {text} is the same as on {form} ({year})")


def _copyable(d: Partial) -> Iterator[tuple[str, Text]]:
    """Each text that may be copied, with the message (untranslated) for a copy of it."""
    for row in d.schedule:
        if row.task:
            yield _SAME_TASK, row.task
    if d.expenses:
        for line in d.expenses.items:
            if line.summary:
                yield _SAME_EXPENSE, line.summary
            yield _SAME_EXPENSE, line.item
            if line.basis:
                yield _SAME_BASIS, line.basis
    if d.goals:
        for goal in (*d.goals.long_term, *d.goals.annual):
            yield _SAME_GOAL, goal


@set_rule("X002", W, "not-copied",
          N_("schedule rows, expense lines and goals are not copied from another declaration "
             "of the unit"))
def not_copied(batch: Batch) -> Iterator[Hit]:
    groups: dict[tuple[int, str, str], list[Partial]] = defaultdict(list)
    for (year, unit), ds in _by_unit(batch.declarations).items():
        for d in ds:
            if d.name is not None:  # a name tells two undertakings from one on two forms
                for other in {year, *_doubted_years(d)}:
                    groups[(other, unit, d.kind)].append(d)
    said: set[tuple[int, str]] = set()  # (a declaration in two years' groups: once)
    for ds in groups.values():
        seen: dict[str, list[tuple[Partial, str, Text]]] = defaultdict(list)
        for d in _ordered(ds):
            for what, text in _copyable(d):
                key = normalise(text.value)
                if len(key) >= 4:
                    seen[key].append((d, what, text))
        for key, places in seen.items():
            owners = {id(d) for d, _what, _text in places}
            names = {normalise(d.name.value) for d, _what, _text in places if d.name}
            if len(owners) < 2 or len(names) < 2:
                continue  # one declaration, or the same undertaking on two forms
            origin = next((d for d, _what, _text in places
                           if d.name and key in normalise(d.name.value)), None) or \
                next((d for d, _what, _text in places if not _doubted_years(d)), places[0][0])
            reported: set[int] = set()
            for d, what, text in places:
                if d is origin or id(d) in reported or (id(d), key) in said:
                    continue
                reported.add(id(d))
                said.add((id(d), key))
                yield Hit(text.path, _(what).format(text=text.value, form=form_name(origin),
                                                    year=origin.fiscal_year),
                          declaration=d, related=(origin.file,),
                          hint=_("copied from another declaration? write this one's own"))


def _doubted_years(d: Partial) -> set[int]:
    """The years a declaration may belong to when its own is in doubt: those of its period
    when the period does not include its fiscal year (T001: the 缴费补贴 form filed under
    2018 whose period and filing date say 2019)."""
    p = d.period
    if p is None or d.fiscal_year is None or p.covers_year(d.fiscal_year) or \
            p.end.year - p.start.year > 10:
        return set()
    return set(range(p.start.year, p.end.year + 1))


def _sum(values: list[Decimal | None]) -> Decimal | None:
    """The sum of the amounts, or None when one of them is unknown."""
    known = [v for v in values if v is not None]
    return sum(known, Decimal(0)) if len(known) == len(values) else None


def _fund_key(d: Partial) -> str | None:
    """The special fund a declaration belongs to: a special fund's own name, an
    expenditure direction's 所属专项 (None when that did not validate)."""
    if d.kind == "expenditure_direction":
        return normalise(d.special_fund.name.value) if d.special_fund else None
    return normalise(d.name.value) if d.name else None


def _funds_unknown(ds: list[Partial]) -> bool:
    """Whether a special fund or expenditure direction of the unit cannot be told which
    special fund it is (or belongs to)."""
    return any(d.kind in FUND_KINDS and _fund_key(d) is None for d in ds)


@set_rule("X003", E, "special-fund-amount",
          N_("the special fund's amount stated by its expenditure directions agrees with theirs "
             "and with the special fund's own declaration"))
def special_fund_amount(batch: Batch) -> Iterator[Hit]:
    unsure = _unsure(batch, FUND_KINDS)
    for unit, ds in _by_unit(batch.declarations).items():
        if unit in unsure or _funds_unknown(ds):
            continue
        directions: dict[str, list[Partial]] = defaultdict(list)
        funds: dict[str, Partial] = {}
        for d in ds:
            key = _fund_key(d)
            if d.kind == "expenditure_direction" and key is not None:
                directions[key].append(d)
            elif d.kind == "special_fund" and key is not None:
                funds[key] = d
        for key, members in directions.items():
            amounts = [m.amount for m in members]
            total = sum((a for a in amounts if a is not None), Decimal(0))
            complete = all(a is not None for a in amounts)
            parts = " + ".join(f"{m.name.value if m.name else m.id} {amount(m.amount)}"
                               for m in _ordered(members))
            for m in members:
                stated = m.special_fund.amount if m.special_fund else None
                if stated is None or not complete or stated == total:
                    continue
                yield Hit((*m.special_fund.path, "amount"),  # type: ignore[union-attr]
                          _("所属专项 is stated as {stated} 万元, but its expenditure "
                            "directions add up to {total} 万元 ({parts})").format(
                              stated=amount(stated), total=amount(total), parts=parts),
                          declaration=m)
            fund = funds.get(key)
            if fund is not None and fund.amount is not None and complete \
                    and fund.amount != total:
                yield Hit(("funding", "total"),
                          _("资金总额 is {stated} 万元, but the special fund's "
                            "expenditure directions add up to {total} 万元 ({parts})").format(
                              stated=amount(fund.amount), total=amount(total), parts=parts),
                          declaration=fund)


@set_rule("X004", W, "same-supervisor",
          N_("the unit's declarations name the same supervising department (主管部门)"))
def same_supervisor(batch: Batch) -> Iterator[Hit]:
    unsure = _unsure(batch, KINDS)
    for unit, ds in _by_unit(batch.declarations).items():
        if unit in unsure or any(d.lost(("supervising_department",)) for d in ds):
            continue  # the majority is unknown
        named = [d for d in ds if d.supervising_department]
        counts = Counter(normalise(d.supervising_department.value) for d in named)  # type: ignore[union-attr]
        if len(counts) < 2:
            continue
        usual = counts.most_common(1)[0][0]  # not `_`: that is the translation
        for d in named:
            dept = d.supervising_department
            assert dept is not None
            if normalise(dept.value) != usual:
                yield Hit(dept.path,
                          _("主管部门 is {department}, but the unit's other declarations "
                            "say {usual}").format(department=dept.value, usual=usual),
                          declaration=d, hint=_official(normalise(dept.value), usual))


def _official(one: str, other: str) -> str:
    """Which of two names of a department to write: the full one, where one name is the
    other with its locality or its level before it (阳新县人力资源和社会保障局 and
    人力资源和社会保障局), is the official name, as the department's seal reads."""
    full, short = (one, other) if len(one) >= len(other) else (other, one)
    if short in full:
        return _("{full} is the official name ({short} is it shortened): write it on every "
                 "declaration of the unit").format(full=full, short=short)
    return _("write the department's official name, as its seal reads, the same on every "
             "declaration of the unit")


@set_rule("X005", W, "department-projects",
          N_("a department's 项目支出 equals the unit's project (or special fund) declarations"))
def department_projects(batch: Batch) -> Iterator[Hit]:
    unsure = _unsure(batch, ("project", *FUND_KINDS))
    for unit, ds in _by_unit(batch.declarations).items():
        if unit in unsure:
            continue
        for dept in (d for d in ds if d.kind == "department"):
            stated = dept.funding.current.project if dept.funding else None
            if stated is None:
                continue
            projects = [d for d in ds if d.kind == "project"]
            if projects:
                figures = [p.amount for p in projects]
                # TRANSLATORS: English says "declarations" whatever {count} is, even 1.
                mismatch = _("项目支出 is {stated} 万元, but the unit's {count} project "
                             "declarations add up to {total} 万元")
            elif _funds_unknown(ds):
                continue
            else:
                per_fund: dict[str | None, Decimal | None] = {}
                for d in ds:
                    if d.kind == "special_fund":
                        per_fund[_fund_key(d)] = d.amount
                for d in ds:
                    if d.kind == "expenditure_direction" and _fund_key(d) not in per_fund:
                        members = [m for m in ds if m.kind == "expenditure_direction"
                                   and _fund_key(m) == _fund_key(d)]
                        per_fund[_fund_key(d)] = _sum([m.amount for m in members])
                figures = list(per_fund.values())
                mismatch = _("项目支出 is {stated} 万元, but the unit's {count} special funds "
                             "add up to {total} 万元")
            total = _sum(figures) if figures else None
            if total is not None and total != stated:
                yield Hit(("funding", "project"),
                          mismatch.format(stated=amount(stated), count=len(figures),
                                          total=amount(total)), declaration=dept)


@rule("P001", W, "file-location", N_("a file lives at <fiscal_year>/<unit.id>/<id>.yaml"))
def file_location(d: Partial) -> Iterator[Hit]:
    file = Path(d.file)
    if d.id is not None and file.stem != d.id:
        yield Hit(("id",), _("the id is {id}, but the file is named {file_name}")
                  .format(id=d.id, file_name=file.name),
                  hint=_("name the file {file_name}").format(file_name=f"{d.id}{file.suffix}"))
    unit_dir, year_dir = file.parent, file.parent.parent
    if year_dir.name.isdigit() and len(year_dir.name) == 4:
        if d.fiscal_year is not None and year_dir.name != str(d.fiscal_year):
            yield Hit(("fiscal_year",),
                      _("the fiscal year is {year}, but the file is in {folder}/").format(
                          year=d.fiscal_year, folder=year_dir.name))
        if d.unit_id is not None and unit_dir.name != d.unit_id:
            yield Hit(("unit", "id"),
                      _("the unit is {unit}, but the file is in {folder}/").format(
                          unit=d.unit_id, folder=unit_dir.name))


@set_rule("X006", W, "same-name",
          N_("two declarations of a kind in one unit and year have different names"))
def same_name(batch: Batch) -> Iterator[Hit]:
    """Two projects (or funds, directions) of one unit in one year under one name: most
    often a form copied and not renamed; it can be two of that name, hence a warning."""
    groups: dict[tuple[int, str, str, str], list[Partial]] = defaultdict(list)
    for (year, unit), ds in _by_unit(batch.declarations).items():
        for d in ds:
            if d.name is not None and d.id is not None:
                groups[(year, unit, d.kind, normalise(d.name.value))].append(d)
    for ds in groups.values():
        ordered = _ordered(ds)
        for d in ordered[1:]:
            assert d.name is not None
            if d.id == ordered[0].id:
                continue  # one declaration in two files: X001 says so
            yield Hit(("name",), _("{name} is also the name of another declaration of the "
                                   "unit in {year}: {field} {id}").format(
                                       name=d.name.value, year=d.fiscal_year,
                                       field=field_shown(ordered[0], "id"), id=ordered[0].id),
                      declaration=d, related=(ordered[0].file,),
                      hint=_("if they are two undertakings, name what sets them apart; "
                             "if one, keep one declaration"))
