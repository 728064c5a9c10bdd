"""Compare: two sets of declarations → what changed, semantically.

Identity at every level: declarations by (fiscal year, unit, id) — by (unit, id) when
each side is one year; list items by what they are (a schedule row by its task, an
expense line by its item, a goal by its text), so reordering is no change unless asked
for; indicators by term, category and name, with a renamed indicator shown as renamed
rather than removed and added only where the names are evidence of it (a distinctive
equal target may support, never decide). Amounts change by a difference and a
percentage; targets are compared as parsed values (≥90% → ≥95% tightens); texts change
character by character; a change that only moves years on is marked as such."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..errors import Finding, Severity
from ..i18n import _
from ..model import Declaration
from ..schema import navigator
from ..targets import parse
from .changes import (
    ADDED,
    CHANGED,
    MOVED,
    REMOVED,
    RENAMED,
    REORDERED,
    Change,
    amount_change,
    show,
    target_change,
    text_change,
)
from .text import likeness, segments

MONEY = {"total", "multi_year_total", "multi_year_fiscal", "multi_year_other", "fiscal",
         "general_budget", "government_fund", "prior_year_balance", "own", "other", "basic",
         "project", "amount"}
"""Field names that hold amounts in 万元."""

IDENTITY_FIELD = {"schedule": "task", "items": "item", "key_tasks": "task", "history": "year"}
"""The field that tells the items of a list apart, by the list's field name."""


def identity(list_name: str) -> Callable[[Any], str]:
    """How the items of a list are told apart: by their identity field, or by their text."""
    name = IDENTITY_FIELD.get(list_name)
    if name is None:
        return show
    return lambda item: show(item.get(name)) if isinstance(item, dict) else show(item)


@dataclass
class DeclarationDiff:
    id: str
    kind: str
    name: str
    status: str  # added, removed, changed, unchanged
    old: Declaration | None
    new: Declaration | None
    changes: list[Change] = field(default_factory=list)
    label: str = ""
    """How the reports name it: the id, with the unit and the year where the id alone
    does not tell it apart (2025/shigu-sbzx/jichu), and its file where even that does not."""

    def __post_init__(self) -> None:
        self.label = self.label or self.id

    @property
    def declaration(self) -> Declaration:
        """The new declaration, or the old one when it was removed."""
        either = self.new or self.old
        assert either is not None
        return either

    @property
    def substantive(self) -> list[Change]:
        """The changes that are more than years moving on or last year's targets kept as
        history (what `perfdecl new --from` writes)."""
        return [c for c in self.changes if c.years is None and not c.carried]


@dataclass
class DiffResult:
    declarations: list[DeclarationDiff]
    problems: list[Finding] = field(default_factory=list)
    """Declarations that share an identity on one side (X001): each is compared by its
    file, and reported here."""

    @property
    def changed(self) -> bool:
        return any(d.status != "unchanged" for d in self.declarations)

    def count(self, status: str) -> int:
        return sum(d.status == status for d in self.declarations)


Identity = tuple[int, str, str]


def compare(old: Sequence[Declaration], new: Sequence[Declaration], *,
            order: bool = False) -> DiffResult:
    """Matches declarations by identity and compares each pair.

    Identity is (fiscal year, unit, id) when either side holds several fiscal years (two
    revisions of a repository), and (unit, id) when each side is one year (last year's
    forms against this year's). Declarations that share an identity on one side are
    reported and told apart by their file (year/unit/name), never hidden behind one
    another."""
    by_year = any(len({d.fiscal_year for d in side}) > 1 for side in (old, new))

    def identity_of(d: Declaration) -> Identity:
        return (d.fiscal_year if by_year else 0, d.unit_id, d.id)

    olds, news = _grouped(old, identity_of), _grouped(new, identity_of)
    problems = [*_duplicates(olds), *_duplicates(news)]
    pairs = [pair for key in sorted(olds.keys() | news.keys(), key=lambda k: (k[0], k[2], k[1]))
             for pair in _pair(olds.get(key, []), news.get(key, []))]
    labels = _labels(pairs, by_year)
    out = []
    for (a, b), label in zip(pairs, labels, strict=True):
        if b is not None and a is None:
            out.append(DeclarationDiff(b.id, b.kind, b.name.value, ADDED, None, b, label=label))
        elif a is not None and b is None:
            out.append(DeclarationDiff(a.id, a.kind, a.name.value, REMOVED, a, None, label=label))
        elif a is not None and b is not None:
            changes = list(Comparison(b.kind, order, a.kind).declarations(a, b))
            out.append(DeclarationDiff(b.id, b.kind, b.name.value,
                                       CHANGED if changes else "unchanged", a, b, changes,
                                       label=label))
    return DiffResult(out, problems)


