"""Derived forms and tables: computed from a unit's declarations, never typed twice.

- the 专项资金绩效目标汇总表 (seed 001 附表2): each special fund with its amount and goals,
  its expenditure directions beneath it when it has several, numbered 一、二… and 1、2…,
  with the 合计;
- the department form's 项目支出情况 (seed 002 附2-2): the unit's project declarations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from .domain import FUND_KINDS
from .model import Declaration
from .targets import normalise

_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (up to 99)."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    return (("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else ""))


def ordered(declarations: Sequence[Declaration]) -> list[Declaration]:
    """The order of a unit's forms: by `order`, then by id."""
    return sorted(declarations, key=lambda d: (d.order is None, d.order or 0, d.id))


def projects(unit: Sequence[Declaration]) -> list[Declaration]:
    """The unit's project declarations, in the unit's order (附2-2 项目支出情况)."""
    return ordered([d for d in unit if d.kind == "project"])


@dataclass
class FundLine:
    """One line of the fund summary: a special fund, or a direction beneath it."""

    number: str
    name: str
    amount: Decimal | None
    long_term: list[str]
    annual: list[str]
    children: list[FundLine] = field(default_factory=list)
    sources: list[Declaration] = field(default_factory=list)


@dataclass
class FundSummary:
    lines: list[FundLine]
    declarations: list[Declaration]

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines if line.amount is not None), Decimal(0))


def has_funds(unit: Sequence[Declaration]) -> bool:
    return any(d.kind in FUND_KINDS for d in unit)


def _goals(d: Declaration) -> tuple[list[str], list[str]]:
    if not d.goals:
        return [], []
    return [g.value for g in d.goals.long_term], [g.value for g in d.goals.annual]


def fund_summary(unit: Sequence[Declaration]) -> FundSummary:
    """The summary of the unit's special funds, in the unit's order."""
    members = ordered([d for d in unit if d.kind in FUND_KINDS])
    funds: dict[str, list[Declaration]] = {}
    names: dict[str, str] = {}
    for d in members:
        name = d.special_fund.name.value if d.kind == "expenditure_direction" and d.special_fund \
            else d.name.value
        key = normalise(name)
        funds.setdefault(key, []).append(d)
        names.setdefault(key, name)
    lines = []
    for index, (key, ds) in enumerate(funds.items(), start=1):
        own = next((d for d in ds if d.kind == "special_fund"), None)
        directions = [d for d in ds if d.kind == "expenditure_direction"]
        single = directions[0] if len(directions) == 1 and own is None and \
            normalise(directions[0].name.value) == key else None
        goals_from = own or single
        long_term, annual = _goals(goals_from) if goals_from else ([], [])
        if own is not None and own.amount is not None:
            amount: Decimal | None = own.amount
        else:
            stated = [d.special_fund.amount for d in directions
                      if d.special_fund and d.special_fund.amount is not None]
            amounts = [d.amount for d in directions]
            amount = sum((a for a in amounts if a is not None), Decimal(0)) \
                if all(a is not None for a in amounts) else (stated[0] if stated else None)
        children = [] if single else [
            FundLine(str(i), d.name.value, d.amount, *_goals(d), sources=[d])
            for i, d in enumerate(directions, start=1)]
        lines.append(FundLine(chinese_number(index), names[key], amount, long_term, annual,
                              children, ds))
    return FundSummary(lines, members)
