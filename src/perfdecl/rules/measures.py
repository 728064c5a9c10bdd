"""Indicators that measure nothing: a reviewer sends back a 数量指标 that gives no number,
money filed as a quantity, a target met whatever happens, and a deadline of no year."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from ..errors import Severity
from ..framework import is_cost
from ..i18n import N_, _
from ..model import Partial
from ..targets import TargetKind, normalise
from .registry import Hit, rule

W = Severity.WARNING

_MONEY_UNITS = ("元", "万元", "亿元", "千元")


@rule("I018", W, "quantity-number", N_("a 数量指标 gives a number (≥1200人次, not 完成)"))
def quantity_number(d: Partial) -> Iterator[Hit]:
    for ind in d.all_indicators():
        t = ind.target
        if ind.level2 != "数量指标" or t is None or t.kind not in (TargetKind.TEXT,
                                                                 TargetKind.UNPARSED):
            continue
        if not any(ch.isdigit() for ch in normalise(t.text)):
            yield Hit((*ind.path, "target"), _(
                "{name} is a 数量指标, but {target} gives no number").format(
                name=ind.name.value, target=t.text),
                hint=_("say how many, with the unit: ≥1200人次, 12期"))


@rule("I019", W, "money-as-quantity",
      N_("money is a cost (成本指标), not a quantity (数量指标)"))
def money_as_quantity(d: Partial) -> Iterator[Hit]:
    for ind in d.all_indicators():
        t = ind.target
        if ind.level2 == "数量指标" and t is not None and t.is_quantitative and \
                t.unit in _MONEY_UNITS:
            yield Hit((*ind.path, "name"), _(
                "{name} {target} is an amount of money under 数量指标").format(
                name=ind.name.value, target=t.text),
                hint=_("move it under 成本指标 (经济成本指标), or count what the money buys"))


@rule("I020", W, "target-always-met",
      N_("a target can be missed (not ≥0, ≥0% or ≤100%)"))
def target_always_met(d: Partial) -> Iterator[Hit]:
    for ind in d.all_indicators():
        t = ind.target
        if t is None or t.kind != TargetKind.QUANTITY or t.number is None:
            continue
        floor = t.operator in ("≥",) and t.number == 0
        full = t.operator in ("≤",) and t.unit == "%" and t.number == Decimal(100)
        if floor or full:
            yield Hit((*ind.path, "target"), _(
                "{name}: {target} is met whatever happens").format(
                name=ind.name.value, target=t.text),
                hint=_("state the level to reach: ≥95%, ≥1200人"))


_RECURRING = re.compile(r"^(每|按月|按季|按年)")


@rule("T006", W, "deadline-year",
      N_("a deadline names its year (2023年12月底前, not 12月底前)"))
def deadline_year(d: Partial) -> Iterator[Hit]:
    for ind in d.indicators.get("annual", ()):
        t = ind.target
        if t is None or t.kind != TargetKind.DEADLINE or t.year is not None or \
                _RECURRING.match(normalise(t.text)):
            continue
        year = d.fiscal_year
        yield Hit((*ind.path, "target"), _("{name}: the deadline {target} names no year")
                  .format(name=ind.name.value, target=t.text),
                  hint=_("write the year: {year}年{target}").format(
                      year=year if year is not None else "20××", target=t.text))


COST_REQUIRED_FROM = 2022
"""The first budget year set under 财预〔2021〕101号, whose framework makes 成本指标 a core
level-1 category of every project's indicators."""


@rule("I021", W, "cost-present",
      N_("from the 2022 budget (财预〔2021〕101号), a project's annual indicators include a "
         "cost (成本指标)"))
def cost_present(d: Partial) -> Iterator[Hit]:
    annual = d.indicators.get("annual", ())
    if d.kind not in ("project", "special_fund", "expenditure_direction") or not annual or \
            d.fiscal_year is None or d.fiscal_year < COST_REQUIRED_FROM or \
            any(is_cost(i.level1, i.level2) for i in annual) or \
            d.lost(("indicators", "annual")):
        return
    yield Hit(("indicators", "annual"), _(
        "no cost indicator (成本指标) in the annual table: the framework of {year} asks for "
        "one").format(year=d.fiscal_year), key=True,
        hint=_("add 成本指标 › 经济成本指标, e.g. 补助标准 ≤100元/人 or 项目总成本 ≤12万元"))