Pair = tuple[Declaration | None, Declaration | None]


def _grouped(side: Sequence[Declaration],
             identity_of: Callable[[Declaration], Identity]) -> dict[Identity, list[Declaration]]:
    groups: dict[Identity, list[Declaration]] = {}
    for d in side:
        groups.setdefault(identity_of(d), []).append(d)
    return groups


def _place(d: Declaration) -> tuple[str, ...]:
    """Where a declaration lives, the same on both sides: <year>/<unit>/<file name>,
    whatever folder or revision holds it."""
    return d.file.parts[-3:]


def _pair(old: list[Declaration], new: list[Declaration]) -> list[Pair]:
    """The old and new declarations of one identity, paired: the one each side has, or,
    where a side has several, those in the same place, then a last one each if left."""
    if len(old) <= 1 and len(new) <= 1:
        return [(old[0] if old else None, new[0] if new else None)]
    left, right = list(old), list(new)
    pairs: list[Pair] = []
    for a in list(left):
        b = next((x for x in right if _place(x) == _place(a)), None)
        if b is not None:
            pairs.append((a, b))
            left.remove(a)
            right.remove(b)
    if len(left) == len(right) == 1:
        pairs.append((left[0], right[0]))
        left, right = [], []
    return pairs + [(a, None) for a in left] + [(None, b) for b in right]


def _labels(pairs: list[Pair], by_year: bool) -> list[str]:
    """The id, unless it is not enough: then unit/id, or year/unit/id when the sides hold
    several years, and the file where declarations share even that."""
    def full(d: Declaration) -> str:
        return f"{d.fiscal_year}/{d.unit_id}/{d.id}" if by_year else f"{d.unit_id}/{d.id}"

    either = [b if b is not None else a for a, b in pairs]
    units_of: dict[str, set[str]] = {}
    for d in either:
        assert d is not None
        units_of.setdefault(d.id, set()).add(d.unit_id)
    labels = [d.id if not by_year and len(units_of[d.id]) == 1 else full(d)
              for d in either if d is not None]
    count: dict[str, int] = {}
    for label in labels:
        count[label] = count.get(label, 0) + 1
    return [f"{label} ({d.file})" if count[label] > 1 else label
            for label, d in zip(labels, either, strict=True) if d is not None]


def _duplicates(groups: dict[Identity, list[Declaration]]) -> Iterator[Finding]:
    for (_year, unit, id_), ds in groups.items():
        for d in ds if len(ds) > 1 else ():
            line, column = d.document.position(("id",))
            others = ", ".join(str(o.file) for o in ds if o is not d)
            yield Finding("X001", Severity.ERROR, _(
                "{unit}/{id} is declared more than once in {year}: also in {files}; the diff "
                "tells them apart by their files").format(unit=unit, id=id_, year=d.fiscal_year,
                                                          files=others),
                d.file, line, column, ("id",),
                _("ids stay unique in a year: the diff matches by id"))


def compare_pair(old: Declaration, new: Declaration, *, order: bool = False) -> DiffResult:
    """Compares two declarations whatever their ids (two files named on the command line)."""
    changes = list(Comparison(new.kind, order, old.kind).declarations(old, new))
    id_ = new.id if old.id == new.id else f"{old.id} → {new.id}"
    return DiffResult([DeclarationDiff(id_, new.kind, new.name.value,
                                       CHANGED if changes else "unchanged", old, new, changes)])


