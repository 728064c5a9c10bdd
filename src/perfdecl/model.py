"""Model: typed declarations built from schema-valid data.

Every part remembers its data path, so a rule can point a finding at the exact line
of the YAML file it came from. Money is `Decimal` in 万元; targets are parsed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from .errors import DataPath
from .load import Document
from .targets import Target, parse


@dataclass(frozen=True)
class Text:
    """A piece of text with the place it was written."""

    value: str
    path: DataPath


@dataclass(frozen=True)
class Month:
    """A year, or a year and month (2019, 2019-01)."""

    year: int
    month: int | None
    path: DataPath

    @classmethod
    def parse(cls, text: str, path: DataPath) -> Month:
        year, _, month = text.partition("-")
        return cls(int(year), int(month) if month else None, path)

    @property
    def first(self) -> tuple[int, int]:
        return (self.year, self.month or 1)

    @property
    def last(self) -> tuple[int, int]:
        return (self.year, self.month or 12)

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}" if self.month else str(self.year)


@dataclass(frozen=True)
class Period:
    start: Month
    end: Month
    path: DataPath

    def covers_year(self, year: int) -> bool:
        return self.start.year <= year <= self.end.year

    def __str__(self) -> str:
        return f"{self.start}–{self.end}"


@dataclass(frozen=True)
class Amounts:
    """Money by source and by nature (万元), for one year."""

    path: DataPath
    total: Decimal | None = None
    multi_year_total: Decimal | None = None
    multi_year_fiscal: Decimal | None = None
    multi_year_other: Decimal | None = None
    fiscal: Decimal | None = None
    general_budget: Decimal | None = None
    government_fund: Decimal | None = None
    prior_year_balance: Decimal | None = None
    own: Decimal | None = None
    other: Decimal | None = None
    basic: Decimal | None = None
    project: Decimal | None = None
    year: int | None = None


@dataclass(frozen=True)
class Funding:
    current: Amounts
    history: tuple[Amounts, ...]
    path: DataPath


@dataclass(frozen=True)
class ScheduleRow:
    """实施进度计划: one task with its planned start and end."""

    task: Text | None
    start: Month | None
    end: Month | None
    path: DataPath


@dataclass(frozen=True)
class ExpenseLine:
    """支出明细: one expense line and its 测算依据."""

    item: Text
    amount: Decimal
    path: DataPath
    summary: Text | None = None
    approximate: bool = False
    basis: Text | None = None


@dataclass(frozen=True)
class Expenses:
    items: tuple[ExpenseLine, ...]
    path: DataPath
    total: Decimal | None = None
    total_approximate: bool = False
    basis: Text | None = None

    @property
    def sum(self) -> Decimal:
        return sum((line.amount for line in self.items), Decimal(0))


@dataclass(frozen=True)
class HistoryValue:
    year: int
    value: Target
    path: DataPath


@dataclass(frozen=True)
class Indicator:
    """三级指标: an indicator under its level-1 and level-2 categories."""

    term: str  # "long_term" or "annual"
    level1: str
    level2: str
    name: Text
    target: Target | None
    path: DataPath
    standard: str | None = None
    note: str | None = None
    history: tuple[HistoryValue, ...] = ()


@dataclass(frozen=True)
class Goals:
    long_term: tuple[Text, ...]
    annual: tuple[Text, ...]
    path: DataPath
    long_term_until: int | None = None
    long_term_from: int | None = None


@dataclass(frozen=True)
class SpecialFundRef:
    """所属专项: what an expenditure direction states about its special fund."""

    name: Text
    amount: Decimal | None
    path: DataPath


@dataclass
class Declaration:
    """One declaration (申报表): a project, special fund, department or expenditure
    direction in one fiscal year."""

    kind: str
    id: str
    fiscal_year: int
    name: Text
    unit_id: str
    unit_name: str
    document: Document
    data: dict[str, Any]
    layout: str | None = None
    order: int | None = None
    supervising_department: Text | None = None
    period: Period | None = None
    funding: Funding | None = None
    schedule: tuple[ScheduleRow, ...] = ()
    expenses: Expenses | None = None
    goals: Goals | None = None
    indicators: dict[str, tuple[Indicator, ...]] = field(default_factory=dict)
    special_fund: SpecialFundRef | None = None
    filed_on: Text | None = None

    @property
    def file(self) -> Path:
        return self.document.file

    @property
    def amount(self) -> Decimal | None:
        """The amount this declaration asks for this year (资金总额), if given."""
        return self.funding.current.total if self.funding else None

    def all_indicators(self) -> Iterator[Indicator]:
        for term in ("long_term", "annual"):
            yield from self.indicators.get(term, ())

    def main_indicators(self) -> tuple[Indicator, ...]:
        """The annual indicators, or the long-term ones when a form has only those."""
        return self.indicators.get("annual") or self.indicators.get("long_term") or ()


def build(document: Document, data: dict[str, Any]) -> Declaration:
    """Builds the model from data the schema has accepted (invalid parts already cut)."""
    unit = data["unit"]
    return Declaration(
        kind=data["kind"],
        id=data["id"],
        fiscal_year=data["fiscal_year"],
        name=Text(data["name"], ("name",)),
        unit_id=unit["id"],
        unit_name=unit["name"],
        document=document,
        data=data,
        layout=data.get("layout"),
        order=data.get("order"),
        supervising_department=_text(data.get("supervising_department", {}).get("name"),
                                     ("supervising_department", "name")),
        period=_period(data.get("period"), ("period",)),
        funding=_funding(data.get("funding")),
        schedule=tuple(_schedule(data.get("schedule", []))),
        expenses=_expenses(data.get("expenses")),
        goals=_goals(data.get("goals")),
        indicators=indicators_of(data),
        special_fund=_special_fund(data.get("special_fund")),
        filed_on=_text(data.get("filed_on"), ("filed_on",)),
    )


def indicators_of(data: dict[str, Any]) -> dict[str, tuple[Indicator, ...]]:
    """The indicators of a declaration's data, by term (long_term, annual)."""
    return {term: tuple(_indicators(term, tree))
            for term, tree in data.get("indicators", {}).items()}


