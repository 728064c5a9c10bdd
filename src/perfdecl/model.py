"""Model: typed declarations built from what validated.

Every part remembers its data path, so a rule can point a finding at the exact line
of the YAML file it came from. Money is `Decimal` in 万元; targets are parsed.

The model holds only what the schema accepted: a value that broke it is not there, nor
an item (expense line, indicator, schedule row …) that lost a required field. A
declaration whose id, fiscal year, name or unit did not validate is a `Partial`: the
rules check it all the same, skipping only what needs the missing value; a whole
`Declaration` is what the forms, the diff and roll-forward take.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from .domain import LayoutRecord
from .errors import DataPath
from .load import Document
from .targets import Target, parse
from .validate import CUT, without_cuts


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

    @property
    def bases(self) -> list[Text]:
        """Every 测算依据 written: the lines' own, then the one of all the lines."""
        return [line.basis for line in self.items if line.basis] + \
            ([self.basis] if self.basis else [])


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
class Partial:
    """What validated of one declaration (申报表): a project, special fund, department or
    expenditure direction in one fiscal year. Its id, year, name and unit are None where
    they are missing or did not validate; a `Declaration` has them all."""

    kind: str
    id: str | None
    fiscal_year: int | None
    name: Text | None
    unit_id: str | None
    unit_name: str | None
    document: Document
    data: dict[str, Any]
    """What validated, as the forms and the diff read it."""
    valid: dict[str, Any]
    """What validated in the file's shape: a list item cut out is `schema.CUT`, so that
    every data path is the file's own."""
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
    form: LayoutRecord | None = None
    """What the declaration's form prints, where its layout is a built-in one (set by
    `check`): the rules ask it for what the paper has a place for."""

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

    def lost(self, *paths: DataPath) -> bool:
        """Whether something is written at one of `paths`, or on the way to it, that did
        not validate and so is not in the model: a rule that would reckon with it cannot
        know it, and says nothing rather than something false. A `"*"` in a path stands
        for each item (or field) written there."""
        if self.valid is self.document.data:
            return False
        return any(_lost(self.document.data, self.valid, path) for path in paths)


@dataclass
class Declaration(Partial):
    """A declaration whose id, fiscal year, name and unit all validated: it can be placed
    (<fiscal_year>/<unit.id>/<id>), compared, printed and rolled forward."""

    id: str
    fiscal_year: int
    name: Text
    unit_id: str
    unit_name: str


def _lost(written: Any, valid: Any, path: DataPath) -> bool:
    if not isinstance(written, dict | list):
        return valid is CUT  # written as a single value where the path goes on: cut or not
    head, rest = path[0], path[1:]
    if head == "*":
        keys: list[str | int] = list(range(len(written))) if isinstance(written, list) \
            else list(written)
        return any(_lost(written, valid, (key, *rest)) for key in keys)
    here = _child(written, head)
    if here is CUT:
        return False  # nothing written there
    kept = _child(valid, head)
    return kept is CUT if not rest else _lost(here, kept, rest)


def _child(node: Any, key: str | int) -> Any:
    """node[key], or CUT when there is none."""
    if isinstance(node, dict) and isinstance(key, str):
        return node.get(key, CUT)
    if isinstance(node, list) and isinstance(key, int) and key < len(node):
        return node[key]
    return CUT


def build(document: Document, valid: dict[str, Any]) -> Partial:
    """The model of what validated (`valid`, as schema.validate gives it): a Declaration
    when its id, year, name and unit are all there, else a Partial."""
    unit = valid.get("unit")
    unit_id, unit_name = (unit["id"], unit["name"]) if isinstance(unit, dict) else (None, None)
    name = valid.get("name")
    identity = (valid.get("id"), valid.get("fiscal_year"), name, unit_id, unit_name)
    model: type[Partial] = Declaration if all(part is not None for part in identity) \
        else Partial
    return model(
        kind=valid["kind"],
        id=valid.get("id"),
        fiscal_year=valid.get("fiscal_year"),
        name=_text(name, ("name",)),
        unit_id=unit_id,
        unit_name=unit_name,
        document=document,
        data=valid if valid is document.data else without_cuts(valid),  # a valid file: as read
        valid=valid,
        layout=valid.get("layout"),
        order=valid.get("order"),
        supervising_department=_text(valid.get("supervising_department", {}).get("name"),
                                     ("supervising_department", "name")),
        period=_period(valid.get("period"), ("period",)),
        funding=_funding(valid.get("funding")),
        schedule=tuple(_schedule(valid.get("schedule", []))),
        expenses=_expenses(valid.get("expenses")),
        goals=_goals(valid.get("goals")),
        indicators=indicators_of(valid),
        special_fund=_special_fund(valid.get("special_fund")),
        filed_on=_text(valid.get("filed_on"), ("filed_on",)),
    )


def indicators_of(data: dict[str, Any]) -> dict[str, tuple[Indicator, ...]]:
    """The indicators of what validated of a declaration, by term (long_term, annual)."""
    return {term: tuple(_indicators(term, tree))
            for term, tree in data.get("indicators", {}).items()}


def _items(values: list[Any]) -> Iterator[tuple[int, Any]]:
    """The items of a list that validated, with their index in the file."""
    return ((i, v) for i, v in enumerate(values) if v is not CUT)


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
                    for i, h in _items(value.get("history", [])))
    return Funding(_amounts(value, path), history, path)


def _schedule(rows: list[dict[str, str]]) -> Iterator[ScheduleRow]:
    for i, row in _items(rows):
        path: DataPath = ("schedule", i)
        yield ScheduleRow(_text(row.get("task"), (*path, "task")),
                          _month(row.get("start"), (*path, "start")),
                          _month(row.get("end"), (*path, "end")), path)


def _expenses(value: dict[str, Any] | None) -> Expenses | None:
    if value is None:
        return None
    path: DataPath = ("expenses",)
    items = []
    for i, line in _items(value["items"]):
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
        return tuple(Text(t, (*path, term, i)) for i, t in _items(value.get(term, [])))

    return Goals(texts("long_term"), texts("annual"), path, value.get("long_term_until"),
                 value.get("long_term_from"))


def _indicators(term: str, tree: dict[str, dict[str, list[dict[str, Any]]]]) -> Iterator[Indicator]:
    for level1, children in tree.items():
        for level2, items in children.items():
            for i, item in _items(items):
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
                                  for j, h in _items(item.get("history", []))),
                )


def _special_fund(value: dict[str, Any] | None) -> SpecialFundRef | None:
    if value is None:
        return None
    path: DataPath = ("special_fund",)
    amount = value.get("amount")
    return SpecialFundRef(Text(value["name"], (*path, "name")),
                          _amount(amount) if amount is not None else None, path)