class Comparison:
    """The comparison of two declarations of one kind."""

    def __init__(self, kind: str, order: bool, old_kind: str | None = None) -> None:
        self.navs = [navigator(kind)] + ([navigator(old_kind)] if old_kind and
                                         old_kind != kind else [])
        self.nav = self.navs[0]
        self.order = order
        self.old_year: int | None = None

    def declarations(self, old: Declaration, new: Declaration) -> Iterator[Change]:
        self.old_year = old.fiscal_year
        a = {k: v for k, v in old.data.items() if k != "indicators"}
        b = {k: v for k, v in new.data.items() if k != "indicators"}
        yield from self.value(a, b, (), ())
        yield from self.indicators(old.data.get("indicators", {}),
                                   new.data.get("indicators", {}))

    # ------------------------------------------------------------------ generic values

    def label(self, path: tuple[str | int, ...]) -> str:
        title = next((t for t in (nav.title(path) for nav in self.navs) if t), None)
        return title or str(path[-1])

    def value(self, old: Any, new: Any, path: tuple[str | int, ...],
              where: tuple[str, ...], key: str = "") -> Iterator[Change]:
        if old == new:
            return
        if isinstance(old, dict) or isinstance(new, dict):  # a group: field by field
            old, new = old if isinstance(old, dict) else {}, new if isinstance(new, dict) else {}
            for k in self._keys(path, old, new):
                here = (*path, k)
                yield from self.value(old.get(k), new.get(k), here,
                                      (*where, self.label(here)), f"{key}.{k}" if key else k)
            return
        if isinstance(old, list) or isinstance(new, list):  # items by identity
            old, new = old if isinstance(old, list) else [], new if isinstance(new, list) else []
            yield from self.items(old, new, path, where, key)
            return
        if old is None:
            yield Change(where, key, ADDED, new=show(new))
        elif new is None:
            yield Change(where, key, REMOVED, old=show(old))
        else:
            yield self.scalar(old, new, path, where, key)

    def _keys(self, path: tuple[str | int, ...], old: dict[str, Any],
              new: dict[str, Any]) -> list[str]:
        ordered = [k for k in self.nav.properties(path) if k in old or k in new]
        return ordered + sorted((old.keys() | new.keys()) - set(ordered))

    def scalar(self, old: Any, new: Any, path: tuple[str | int, ...], where: tuple[str, ...],
               key: str) -> Change:
        name = next((p for p in reversed(path) if isinstance(p, str)), "")
        if name in MONEY and isinstance(old, int | Decimal) and isinstance(new, int | Decimal):
            return amount_change(where, key, Decimal(old), Decimal(new))
        if name in ("target", "value"):
            return target_change(where, key, str(old), str(new))
        return text_change(where, key, show(old), show(new))

    def items(self, old: list[Any], new: list[Any], path: tuple[str | int, ...],
              where: tuple[str, ...], key: str) -> Iterator[Change]:
        name = next((p for p in reversed(path) if isinstance(p, str)), "")
        ident = identity(name)
        pairs, gone, fresh = match(old, new, ident, alike=name not in BY_IDENTITY)
        for a, b in pairs:
            name_of = ident(b) or ident(a)
            yield from self.value(a, b, (*path, 0), (*where, name_of) if isinstance(b, dict)
                                  else where, f"{key}[{name_of}]")
        def named(item: Any) -> tuple[str, ...]:  # an item of more than its name gets a line
            more = isinstance(item, dict) and set(item) - {IDENTITY_FIELD.get(name)}
            return (*where, ident(item)) if more else where

        for item in gone:
            label = named(item)
            yield Change(label, f"{key}[{ident(item)}]", REMOVED,
                         old=self.describe(item, path, name))
        for item in fresh:
            label = named(item)
            yield Change(label, f"{key}[{ident(item)}]", ADDED,
                         new=self.describe(item, path, name))
        if self.order and not gone and not fresh:
            before = [ident(a) for a, _ in sorted(pairs, key=lambda p: _index(old, p[0]))]
            after = [ident(a) for a, _ in sorted(pairs, key=lambda p: _index(new, p[1]))]
            if before != after:
                yield Change(where, key, REORDERED, old="、".join(before), new="、".join(after))

    def describe(self, item: Any, path: tuple[str | int, ...], list_name: str) -> str:
        """A list item on one line: its fields with their titles, but the one that
        names it (which the label already shows)."""
        if not isinstance(item, dict):
            return show(item)
        skip = IDENTITY_FIELD.get(list_name)
        rest = {k: v for k, v in item.items() if k != skip}
        if len(rest) == 1:
            return show(next(iter(rest.values())))
        parts = [f"{self.label((*path, 0, k))} {show(v)}" for k, v in rest.items()]
        return "，".join(parts) or show(item.get(skip))

    # ---------------------------------------------------------------------- indicators

    def indicators(self, old: dict[str, Any], new: dict[str, Any]) -> Iterator[Change]:
        for term in ("long_term", "annual"):
            title = self.label(("indicators", term))
            a = list(_flatten(old.get(term, {})))
            b = list(_flatten(new.get(term, {})))
            yield from self.indicator_lists(a, b, title, term)

    def indicator_lists(self, old: list[Flat], new: list[Flat], title: str,
                        term: str) -> Iterator[Change]:
        pairs, gone, fresh = pair_indicators(old, new)
        for a, b, how in pairs:
            where = (title, b[0], b[1], b[2]["name"])
            key = f"indicators.{term}.{b[0]}.{b[1]}[{b[2]['name']}]"
            if how == MOVED:
                yield Change(where, key, MOVED, old=f"{a[0]} › {a[1]}", new=f"{b[0]} › {b[1]}")
            elif how == RENAMED:
                yield Change(where, key, RENAMED, old=a[2]["name"], new=b[2]["name"],
                             segments=tuple(segments(a[2]["name"], b[2]["name"])))
            fields_a = {k: v for k, v in a[2].items() if k != "name"}
            fields_b = {k: v for k, v in b[2].items() if k != "name"}
            for k in ("target", "standard", "note", "history"):
                for change in self.value(fields_a.get(k), fields_b.get(k),
                                         ("indicators", term, b[0], b[1], 0, k),
                                         (*where, self.label(("indicators", term, b[0], b[1],
                                                                  0, k))),
                                         f"{key}.{k}"):
                    yield self._carried(change, a[2]) if k == "history" else change
        for a in gone:
            yield Change((title, a[0], a[1], a[2]["name"]),
                         f"indicators.{term}.{a[0]}.{a[1]}[{a[2]['name']}]", REMOVED,
                         old=self.indicator_text(a, term))
        for b in fresh:
            yield Change((title, b[0], b[1], b[2]["name"]),
                         f"indicators.{term}.{b[0]}.{b[1]}[{b[2]['name']}]", ADDED,
                         new=self.indicator_text(b, term))

    def _carried(self, change: Change, old: dict[str, Any]) -> Change:
        """A year of 近两年指标值 added with last year's target as its value, for last
        year: what rolling the declaration forward writes, marked as such (not an edit a
        reviewer must weigh)."""
        if change.kind == ADDED and change.where[-1] == str(self.old_year) and \
                old.get("target") is not None and change.new == show(old["target"]):
            return dataclasses.replace(change, carried=True)
        return change

    def indicator_text(self, item: Flat, term: str) -> str:
        """An indicator added or removed, named by its place: its target, then whatever
        else it holds (指标值确定依据, 备注, 近两年指标值) with their titles."""
        fields = item[2]
        target = fields.get("target")
        parts = [show(target) if target is not None else "（无指标值）"]
        for k in ("standard", "note", "history"):
            if fields.get(k) is not None:
                value = fields[k]
                if k == "history":
                    value = "、".join(f"{show(h.get('year'))} {show(h.get('value'))}"
                                     for h in value if isinstance(h, dict))
                label = self.label(("indicators", term, item[0], item[1], 0, k))
                parts.append(f"{label} {show(value)}")
        return "，".join(parts)