def _text(value: str | None, path: DataPath) -> Text | None:
    return Text(value, path) if value is not None else None


def _month(value: str | None, path: DataPath) -> Month | None:
    return Month.parse(value, path) if value else None


def _period(value: dict[str, str] | None, path: DataPath) -> Period | None:
    if not value or not value.get("start") or not value.get("end"):
        return None  # (blank on one side of a comparison)
    return Period(Month.parse(value["start"], (*path, "start")),
                  Month.parse(value["end"], (*path, "end")), path)


_AMOUNT_FIELDS = ("total", "multi_year_total", "multi_year_fiscal", "multi_year_other", "fiscal",
                  "general_budget", "government_fund", "prior_year_balance", "own", "other",
                  "basic", "project")


def _amounts(value: dict[str, Any], path: DataPath) -> Amounts:
    figures = {k: _amount(value[k]) for k in _AMOUNT_FIELDS if k in value}
    return Amounts(path=path, year=value.get("year"), **figures)


def _amount(value: Any) -> Decimal:
    """An amount: kept as it is when it is already a Decimal (or a subclass of one)."""
    return value if isinstance(value, Decimal) else Decimal(value)


def _funding(value: dict[str, Any] | None) -> Funding | None:
    if value is None:
        return None
    path: DataPath = ("funding",)
    history = tuple(_amounts(h, (*path, "history", i))
                    for i, h in enumerate(value.get("history", [])))
    return Funding(_amounts(value, path), history, path)


def _schedule(rows: list[dict[str, str]]) -> Iterator[ScheduleRow]:
    for i, row in enumerate(rows):
        path: DataPath = ("schedule", i)
        yield ScheduleRow(_text(row.get("task"), (*path, "task")),
                          _month(row.get("start"), (*path, "start")),
                          _month(row.get("end"), (*path, "end")), path)


def _expenses(value: dict[str, Any] | None) -> Expenses | None:
    if value is None:
        return None
    path: DataPath = ("expenses",)
    items = []
    for i, line in enumerate(value["items"]):
        at: DataPath = (*path, "items", i)
        items.append(ExpenseLine(
            item=Text(line["item"], (*at, "item")),
            amount=_amount(line["amount"]),
            path=at,
            summary=_text(line.get("summary"), (*at, "summary")),
            approximate=bool(line.get("approximate", False)),
            basis=_text(line.get("basis"), (*at, "basis")),
        ))
    total = value.get("total")
    return Expenses(tuple(items), path, _amount(total) if total is not None else None,
                    bool(value.get("total_approximate", False)),
                    _text(value.get("basis"), (*path, "basis")))


def _goals(value: dict[str, Any] | None) -> Goals | None:
    if value is None:
        return None
    path: DataPath = ("goals",)

    def texts(term: str) -> tuple[Text, ...]:
        return tuple(Text(t, (*path, term, i)) for i, t in enumerate(value.get(term, [])))

    return Goals(texts("long_term"), texts("annual"), path, value.get("long_term_until"),
                 value.get("long_term_from"))


def _indicators(term: str, tree: dict[str, dict[str, list[dict[str, Any]]]]) -> Iterator[Indicator]:
    for level1, children in tree.items():
        for level2, items in children.items():
            for i, item in enumerate(items):
                path: DataPath = ("indicators", term, level1, level2, i)
                target = item.get("target")
                yield Indicator(
                    term=term, level1=level1, level2=level2,
                    name=Text(item["name"], (*path, "name")),
                    target=parse(target) if target is not None else None,
                    path=path,
                    standard=item.get("standard"),
                    note=item.get("note"),
                    history=tuple(HistoryValue(h["year"], parse(h["value"]),
                                               (*path, "history", j))
                                  for j, h in enumerate(item.get("history", []))),
                )


def _special_fund(value: dict[str, Any] | None) -> SpecialFundRef | None:
    if value is None:
        return None
    path: DataPath = ("special_fund",)
    amount = value.get("amount")
    return SpecialFundRef(Text(value["name"], (*path, "name")),
                          _amount(amount) if amount is not None else None, path)
