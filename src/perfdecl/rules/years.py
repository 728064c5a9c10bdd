"""The fiscal year agrees with the period, the schedule, the filing date, time-bound
targets and the history of previous years. Without a fiscal year that validated, only
what needs no year is checked (a period or a task that ends before it starts)."""

from __future__ import annotations

from collections.abc import Iterator

from ..errors import Severity
from ..i18n import N_, _
from ..model import Partial
from ..targets import TargetKind
from .registry import Hit, field_shown, rule

E, W = Severity.ERROR, Severity.WARNING


@rule("T001", E, "period-year", N_("the period (起止时间, 实施期) includes the fiscal year"))
def period_year(d: Partial) -> Iterator[Hit]:
    p = d.period
    if p is None:
        return
    if p.end.last < p.start.first:
        yield Hit(p.path, _("the period ends ({end}) before it starts ({start})")
                  .format(end=p.end, start=p.start), key=True)
    elif d.fiscal_year is not None and not p.covers_year(d.fiscal_year):
        filed = d.filed_on.value if d.filed_on else None
        hint = _("the period and the filing date ({date}) both say another year: is "
                 "{year} right?").format(date=filed, year=field_shown(d, "fiscal_year")) \
            if filed and int(filed[:4]) > d.fiscal_year and p.covers_year(int(filed[:4])) \
            else _("one of them is wrong: {year} or {period}").format(
                year=field_shown(d, "fiscal_year"), period=field_shown(d, *p.path))
        yield Hit(p.path, _("the period {period} does not include the fiscal year {year}")
                  .format(period=p, year=d.fiscal_year), hint=hint, key=True)


@rule("T002", E, "schedule-year", N_("schedule rows lie within the period or the fiscal year"))
def schedule_year(d: Partial) -> Iterator[Hit]:
    bounds: tuple[tuple[int, int], tuple[int, int]] | None = None
    if d.period:
        bounds = (d.period.start.first, d.period.end.last)
    elif d.fiscal_year is not None and not d.lost(("period",)):
        bounds = ((d.fiscal_year, 1), (d.fiscal_year, 12))
    outside = (_("{month} lies outside {period}") if d.period
               else _("{month} lies outside the fiscal year {year}"))
    for row in d.schedule:
        if row.start and row.end and row.end.last < row.start.first:
            yield Hit(row.end.path, _("the task ends ({end}) before it starts ({start})")
                      .format(end=row.end, start=row.start))
            continue
        for month in (row.start, row.end):
            if month and bounds and not (bounds[0] <= month.first and month.last <= bounds[1]):
                yield Hit(month.path, outside.format(month=month, period=d.period,
                                                     year=d.fiscal_year))


@rule("T003", E, "target-year",
      N_("time-bound annual targets (2023年底前) name the fiscal year"))
def target_year(d: Partial) -> Iterator[Hit]:
    for ind in d.indicators.get("annual", ()):
        t = ind.target
        if t and t.kind == TargetKind.DEADLINE and t.year is not None \
                and d.fiscal_year is not None and t.year != d.fiscal_year:
            yield Hit((*ind.path, "target"),
                      _("the target {target} names {target_year}, "
                        "but the fiscal year is {year}").format(
                          target=t.text, target_year=t.year, year=d.fiscal_year),
                      hint=_("copied from another year's form?"))


@rule("T004", E, "filing-date", N_("the form is filed before its fiscal year ends"))
def filing_date(d: Partial) -> Iterator[Hit]:
    if d.filed_on is None or d.fiscal_year is None:
        return
    year = int(d.filed_on.value[:4])
    if d.period is not None and not d.period.covers_year(d.fiscal_year) and \
            d.period.covers_year(year):
        return  # the period says that year too: T001 says both, once
    if year > d.fiscal_year:
        yield Hit(d.filed_on.path,
                  _("filed on {date}, after the fiscal year {year} had ended").format(
                      date=d.filed_on.value, year=d.fiscal_year),
                  hint=_("is {year} right?").format(year=field_shown(d, "fiscal_year")))


@rule("T005", E, "history-years",
      N_("history values (近两年) belong to years before the fiscal year"))
def history_years(d: Partial) -> Iterator[Hit]:
    if d.fiscal_year is None:
        return
    for ind in d.all_indicators():
        for h in ind.history:
            if h.year >= d.fiscal_year:
                yield Hit((*h.path, "year"),
                          _("history for {history_year} is not a year before {year}").format(
                              history_year=h.year, year=d.fiscal_year))
    if d.funding:
        for a in d.funding.history:
            if a.year is not None and a.year >= d.fiscal_year:
                yield Hit((*a.path, "year"),
                          _("history for {history_year} is not a year before {year}").format(
                              history_year=a.year, year=d.fiscal_year))
    if d.goals and d.goals.long_term_from is not None and d.goals.long_term_from > d.fiscal_year:
        yield Hit((*d.goals.path, "long_term_from"),
                  _("the long-term goals begin in {start_year}, "
                    "after the fiscal year {year}").format(
                      start_year=d.goals.long_term_from, year=d.fiscal_year))
    if d.goals and d.goals.long_term_until is not None and d.goals.long_term_until < d.fiscal_year:
        yield Hit((*d.goals.path, "long_term_until"),
                  _("the long-term goals end in {end_year}, "
                    "before the fiscal year {year}").format(
                      end_year=d.goals.long_term_until, year=d.fiscal_year))