Flat = tuple[str, str, dict[str, Any]]
"""An indicator in its place: (一级指标, 二级指标, the indicator)."""


def pair_indicators(old: list[Flat], new: list[Flat]) -> tuple[
        list[tuple[Flat, Flat, str]], list[Flat], list[Flat]]:
    """Pairs the indicators of one term: same place and name; the same name in another
    place (moved); then, in the same place, a renamed one where the names are evidence of
    it (`_rename_evidence`). Returns the pairs with how they were found ("", moved or
    renamed), the indicators only in `old` and those only in `new`."""
    left, right = list(old), list(new)
    pairs: list[tuple[Flat, Flat, str]] = []
    for how, places in (("", True), (MOVED, False)):  # the same place first, then any
        for a in list(left):
            b = next((x for x in right if x[2]["name"] == a[2]["name"]
                      and (x[:2] == a[:2] or not places)), None)
            if b is not None:
                pairs.append((a, b, how))
                left.remove(a)
                right.remove(b)
    distinctive = _distinctive(old) & _distinctive(new)
    candidates = [(evidence, i, j) for i, a in enumerate(left) for j, b in enumerate(right)
                  if a[:2] == b[:2] and (evidence := _rename_evidence(a[2], b[2], distinctive))]
    renamed, gone, fresh = strongest_first(candidates, left, right)
    return pairs + [(a, b, RENAMED) for a, b in renamed], gone, fresh


