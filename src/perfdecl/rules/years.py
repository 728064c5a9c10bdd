"""The fiscal year agrees with the period, the schedule, the filing date, time-bound
targets and the history of previous years."""

from __future__ import annotations

from collections.abc import Iterator

from ..errors import Severity
from ..model import Declaration
from ..targets import TargetKind
from . import Hit, rule

E, W = Severity.ERROR, Severity.WARNING


@rule("T001", E, "period-year", "the period (起止时间, 实施期) includes the fiscal year")
def period_year(d: Declaration) -> Iterator[Hit]:
    p = d.period
    if p is None:
        return
    if p.end.last < p.start.first:
        yield Hit(p.path, f"the period ends ({p.end}) before it starts ({p.start})", key=True)
    elif not p.covers_year(d.fiscal_year):
        yield Hit(p.path, f"the period {p} does not include the fiscal year {d.fiscal_year}",
                  hint="one of them is wrong: `fiscal_year` or `period`", key=True)


@rule("T002", E, "schedule-year", "schedule rows lie within the period or the fiscal year")
def schedule_year(d: Declaration) -> Iterator[Hit]:
    first = d.period.start.first if d.period else (d.fiscal_year, 1)
    last = d.period.end.last if d.period else (d.fiscal_year, 12)
    span = str(d.period) if d.period else f"the fiscal year {d.fiscal_year}"
    for row in d.schedule:
        if row.start and row.end and row.end.last < row.start.first:
            yield Hit(row.end.path, f"the task ends ({row.end}) before it starts ({row.start})")
            continue
        for month in (row.start, row.end):
            if month and not (first <= month.first and month.last <= last):
                yield Hit(month.path, f"{month} lies outside {span}")


@rule("T003", E, "target-year", "time-bound annual targets (2023年底前) name the fiscal year")
def target_year(d: Declaration) -> Iterator[Hit]:
    for ind in d.indicators.get("annual", ()):
        t = ind.target
        if t and t.kind == TargetKind.DEADLINE and t.year != d.fiscal_year:
            yield Hit((*ind.path, "target"),
                      f"the target {t.text} names {t.year}, but the fiscal year is {d.fiscal_year}",
                      hint="copied from another year's form?")


@rule("T004", E, "filing-date", "the form is filed before its fiscal year ends")
def filing_date(d: Declaration) -> Iterator[Hit]:
    if d.filed_on is None:
        return
    year = int(d.filed_on.value[:4])
    if year > d.fiscal_year:
        yield Hit(d.filed_on.path,
                  f"filed on {d.filed_on.value}, after the fiscal year {d.fiscal_year} had ended",
                  hint="is `fiscal_year` right?")


@rule("T005", E, "history-years", "history values (近两年) belong to years before the fiscal year")
def history_years(d: Declaration) -> Iterator[Hit]:
    for ind in d.all_indicators():
        for h in ind.history:
            if h.year >= d.fiscal_year:
                yield Hit((*h.path, "year"),
                          f"history for {h.year} is not a year before {d.fiscal_year}")
    if d.funding:
        for a in d.funding.history:
            if a.year is not None and a.year >= d.fiscal_year:
                yield Hit((*a.path, "year"),
                          f"history for {a.year} is not a year before {d.fiscal_year}")
    if d.goals and d.goals.long_term_until is not None and d.goals.long_term_until < d.fiscal_year:
        yield Hit((*d.goals.path, "long_term_until"),
                  f"the long-term goals end in {d.goals.long_term_until}, "
                  f"before the fiscal year {d.fiscal_year}")
