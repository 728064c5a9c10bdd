"""中期 against 年度: a multi-year project's long-term table and goals against its annual
ones. An indicator that is in both tables (the same name) is one measure over two
spans: it keeps its categories and its kind of bound, and a year's ceiling does not
exceed the whole period's."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from ..errors import Severity
from ..framework import is_cost
from ..i18n import N_, _
from ..model import Indicator, Partial
from ..targets import Target, TargetKind, normalise
from .indicators import MONEY_UNITS
from .registry import Hit, rule

W = Severity.WARNING

_CEILINGS = ("≤", "<")


def both_tables(d: Partial) -> Iterator[tuple[Indicator, Indicator]]:
    """Each indicator of the annual table with its namesake in the long-term one; a name
    written twice in a table has no one namesake (I013 says it is there twice)."""
    def once(term: str) -> dict[str, Indicator]:
        named = Counter(normalise(i.name.value) for i in d.indicators.get(term, ()))
        return {normalise(i.name.value): i for i in d.indicators.get(term, ())
                if named[normalise(i.name.value)] == 1}

    long_term, annual = once("long_term"), once("annual")
    for name, ind in annual.items():
        if name in long_term:
            yield long_term[name], ind


def both_quantities(d: Partial) -> Iterator[tuple[Indicator, Target, Indicator, Target]]:
    """The indicators of both tables (both_tables) whose two targets are quantities,
    with those targets."""
    for long_term, annual in both_tables(d):
        a, b = long_term.target, annual.target
        if a is not None and b is not None and a.kind == b.kind == TargetKind.QUANTITY:
            yield long_term, a, annual, b


def _category(ind: Indicator) -> str:
    return f"{ind.level1} › {ind.level2}"


@rule("I015", W, "term-category",
      N_("an indicator in both the long-term and the annual table sits under the same "
         "categories in both"))
def term_category(d: Partial) -> Iterator[Hit]:
    for long_term, annual in both_tables(d):
        if (long_term.level1, long_term.level2) == (annual.level1, annual.level2) or \
                (is_cost(long_term.level1, long_term.level2) and \
                is_cost(annual.level1, annual.level2)):
            continue  # (成本指标 as level 1 or level 2: one framework's and the other's)
        yield Hit((*annual.path, "name"), _(
            "{name} is under {annual} in the annual table but under {long_term} in the "
            "long-term one").format(name=annual.name.value, annual=_category(annual),
                                    long_term=_category(long_term)),
            hint=_("one measure sits under one category: move one of the two"))


@rule("I016", W, "term-bound",
      N_("an indicator in both tables is bounded (≤, ≥) in both or in neither"))
def term_bound(d: Partial) -> Iterator[Hit]:
    # (a unit in one table only is I005's or I006's: said on the target without it)
    for long_term, a, annual, b in both_quantities(d):
        if _bounded(a) == _bounded(b):
            continue
        (bare, said), (full, written) = ((annual, b), (long_term, a)) if _bounded(a) else \
            ((long_term, a), (annual, b))
        yield Hit((*bare.path, "target"), _(
            "{name}: {bare} has no bound (≤, ≥), while the {other} table says {full}").format(
            name=bare.name.value, bare=said.text, full=written.text,
            other=_("long-term") if full is long_term else _("annual")),
            hint=_("write it as in the other table: {full}").format(full=written.text))


def _bounded(t: Target) -> bool:
    """Whether a target is written with a bound: ≥, ≤, >, < (or 以上, 不超过 …)."""
    return t.operator in ("≥", "≤", ">", "<")


@rule("I017", W, "term-ceiling",
      N_("a year's ceiling or amount is not above the whole period's (中期)"))
def term_ceiling(d: Partial) -> Iterator[Hit]:
    for _long_term, a, annual, b in both_quantities(d):
        if a.unit != b.unit or not a.unit or a.number is None or b.number is None:
            continue
        ceilings = a.operator in _CEILINGS and b.operator in _CEILINGS
        money = a.unit in MONEY_UNITS and a.operator not in ("≥", ">") and \
            b.operator not in ("≥", ">")
        if (ceilings or money) and b.number > a.number:
            yield Hit((*annual.path, "target"), _(
                "{name}: the year's {annual} is more than the whole period's {long_term}")
                .format(name=annual.name.value, annual=b.text, long_term=a.text),
                hint=_("the long-term (中期) target covers every year: it is at least one "
                       "year's"))


@rule("W008", W, "term-goals",
      N_("a multi-year project's long-term goals (中期目标) are not its annual goals"))
def term_goals(d: Partial) -> Iterator[Hit]:
    goals = d.goals
    if goals is None or not goals.long_term or not goals.annual or not _multi_year(d):
        return
    if [normalise(t.value) for t in goals.long_term] == \
            [normalise(t.value) for t in goals.annual]:
        yield Hit((*goals.path, "long_term"), _(
            "the long-term goals are the annual goals, word for word, on a project of "
            "several years"), key=True,
            hint=_("say what the whole period achieves, and what this year does of it"))


def _multi_year(d: Partial) -> bool:
    """Whether the declaration spans more than its fiscal year: a period over several
    years, or a 项目总预算 above this year's amount."""
    period = d.period
    if period is not None and period.end.year > period.start.year:
        return True
    funding = d.funding.current if d.funding else None
    return bool(funding and funding.multi_year_total is not None and funding.total is not None
                and funding.multi_year_total > funding.total)