def strongest_first(scored: list[tuple[Any, int, int]], left: list[Any], right: list[Any],
                    ) -> tuple[list[tuple[Any, Any]], list[Any], list[Any]]:
    """Pairs left[i] with right[j] by (score, i, j), the highest score first, each item
    once; returns the pairs in the left's order and what is left unpaired on each side."""
    taken_left: set[int] = set()
    taken_right: set[int] = set()
    chosen = []
    for _score, i, j in sorted(scored, key=lambda c: c[0], reverse=True):
        if i not in taken_left and j not in taken_right:
            chosen.append((i, j))
            taken_left.add(i)
            taken_right.add(j)
    return ([(left[i], right[j]) for i, j in sorted(chosen)],
            [a for i, a in enumerate(left) if i not in taken_left],
            [b for j, b in enumerate(right) if j not in taken_right])


def _rename_evidence(a: dict[str, Any], b: dict[str, Any],
                     distinctive: set[TargetKey]) -> tuple[bool, float] | None:
    """Whether two indicators of one place are one renamed, and how strongly: names
    first; an equal target only supports names that share a meaningful character, and
    only when it is distinctive (100%, 年底前, ≥95% are shared by many indicators)."""
    like = likeness(str(a["name"]), str(b["name"]))
    if like.alike:
        return True, like.ratio
    key = _target_key(a.get("target"))
    if like.meaningful and key is not None and key in distinctive \
            and key == _target_key(b.get("target")):
        return False, like.ratio
    return None


TargetKey = tuple[str, str | None, Decimal | None, Decimal | None, str | None]


def _target_key(value: Any) -> TargetKey | None:
    """A target as a figure with its unit (≥6次 and 6次以上 alike), or None where it
    cannot tell indicators apart: no figure, no unit, a percentage, a deadline, a word."""
    if value is None:
        return None
    t = parse(show(value))
    if not t.is_quantitative or not t.unit or t.unit in ("%", "‰"):
        return None
    return t.kind, t.operator, t.number, t.upper, t.unit


def _distinctive(side: list[Flat]) -> set[TargetKey]:
    """The targets that only one indicator of a side has."""
    count: dict[TargetKey, int] = {}
    for _l1, _l2, item in side:
        key = _target_key(item.get("target"))
        if key is not None:
            count[key] = count.get(key, 0) + 1
    return {key for key, n in count.items() if n == 1}


def _flatten(tree: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for level1, children in tree.items():
        for level2, items in children.items():
            for item in items:
                yield level1, level2, item


def _index(items: list[Any], item: Any) -> int:
    return next(i for i, x in enumerate(items) if x is item)


BY_IDENTITY = {"history", "policy_references"}
"""Lists whose items a number names (a year, a document's number): one that differs is
another item, however alike its text."""


def match(old: list[Any], new: list[Any], ident: Callable[[Any], str], *,
          alike: bool = True) -> tuple[list[tuple[Any, Any]], list[Any], list[Any]]:
    """Pairs list items by identity, then (with `alike`) those whose identities are alike
    (`likeness`: more in common than the domain's words), the most alike first; returns
    the pairs, the items only in `old` and the items only in `new` (each in its list's
    order)."""
    left, right = list(old), list(new)
    pairs = []
    for a in list(left):
        b = next((x for x in right if ident(x) == ident(a)), None)
        if b is not None:
            pairs.append((a, b))
            left.remove(a)
            right.remove(b)
    likes = [(like.ratio, i, j) for i, a in enumerate(left) for j, b in enumerate(right)
             if alike and (like := likeness(ident(a), ident(b))).alike]
    alike_pairs, gone, fresh = strongest_first(likes, left, right)  # the most alike first
    return pairs + alike_pairs, gone, fresh

