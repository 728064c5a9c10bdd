"""Amounts add up: sources to the total, 基本 + 项目 to the total, 支出明细 to the amount."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal

from ..errors import Severity
from ..i18n import N_, _
from ..model import Amounts, Partial
from .registry import Hit, amount, field_shown, rule

E, W = Severity.ERROR, Severity.WARNING


def _all_amounts(d: Partial) -> Iterator[Amounts]:
    if d.funding:
        yield d.funding.current
        yield from d.funding.history


def _lost(d: Partial, a: Amounts, *fields: str) -> bool:
    """Whether one of these figures of `a` is written but did not validate."""
    return d.lost(*((*a.path, f) for f in fields))


_PARTS = ("general_budget", "government_fund")
_SOURCES = ("fiscal", *_PARTS, "own", "other")
_LINES = ("expenses", "items", "*")


def _sum(figures: Iterable[Decimal | None]) -> tuple[Decimal, bool]:
    """The sum of the figures written, and whether any was."""
    known = [x for x in figures if x is not None]
    return sum(known, Decimal(0)), bool(known)


def _adds_up(a: Amounts, stated: Decimal | None, figures: Iterable[Decimal | None],
             at: str, said: tuple[str, str], hint: str | None = None) -> Iterator[Hit]:
    """A figure its parts must add up to (资金总额, 财政拨款 …): a Hit at `at` when the
    parts written do not. `said` is the message with and without the year of a history
    line, each with {sum} and {stated} (and {year})."""
    total, any_part = _sum(figures)
    if stated is None or not any_part or total == stated:
        return
    message = _(said[0]) if a.year else _(said[1])
    yield Hit((*a.path, at), message.format(sum=amount(total), year=a.year,
                                           stated=amount(stated)),
              hint=_(hint) if hint else None)


@rule("A001", E, "sources-add-up",
      N_("资金来源 (财政拨款, 自有资金, 其他资金) add up to 资金总额; "
         "一般公共预算 + 政府性基金 to 财政拨款"))
def sources_add_up(d: Partial) -> Iterator[Hit]:
    for a in _all_amounts(d):
        if _lost(d, a, *_PARTS):
            continue  # 财政拨款 and every sum with it are unknown
        parts = (a.general_budget, a.government_fund)
        yield from _adds_up(a, a.fiscal, parts, "fiscal", (
            N_("一般公共预算 + 政府性基金 = {sum} 万元, but 财政拨款 for {year} is {stated} 万元"),
            N_("一般公共预算 + 政府性基金 = {sum} 万元, but 财政拨款 is {stated} 万元")))
        parts_sum, any_part = _sum(parts)
        fiscal = a.fiscal if a.fiscal is not None else (parts_sum if any_part else None)
        if not _lost(d, a, *_SOURCES):
            yield from _adds_up(a, a.total, (fiscal, a.own, a.other), "total", (
                N_("the sources add up to {sum} 万元, but 资金总额 for {year} is {stated} 万元"),
                N_("the sources add up to {sum} 万元, but 资金总额 is {stated} 万元")),
                hint=N_("财政拨款 + 自有资金 + 其他资金 must equal 资金总额"))
        if not _lost(d, a, "multi_year_fiscal", "multi_year_other"):
            said = N_("中期 财政拨款 + 其他资金 = {sum} 万元, but 中期资金总额 is {stated} 万元")
            yield from _adds_up(a, a.multi_year_total, (a.multi_year_fiscal, a.multi_year_other),
                                "multi_year_total", (said, said),
                                hint=N_("中期 财政拨款 + 其他资金 must equal 中期资金总额 (项目总预算)"))
        if a.prior_year_balance is not None and fiscal is not None \
                and a.prior_year_balance > fiscal and not _lost(d, a, "fiscal"):
            yield Hit((*a.path, "prior_year_balance"),
                      _("使用上年度财政拨款结余 {balance} 万元 is more than "
                        "the 财政拨款 {fiscal} 万元 it is part of").format(
                          balance=amount(a.prior_year_balance), fiscal=amount(fiscal)))


@rule("A002", E, "nature-adds-up", N_("基本支出 + 项目支出 add up to 资金总额"))
def nature_adds_up(d: Partial) -> Iterator[Hit]:
    for a in _all_amounts(d):
        if not _lost(d, a, "basic", "project"):
            yield from _adds_up(a, a.total, (a.basic, a.project),
                                "project" if a.project is not None else "basic", (
                N_("基本支出 + 项目支出 = {sum} 万元, but 资金总额 for {year} is {stated} 万元"),
                N_("基本支出 + 项目支出 = {sum} 万元, but 资金总额 is {stated} 万元")))


@rule("A003", E, "expenses-add-up", N_("支出明细 add up to the amount they explain (资金总额)"))
def expenses_add_up(d: Partial) -> Iterator[Hit]:
    if d.expenses and d.amount is not None and d.expenses.sum != d.amount \
            and not d.lost(_LINES):
        yield Hit(d.expenses.path,
                  _("the expense lines add up to {sum} 万元, "
                    "but the declaration asks for {asked} 万元").format(
                      sum=amount(d.expenses.sum), asked=amount(d.amount)), key=True)


@rule("A004", E, "stated-total",
      N_("a 合计 written on the form equals the sum of the expense lines"))
def stated_total(d: Partial) -> Iterator[Hit]:
    e = d.expenses
    if e and e.total is not None and e.total != e.sum and not d.lost(_LINES):
        yield Hit((*e.path, "total"),
                  _("合计 says {stated} 万元, but the expense lines add up to "
                    "{sum} 万元").format(stated=amount(e.total), sum=amount(e.sum)),
                  hint=_("leave {field} out: perfdecl computes it").format(
                      field=field_shown(d, *e.path, "total")))


@rule("A005", E, "multi-year-total",
      N_("项目总预算 (中期, the whole period) and its sources are never below this year's"))
def multi_year_total(d: Partial) -> Iterator[Hit]:
    a = d.funding.current if d.funding else None
    if a is None:
        return
    for field, annual, title in (("multi_year_total", a.total, "项目总预算"),
                                 ("multi_year_fiscal", a.fiscal, "中期财政拨款"),
                                 ("multi_year_other", a.other, "中期其他资金")):
        whole = getattr(a, field)
        if whole is not None and annual is not None and whole < annual:
            yield Hit((*a.path, field),
                      _("{title} {multi_year_total} 万元 is below this year's "
                        "{annual} 万元").format(title=title, multi_year_total=amount(whole),
                                                annual=amount(annual)))


@rule("A006", W, "approximate-amount", N_("amounts are exact, not 约 (approximately)"))
def approximate_amount(d: Partial) -> Iterator[Hit]:
    if not d.expenses:
        return
    for line in d.expenses.items:
        if line.approximate:
            yield Hit((*line.path, "approximate"),
                      _("expense {item} is given as about {amount} 万元").format(
                          item=line.item.value, amount=amount(line.amount)),
                      hint=_("a budget amount is exact: give the figure the 测算依据 computes"))
    # a 合计 of approximate lines is approximate because of them: said once, on the lines
    if d.expenses.total_approximate and not any(x.approximate for x in d.expenses.items):
        yield Hit((*d.expenses.path, "total_approximate"),
                  _("合计 is given as an approximate figure"))


@rule("A007", E, "amount-precision", N_("amounts in 万元 have at most four decimal places"))
def amount_precision(d: Partial) -> Iterator[Hit]:
    money: list[tuple[tuple[str | int, ...], Decimal | None]] = []
    for a in _all_amounts(d):
        money += [((*a.path, f), getattr(a, f)) for f in
                  ("total", "multi_year_total", "multi_year_fiscal", "multi_year_other", "fiscal",
                   "general_budget", "government_fund", "prior_year_balance", "own", "other",
                   "basic", "project")]
    if d.expenses:
        money += [((*line.path, "amount"), line.amount) for line in d.expenses.items]
        money.append(((*d.expenses.path, "total"), d.expenses.total))
    if d.special_fund:
        money.append(((*d.special_fund.path, "amount"), d.special_fund.amount))
    for path, value in money:
        # normalize(): 36.50000 is 36.5, written with zeros; the message names 36.5
        if value is not None and -value.normalize().as_tuple().exponent > 4:  # type: ignore[operator]
            yield Hit(path, _("{amount} has more than four decimal places (万元)").format(
                          amount=amount(value)),
                      hint=_("万元 with four decimals is exact to the yuan"))


@rule("A008", E, "amount-missing", N_("a declaration states the amount it asks for (资金总额)"))
def amount_missing(d: Partial) -> Iterator[Hit]:
    if d.lost(("funding", "total")):
        return  # written but invalid: the schema finding says why
    if d.funding is None:
        yield Hit(("funding",), _("no amount: {field} is missing").format(
            field=field_shown(d, "funding", "total")), missing=True)
    elif d.funding.current.total is None:
        yield Hit((*d.funding.path, "total"),
                  _("no amount for this year: {field} is missing").format(
                      field=field_shown(d, *d.funding.path, "total")),
                  missing=True)
