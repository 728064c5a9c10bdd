"""diff claims a rename only on evidence, and says what a target change means.

Renames are generated on real declarations: indicators of unrelated names (real names
from the seeds, sharing nothing but the domain's common words) take each other's place
with a target many indicators share (100%, 年底之前, ≥6次): removed and added, never
renamed; a real rename (a few characters added, dropped or changed, same place) is still
one. Target changes are generated as operator, figure and unit: the note agrees with
the arithmetic of the bounds.
"""

from __future__ import annotations

import copy
import io
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from perfdecl.check import read_bytes
from perfdecl.diff import compare_pair
from perfdecl.diff.changes import ADDED, REMOVED, RENAMED, Change, target_change
from perfdecl.diff.engine import match
from perfdecl.model import Declaration
from perfdecl.scalars import yaml

from .conftest import DECLARATIONS, SEEDS

PROPERTY = settings(deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
FILES = sorted([*DECLARATIONS.rglob("*.yaml"), *SEEDS.rglob("*.yaml")])


@cache
def tree_of(file: Path) -> Any:
    return yaml().load(file.read_text(encoding="utf-8"))


def places(tree: Any) -> list[tuple[str, str, str, int]]:
    """Where the indicators of a declaration are: (term, 一级, 二级, index)."""
    return [(term, l1, l2, i) for term, levels in (tree.get("indicators") or {}).items()
            for l1, children in levels.items() for l2, items in children.items()
            for i in range(len(items))]


def at(tree: Any, place: tuple[str, str, str, int]) -> Any:
    term, l1, l2, i = place
    return tree["indicators"][term][l1][l2][i]


WITH_INDICATORS = [f for f in FILES if places(tree_of(f))]
NAMES = sorted({str(at(tree_of(f), p)["name"]) for f in WITH_INDICATORS for p in places(tree_of(f))})
"""Every indicator name of the seeds and declarations."""

COMMON_TARGETS = ["100%", "≥95%", "95%以上", "98%", "≥90%", "年底之前", "2023年底前", "≥6次",
                  "当年", "全年", "按时", "有所提升", "是", "达标"]
"""Targets that many indicators share: no evidence that two are one."""

DOMAIN_WORDS = ("满意度", "人数", "指标", "完成", "及时", "率", "数", "度", "量")
"""The domain's common words the issue names: sharing them relates no two names."""


def unrelated(a: str, b: str) -> bool:
    """No character in common outside the domain's common words, and neither name kept
    whole in the other (满意度 in 服务对象满意度 is the same measure, qualified)."""
    def meaningful(name: str) -> set[str]:
        for word in DOMAIN_WORDS:
            name = name.replace(word, " ")
        return {ch for ch in name if ch.isalpha()}

    def kept(short: str, long: str) -> bool:
        rest = iter(long)
        return all(ch in rest for ch in short)

    return not meaningful(a) & meaningful(b) and not kept(a, b) and not kept(b, a)


def declaration(tree: Any, name: str) -> Declaration:
    buffer = io.StringIO()
    yaml().dump(copy.deepcopy(tree), buffer)  # ruamel spoils comments of a tree dumped twice
    found, findings = read_bytes(buffer.getvalue().encode("utf-8"), Path(name))
    assert found is not None, [f.message for f in findings]
    return found


def indicator_changes(old: Any, new: Any) -> list[Change]:
    result = compare_pair(declaration(old, "old.yaml"), declaration(new, "new.yaml"))
    return [c for c in result.declarations[0].changes if c.key.startswith("indicators.")]


@st.composite
def unrelated_in_place(draw: st.DrawFn) -> tuple[Path, list[tuple[Any, str, str, str]]]:
    """A declaration, and one to three of its indicators each named one unrelated name
    before and another after, with the same common target on both sides."""
    file = draw(st.sampled_from(WITH_INDICATORS))
    tree = tree_of(file)
    chosen = draw(st.lists(st.sampled_from(places(tree)), min_size=1, max_size=3, unique=True))
    taken = {str(at(tree, p)["name"]) for p in places(tree)}
    free = [n for n in NAMES if n not in taken]
    names = draw(st.lists(st.sampled_from(free), min_size=2 * len(chosen),
                          max_size=2 * len(chosen), unique=True))
    cases = [(place, names[2 * k], names[2 * k + 1], draw(st.sampled_from(COMMON_TARGETS)))
             for k, place in enumerate(chosen)]
    assume(all(unrelated(before, after) for place, before, _a, _t in cases
               for other, _b, after, _t in cases if other[:3] == place[:3]))
    return file, cases


@settings(PROPERTY, max_examples=40)
@given(unrelated_in_place())
def test_unrelated_indicators_with_a_common_target_are_removed_and_added(case) -> None:  # type: ignore[no-untyped-def]
    file, cases = case
    old, new = copy.deepcopy(tree_of(file)), copy.deepcopy(tree_of(file))
    for place, before, after, target in cases:
        at(old, place).update({"name": before, "target": target})
        at(new, place).update({"name": after, "target": target})
    changes = indicator_changes(old, new)
    assert [c for c in changes if c.kind == RENAMED] == []
    assert sorted((c.kind, c.where[-1]) for c in changes) == sorted(
        [(REMOVED, before) for _p, before, _a, _t in cases]
        + [(ADDED, after) for _p, _b, after, _t in cases])


QUALIFIERS = "全区县年度困难特困城乡居民群众参保社区乡镇"


@st.composite
def renamed_in_place(draw: st.DrawFn) -> tuple[Path, tuple[str, str, str, int], str, str]:
    """A declaration, one of its indicators and a new name for it: a qualifier of one or
    two characters added or dropped, or one character changed in a long name."""
    file = draw(st.sampled_from(WITH_INDICATORS))
    tree = tree_of(file)
    place = draw(st.sampled_from(places(tree)))
    name = str(at(tree, place)["name"])
    how = draw(st.sampled_from(["add", "drop", "change"]))
    where = draw(st.integers(0, len(name)))
    if how == "add":
        qualifier = draw(st.text(st.sampled_from(QUALIFIERS), min_size=1, max_size=2))
        renamed = name[:where] + qualifier + name[where:]
    elif how == "drop":
        assume(len(name) >= 4)
        size = draw(st.integers(1, 2))
        renamed = name[:min(where, len(name) - size)] + name[min(where, len(name) - size) + size:]
    else:
        assume(len(name) >= 8)
        where = min(where, len(name) - 1)
        renamed = name[:where] + draw(st.sampled_from(QUALIFIERS)) + name[where + 1:]
    old_first = draw(st.booleans())  # a qualifier dropped is one added the other way
    before, after = (name, renamed) if old_first else (renamed, name)
    assume(before != after and not {before, after} & {str(at(tree, p)["name"])
                                                       for p in places(tree) if p != place})
    return file, place, before, after


@settings(PROPERTY, max_examples=40)
@given(renamed_in_place(), st.sampled_from([None, *COMMON_TARGETS]))
def test_a_real_rename_is_reported_as_renamed(case, target) -> None:  # type: ignore[no-untyped-def]
    """Whatever the target does: kept, or now a common one."""
    file, place, before, after = case
    old, new = copy.deepcopy(tree_of(file)), copy.deepcopy(tree_of(file))
    at(old, place)["name"] = before
    at(new, place)["name"] = after
    if target is not None:
        at(new, place)["target"] = target
    changes = indicator_changes(old, new)
    assert [(c.kind, c.old, c.new) for c in changes if len(c.where) == 4] == [
        (RENAMED, before, after)]  # (term, 一级, 二级, name): the indicator, not its fields


def test_the_issues_three_false_renames() -> None:
    """Three unrelated indicators of one unit's declarations with equal common targets:
    removed and added. Unrelated names with a distinctive target (once a side, a figure
    and a unit): still not renamed; a name half kept with it: renamed."""
    tree = tree_of(DECLARATIONS / "2023/shifeng-sbzx/kunnan-daijiao.yaml")
    old, new = copy.deepcopy(tree), copy.deepcopy(tree)
    annual = ("annual",)
    for place, before, after, target in [
            ((*annual, "效益指标", "社会效益指标", 0), "代缴率", "退休人员保障率", "100%"),
            ((*annual, "产出指标", "时效指标", 0), "拨付时限", "记实完成时间", "年底之前"),
            ((*annual, "产出指标", "数量指标", 0), "补贴人数", "下乡次数", "≥6次")]:
        at(old, place).update({"name": before, "target": target})
        at(new, place).update({"name": after, "target": target})
    assert not [c for c in indicator_changes(old, new) if c.kind == RENAMED]

    old_place = ("annual", "产出指标", "数量指标", 0)
    at(new, old_place).update({"name": "寄信量"})
    at(old, old_place).update({"name": "养老保险转移寄信数", "target": "10000封"})
    assert not [c for c in indicator_changes(old, new) if c.kind == RENAMED]  # ≥6次 ≠ 10000封
    at(new, old_place)["target"] = "10000封"
    assert [(c.old, c.new) for c in indicator_changes(old, new) if c.kind == RENAMED] == [
        ("养老保险转移寄信数", "寄信量")]


@pytest.mark.parametrize(("old", "new", "paired"), [
    (["生活补贴"], ["医疗补贴"], False),  # only the domain's words in common
    (["资金拨付"], ["资金申报"], False),
    (["用于工作的正常开展"], ["用于工作中所需要的耗材"], False),
    (["保障本年基础养老金的发放"], ["保障基础养老金按时发放"], True),
    (["生存认证"], ["退休生存认证"], True),
])
def test_list_items_pair_only_on_evidence(old: list[str], new: list[str], paired: bool) -> None:
    pairs, _gone, _fresh = match(old, new, str)
    assert bool(pairs) == paired


def test_history_years_are_never_paired_by_likeness(tmp_path: Path) -> None:
    """2022 and 2024 look alike; they are two years: one removed, one added."""
    tree = tree_of(DECLARATIONS / "2024/yangxin-ylbx/yangxin-ylbx-zhengti.yaml")
    old, new = copy.deepcopy(tree), copy.deepcopy(tree)
    place = next(p for p in places(tree) if at(tree, p).get("history"))
    at(old, place)["history"] = [{"year": 2022, "value": "1"}, {"year": 2023, "value": "2"}]
    at(new, place)["history"] = [{"year": 2023, "value": "2"}, {"year": 2024, "value": "3"}]
    changes = indicator_changes(old, new)
    assert sorted((c.kind, c.where[-1]) for c in changes) == [(ADDED, "2024"), (REMOVED, "2022")]


# ------------------------------------------------------------------------------ targets

OPERATORS = {"≥": ("≥{n}{u}", "不低于{n}{u}", "{n}{u}以上"), ">": (">{n}{u}", "高于{n}{u}"),
             "≤": ("≤{n}{u}", "不超过{n}{u}", "{n}{u}以下"), "<": ("<{n}{u}", "低于{n}{u}"),
             "=": ("{n}{u}", "={n}{u}")}
UNITS = {"%": (1, "%"), "人": (1, "人"), "万人": (10000, "人"), "元": (1, "元"),
         "万元": (10000, "元"), "元/人/天": (1, "元/人/天"), "户": (1, "户"), "": (1, "")}


Quantity = tuple[str, str, Decimal, str]  # as written, operator, figure, unit


@st.composite
def quantity(draw: st.DrawFn, units: list[str]) -> Quantity:
    operator = draw(st.sampled_from(sorted(OPERATORS)))
    number = Decimal(draw(st.integers(1, 400))) / draw(st.sampled_from([Decimal(1), Decimal(2)]))
    unit = draw(st.sampled_from(units))
    text = draw(st.sampled_from(OPERATORS[operator])).format(n=format(number, "f"), u=unit)
    return text, operator, number, unit


@st.composite
def target_changes(draw: st.DrawFn) -> tuple[Quantity, Quantity]:
    """A target and another: mostly in the same unit or one that compares (人, 万人)."""
    old = draw(quantity(sorted(UNITS)))
    same = sorted(u for u in UNITS if UNITS[u][1] == UNITS[old[3]][1])
    return old, draw(quantity(draw(st.sampled_from([same, [old[3]], sorted(UNITS)]))))


def allows(operator: str, bound: Decimal, value: Decimal, reading: str) -> bool:
    """Whether a value meets a target; a bare figure read as a bound `reading`'s way."""
    operator = reading if operator == "=" else operator
    return {"≥": value >= bound, ">": value > bound, "≤": value <= bound,
            "<": value < bound, "=": value == bound}[operator]


@settings(PROPERTY, max_examples=200)
@given(target_changes())
def test_a_target_note_agrees_with_the_arithmetic(change) -> None:  # type: ignore[no-untyped-def]
    (old_text, old_op, old_n, old_unit), (new_text, new_op, new_n, new_unit) = change
    assume(old_text != new_text)
    note = target_change((), "target", old_text, new_text).note or ""
    tightened, loosened = "tightened" in note, "loosened" in note
    assert not (tightened and loosened), note
    floors, ceilings = {"≥", ">"}, {"≤", "<"}
    ops = {old_op, new_op}
    comparable = old_unit == new_unit or (
        bool(old_unit) and bool(new_unit) and UNITS[old_unit][1] == UNITS[new_unit][1])
    if ops & floors and ops & ceilings:  # the bound changed direction
        assert "bound reversed" in note and not tightened and not loosened, note
        return
    if not comparable:
        assert "unit" in note and not tightened and not loosened, note
        return
    before, after = old_n * UNITS[old_unit][0], new_n * UNITS[new_unit][0]
    if ops == {"="}:  # two figures
        assert not tightened and not loosened, note
        assert ("raised" in note) == (after > before) and ("lowered" in note) == (after < before)
        return
    reading = "≥" if ops & floors else "≤"  # the figure itself meets its target
    probes = {before, after, (before + after) / 2, before - 1, before + 1, after - 1, after + 1}
    allowed_before = {p for p in probes if allows(old_op, before, p, reading)}
    allowed_after = {p for p in probes if allows(new_op, after, p, reading)}
    assert tightened == (allowed_after < allowed_before), note
    assert loosened == (allowed_after > allowed_before), note
    if old_op != new_op and before != after:  # both changed: both said
        assert "operator" in note and ("figure raised" in note or "figure lowered" in note), note


def test_a_lower_figure_under_a_new_ceiling_is_tighter() -> None:
    note = target_change((), "target", "180元/人/天", "≤170元/人/天").note
    assert note == "operator = → ≤; figure lowered; tightened"
    assert target_change((), "target", "≥6次", "≤8次").note == \
        "bound reversed ≥ → ≤; figure raised"
    assert target_change((), "target", "≥9000人", "≥1万人").note == \
        "unit 人 → 万人: 9000 → 10000 人; tightened"
    assert target_change((), "target", "≥5人", "≥6户").note == "unit 人 → 户"
    figure = target_change((), "target", "≥2000人", "≥2001人")
    assert (figure.note, figure.years) == ("tightened", None)  # a figure, not a year moved on
