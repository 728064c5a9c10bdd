"""The budget rules (src/perfdecl/rules): each one fires on a minimal declaration that breaks
it, at the line of the offending value, and stays quiet on the corrected declaration.

Every test writes small YAML files into tmp_path as <year>/<unit_id>/<id>.yaml and runs
`perfdecl.api.check` on them, as a user would with `perfdecl check`.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from perfdecl import api
from perfdecl.errors import Finding, Severity
from perfdecl.rules import all_rules

from .conftest import HERE
from .wording import assert_clerk_words, speaking

E, W = Severity.ERROR, Severity.WARNING
UNIT = "test-sbzx"
UNIT_NAME = "测试区社会保险服务中心"
DELETE = object()
"""In an override: leave this field out of the declaration."""

TRIGGERED: set[str] = set()
CLEAN: set[str] = set()


def triggers(*codes: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Marks a test that shows these rules firing (see test_every_rule_is_tested)."""
    TRIGGERED.update(codes)
    return lambda fn: fn


def clean(*codes: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Marks a test that shows the corrected declaration passing these rules."""
    CLEAN.update(codes)
    return lambda fn: fn


# --------------------------------------------------------------------------- helpers


def declaration(kind: str = "project", id_: str = "jiaofei-butie", name: str = "缴费补贴",
                year: int = 2023, unit: str = UNIT, **overrides: Any) -> dict[str, Any]:
    """A valid declaration of `kind` with no findings at all; `overrides` are merged in
    (a dict merges into a dict, anything else replaces, DELETE removes the field).
    Every text names the declaration, so that siblings do not copy each other (X002)."""
    data: dict[str, Any] = {
        "kind": kind,
        "id": id_,
        "fiscal_year": year,
        "name": name,
        "unit": {"id": unit, "name": UNIT_NAME},
        "supervising_department": {"name": "人力资源和社会保障局"},
        "period": {"start": f"{year}-01", "end": f"{year}-12"},
        "funding": {"total": 12, "fiscal": 12},
        "schedule": [{"task": f"{name}发放", "start": f"{year}-01", "end": f"{year}-12"}],
        "expenses": {"items": [{"item": f"{name}支出", "amount": 12,
                                "basis": f"{name}：1200人×100元/人=12万元"}]},
        "goals": {"long_term": [f"保障{name}按标准长期足额发放"],
                  "annual": [f"{year}年{name}按时足额发放到位"]},
        "indicators": {"annual": {
            "产出指标": {
                "数量指标": [{"name": "补助人数", "target": "≥1200人"}],
                "质量指标": [{"name": "补贴到位率", "target": "100%"}],
                "时效指标": [{"name": "拨付时限", "target": f"{year}年底前"}],
                "成本指标": [{"name": "补助标准", "target": "≤100元/人"}],
            },
            "效益指标": {"社会效益指标": [{"name": "补助覆盖率", "target": "≥95%"}]},
            "满意度指标": {"服务对象满意度指标": [{"name": "服务对象满意度", "target": "≥90%"}]},
        }},
        "filed_on": f"{year - 1}-10-15",
    }
    if kind in ("project", "special_fund"):  # what the forms print boxes and cells for
        data.update(status="新增", policy_references=[f"关于{name}的通知"])
    if kind == "project":
        data.update(overview=f"{name}按标准足额发放", feasibility=f"{name}资金已纳入预算",
                    necessity=f"保障{name}按时发放")
    if kind == "department":
        for field in ("period", "schedule", "expenses"):
            del data[field]
    if kind == "expenditure_direction":
        del data["schedule"]
        data["special_fund"] = {"name": "业务经费专项"}
    return merge(data, overrides)


def merge(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in overrides.items():
        if value is DELETE:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def dump(data: dict[str, Any]) -> str:
    y = YAML()
    y.indent(mapping=2, sequence=4, offset=2)
    y.width = 4096
    buffer = io.StringIO()
    y.dump(data, buffer)
    return buffer.getvalue()


def write(root: Path, data: dict[str, Any], *, year: int | str | None = None,
          unit: str | None = None, stem: str | None = None,
          edit: Callable[[str], str] | None = None) -> Path:
    """Writes `data` as <root>/<year>/<unit>/<id>.yaml (or the folders and name given)."""
    folder = root / str(year or data["fiscal_year"]) / (unit or data["unit"]["id"])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{stem or data['id']}.yaml"
    text = dump(data)
    if edit:
        text = edit(text)
    path.write_text(text, encoding="utf-8")
    return path


def check(*paths: Path) -> list[Finding]:
    """The rules' findings: what the declarations' layouts print (L001) is the layouts'
    part, tested in test_layouts.py, and the helpers' declarations hold more than one
    built-in layout prints. Every finding, in both languages, names what the clerk sees
    on the form (wording.py)."""
    findings = api.check(list(paths), HERE).findings
    assert_clerk_words(findings)
    with speaking("zh"):
        assert_clerk_words(api.check(list(paths), HERE).findings)
    return [f for f in findings if f.code != "L001"]


def line_of(path: Path, *needles: str) -> int:
    """The 1-based line of `needles[-1]` in the file: a single needle must occur on exactly
    one line; more needles are found in turn, each after the line of the one before."""
    lines = path.read_text(encoding="utf-8").splitlines()
    if len(needles) == 1:
        found = [i for i, line in enumerate(lines, 1) if needles[0] in line]
        assert len(found) == 1, f"{needles[0]!r} is on lines {found} of\n{path.read_text()}"
        return found[0]
    start = 0
    for needle in needles:
        start = next(i for i, line in enumerate(lines, 1) if i > start and needle in line)
    return start


def only(findings: list[Finding], code: str) -> list[Finding]:
    """The findings of `code`, after checking that no other rule fired."""
    assert {f.code for f in findings} == {code}, [
        (f.code, f.line, f.message) for f in findings]
    return findings


def one(findings: list[Finding], code: str, severity: Severity, line: int) -> Finding:
    """The single finding of `code` (and of any rule), with its severity and line checked."""
    hits = only(findings, code)
    assert len(hits) == 1, [(f.code, f.line, f.message) for f in hits]
    assert (hits[0].severity, hits[0].line) == (severity, line), hits[0]
    return hits[0]


def assert_clean(findings: list[Finding]) -> None:
    assert findings == [], [(f.code, f.line, f.message) for f in findings]


# --------------------------------------------------------------------------- the base


@pytest.mark.parametrize("kind", ["project", "special_fund", "expenditure_direction",
                                  "department"])
def test_base_declaration_has_no_findings(tmp_path: Path, kind: str) -> None:
    path = write(tmp_path, declaration(kind))
    assert path.relative_to(tmp_path) == Path(f"2023/{UNIT}/jiaofei-butie.yaml")
    assert_clean(check(path))
    assert [d.id for d in api.check([path], HERE).declarations] == ["jiaofei-butie"]


# --------------------------------------------------------------------------- amounts


@triggers("A001")
def test_a001_general_budget_and_fund_do_not_add_up_to_fiscal(tmp_path: Path) -> None:
    path = write(tmp_path, declaration(funding={"general_budget": 10, "government_fund": 1}))
    f = one(check(path), "A001", E, line_of(path, "fiscal: 12"))
    assert "一般公共预算 + 政府性基金 = 11 万元" in f.message
    assert "财政拨款 is 12 万元" in f.message


@triggers("A001")
def test_a001_sources_do_not_add_up_to_total(tmp_path: Path) -> None:
    path = write(tmp_path, declaration(funding={"fiscal": 10, "own": 1}))
    f = one(check(path), "A001", E, line_of(path, "total: 12"))
    assert "the sources add up to 11 万元, but 资金总额 is 12 万元" in f.message


@triggers("A001")
def test_a001_prior_year_balance_above_fiscal(tmp_path: Path) -> None:
    path = write(tmp_path, declaration(funding={"prior_year_balance": 13}))
    f = one(check(path), "A001", E, line_of(path, "prior_year_balance: 13"))
    assert "13 万元" in f.message and "财政拨款 12 万元" in f.message


@triggers("A001")
def test_a001_history_year_does_not_add_up(tmp_path: Path) -> None:
    history = [{"year": 2022, "total": 10, "fiscal": 9}]
    path = write(tmp_path, declaration(funding={"history": history}))
    f = one(check(path), "A001", E, line_of(path, "total: 10"))
    assert "add up to 9 万元, but 资金总额 for 2022 is 10 万元" in f.message


@clean("A001")
def test_a001_sources_that_add_up(tmp_path: Path) -> None:
    funding = {"total": 12, "fiscal": 10, "general_budget": 7.5, "government_fund": 2.5,
               "prior_year_balance": 10, "own": 1.5, "other": 0.5,
               "history": [{"year": 2022, "total": 10, "fiscal": 10}]}
    assert_clean(check(write(tmp_path, declaration(funding=funding))))


@triggers("A002")
def test_a002_basic_and_project_do_not_add_up(tmp_path: Path) -> None:
    path = write(tmp_path, declaration(funding={"basic": 2, "project": 9}))
    f = one(check(path), "A002", E, line_of(path, "project: 9"))
    assert "基本支出 + 项目支出 = 11 万元, but 资金总额 is 12 万元" in f.message


@clean("A002")
def test_a002_basic_and_project_add_up(tmp_path: Path) -> None:
    assert_clean(check(write(tmp_path, declaration(funding={"basic": 3, "project": 9}))))


def _two_expense_lines(second: float) -> dict[str, Any]:
    return {"items": [
        {"item": "缴费补贴支出", "amount": 10, "basis": "1000人×100元/人=10万元"},
        {"item": "邮寄费用", "amount": second, "basis": f"{int(second * 10000)}元"},
    ]}


@triggers("A003")
def test_a003_expense_lines_do_not_add_up_to_the_amount(tmp_path: Path) -> None:
    path = write(tmp_path, declaration(expenses=_two_expense_lines(1)))
    f = one(check(path), "A003", E, line_of(path, "expenses:"))
    assert "the expense lines add up to 11 万元, but the declaration asks for 12 万元" in f.message


@clean("A003")
def test_a003_expense_lines_add_up(tmp_path: Path) -> None:
    assert_clean(check(write(tmp_path, declaration(expenses=_two_expense_lines(2)))))


@triggers("A004")
def test_a004_stated_total_differs_from_the_lines(tmp_path: Path) -> None:
    path = write(tmp_path, declaration(expenses={"total": 13}))
    f = one(check(path), "A004", E, line_of(path, "total: 13"))
    assert "合计 says 13 万元, but the expense lines add up to 12 万元" in f.message


@clean("A004")
def test_a004_stated_total_agrees(tmp_path: Path) -> None:
    assert_clean(check(write(tmp_path, declaration(expenses={"total": 12}))))


@triggers("A005")
def test_a005_multi_year_total_below_annual(tmp_path: Path) -> None:
    path = write(tmp_path, declaration(funding={"multi_year_total": 10}))
    f = one(check(path), "A005", E, line_of(path, "multi_year_total: 10"))
    assert "项目总预算 10 万元 is below this year's 12 万元" in f.message


@clean("A005")
def test_a005_multi_year_total_covers_the_year(tmp_path: Path) -> None:
    assert_clean(check(write(tmp_path, declaration(funding={"multi_year_total": 36}))))


@triggers("A006")
def test_a006_approximate_expense_line(tmp_path: Path) -> None:
    items = [{"item": "缴费补贴支出", "amount": 12, "approximate": True,
              "basis": "1200人×100元/人=12万元"}]
    path = write(tmp_path, declaration(expenses={"items": items}))
    f = one(check(path), "A006", W, line_of(path, "approximate: true"))
    assert "缴费补贴支出" in f.message and "about 12 万元" in f.message


@triggers("A006")
def test_a006_approximate_total(tmp_path: Path) -> None:
    path = write(tmp_path, declaration(expenses={"total": 12, "total_approximate": True}))
    f = one(check(path), "A006", W, line_of(path, "total_approximate: true"))
    assert "合计" in f.message and "approximate" in f.message


@triggers("A006")
def test_a006_approximate_lines_and_their_total_are_said_once(tmp_path: Path) -> None:
    """The Zhuzhou forms: 约 on the line and on its 合计, one problem."""
    items = [{"item": "缴费补贴支出", "amount": 12, "approximate": True,
              "basis": "1200人×100元/人=12万元"}]
    expenses = {"items": items, "total": 12, "total_approximate": True}
    path = write(tmp_path, declaration(expenses=expenses))
    f = one(check(path), "A006", W, line_of(path, "items:", "approximate: true"))
    assert "缴费补贴支出" in f.message


@clean("A006")
def test_a006_exact_amounts(tmp_path: Path) -> None:
    items = [{"item": "缴费补贴支出", "amount": 12, "approximate": False,
              "basis": "1200人×100元/人=12万元"}]
    expenses = {"items": items, "total": 12, "total_approximate": False}
    assert_clean(check(write(tmp_path, declaration(expenses=expenses))))


@triggers("A007")
def test_a007_five_decimal_places(tmp_path: Path) -> None:
    path = write(tmp_path, declaration(funding={"multi_year_total": 36.00001}))
    f = one(check(path), "A007", E, line_of(path, "multi_year_total: 36.00001"))
    assert "36.00001 has more than four decimal places" in f.message


@triggers("A007")
def test_a007_in_an_expense_line(tmp_path: Path) -> None:
    data = declaration(funding={"total": 12.00005, "fiscal": 12.00005},
                       expenses={"items": [{"item": "缴费补贴支出", "amount": 12.00005,
                                            "basis": "1200人×100.0004元/人"}]})
    path = write(tmp_path, data)
    hits = only(check(path), "A007")
    assert [(f.line, f.severity) for f in hits] == [
        (line_of(path, "total: 12.00005"), E), (line_of(path, "fiscal: 12.00005"), E),
        (line_of(path, "amount: 12.00005"), E)]
    assert all("12.00005 has more than four decimal places" in f.message for f in hits)


@clean("A007")
def test_a007_four_decimal_places(tmp_path: Path) -> None:
    data = declaration(funding={"total": 12.0001, "fiscal": 12.0001},
                       expenses={"items": [{"item": "缴费补贴支出", "amount": 12.0001,
                                            "basis": "1200人×100.0008元/人"}]})
    assert_clean(check(write(tmp_path, data)))


@clean("A007")
def test_a007_trailing_zeros_are_not_decimal_places(tmp_path: Path) -> None:
    # 36.50000 is 36.5 万元: written with zeros, but exact to the thousand yuan
    path = write(tmp_path, declaration(funding={"multi_year_total": 36.5}),
                 edit=lambda text: text.replace("multi_year_total: 36.5",
                                                "multi_year_total: 36.50000"))
    assert "36.50000" in path.read_text(encoding="utf-8")
    assert_clean(check(path))


@triggers("A008")
def test_a008_funding_without_total(tmp_path: Path) -> None:
    path = write(tmp_path, declaration(funding={"total": DELETE}))
    # points where `total` belongs: first in `funding`, before `fiscal`
    f = one(check(path), "A008", E, line_of(path, "fiscal: 12"))
    # named as the form labels it, then the key to type
    assert "no amount for this year: 年度资金总额 (`funding.total`) is missing" in f.message


@triggers("A008")
def test_a008_no_funding_at_all(tmp_path: Path) -> None:
    path = write(tmp_path, declaration(funding=DELETE))
    # points where `funding` belongs: after `period`, not at the document start
    f = one(check(path), "A008", E, line_of(path, "period:"))
    assert "no amount: 年度资金总额 (`funding.total`) is missing" in f.message


@clean("A008")
def test_a008_total_given_without_the_sources(tmp_path: Path) -> None:
    assert_clean(check(write(tmp_path, declaration(funding={"fiscal": DELETE}))))


# --------------------------------------------------------------------------- years


@triggers("T001")
def test_t001_period_misses_the_fiscal_year(tmp_path: Path) -> None:
    data = declaration(period={"start": "2022-01", "end": "2022-12"},
                       schedule=[{"task": "缴费补贴发放", "start": "2022-03", "end": "2022-09"}])
    path = write(tmp_path, data)
    f = one(check(path), "T001", E, line_of(path, "period:"))
    assert "the period 2022-01–2022-12 does not include the fiscal year 2023" in f.message


@triggers("T001")
def test_t001_period_ends_before_it_starts(tmp_path: Path) -> None:
    data = declaration(period={"start": "2023-06", "end": "2023-01"}, schedule=DELETE)
    path = write(tmp_path, data)
    f = one(check(path), "T001", E, line_of(path, "period:"))
    assert "the period ends (2023-01) before it starts (2023-06)" in f.message


@clean("T001")
def test_t001_multi_year_period(tmp_path: Path) -> None:
    data = declaration(period={"start": "2022", "end": "2025"})
    assert_clean(check(write(tmp_path, data)))


@triggers("T002")
def test_t002_schedule_row_after_the_period(tmp_path: Path) -> None:
    data = declaration(schedule=[{"task": "缴费补贴发放", "start": "2023-01", "end": "2024-03"}])
    path = write(tmp_path, data)
    f = one(check(path), "T002", E, line_of(path, "end: 2024-03"))
    assert "2024-03 lies outside 2023-01–2023-12" in f.message


@triggers("T002")
def test_t002_schedule_row_outside_the_fiscal_year(tmp_path: Path) -> None:
    data = declaration(period=DELETE,
                       schedule=[{"task": "缴费补贴发放", "start": "2022-12", "end": "2023-12"}])
    path = write(tmp_path, data)
    f = one(check(path), "T002", E, line_of(path, "start: 2022-12"))
    assert "2022-12 lies outside the fiscal year 2023" in f.message


@triggers("T002")
def test_t002_schedule_row_ends_before_it_starts(tmp_path: Path) -> None:
    data = declaration(schedule=[{"task": "缴费补贴发放", "start": "2023-09", "end": "2023-03"}])
    path = write(tmp_path, data)
    f = one(check(path), "T002", E, line_of(path, "end: 2023-03"))
    assert "the task ends (2023-03) before it starts (2023-09)" in f.message


@clean("T002")
def test_t002_schedule_within_the_period(tmp_path: Path) -> None:
    data = declaration(period=DELETE, schedule=[
        {"task": "缴费补贴审核", "start": "2023-01", "end": "2023-03"},
        {"task": "缴费补贴发放", "start": "2023", "end": "2023"},
    ])
    assert_clean(check(write(tmp_path, data)))


@triggers("T003")
def test_t003_deadline_names_another_year(tmp_path: Path) -> None:
    data = declaration(indicators={"annual": {"产出指标": {
        "时效指标": [{"name": "拨付时限", "target": "2022年底前"}]}}})
    path = write(tmp_path, data)
    f = one(check(path), "T003", E, line_of(path, "2022年底前"))
    assert "the target 2022年底前 names 2022, but the fiscal year is 2023" in f.message


@clean("T003")
def test_t003_deadline_in_the_fiscal_year(tmp_path: Path) -> None:
    # annual targets name the fiscal year; long-term ones may name a later year
    data = declaration(indicators={
        "annual": {"产出指标": {"时效指标": [
            {"name": "拨付时限", "target": "2023年12月底前"},
            # a deadline without a year names no wrong year (T006 asks for the year)
            {"name": "年底结算", "target": "12月底前"},
            {"name": "按月发放", "target": "每月10日前"}]}},
        "long_term": {
            "产出指标": {"时效指标": [{"name": "全部完成时限", "target": "2025年底前"}]},
            "效益指标": {"社会效益指标": [{"name": "补助覆盖率", "target": "≥98%"}]},
            "满意度指标": {"服务对象满意度指标": [{"name": "服务对象满意度", "target": "≥95%"}]},
        }})
    assert [f.code for f in check(write(tmp_path, data))] == ["T006"]


@triggers("T004")
def test_t004_filed_after_the_fiscal_year(tmp_path: Path) -> None:
    path = write(tmp_path, declaration(filed_on="2024-01-05"))
    f = one(check(path), "T004", E, line_of(path, "filed_on:"))
    assert "filed on 2024-01-05, after the fiscal year 2023 had ended" in f.message


@triggers("T001")
def test_t001_and_the_filing_date_say_another_year_once(tmp_path: Path) -> None:
    """The Shigu 缴费补贴 form, filed under 2018: its period and its filing date both say
    2019. One finding, whose hint has both."""
    data = declaration(year=2018, period={"start": "2019-01", "end": "2019-12"},
                       schedule=[{"task": "缴费补贴发放", "start": "2019-01", "end": "2019-12"}],
                       filed_on="2019-05-21")
    path = write(tmp_path, data)
    found = [f for f in check(path) if f.code in ("T001", "T004")]
    assert [(f.code, f.line) for f in found] == [("T001", line_of(path, "period:"))]
    assert found[0].hint == ("the period and the filing date (2019-05-21) both say another "
                             "year: is 年度 (`fiscal_year`) right?")


@clean("T004")
def test_t004_filed_during_the_fiscal_year(tmp_path: Path) -> None:
    assert_clean(check(write(tmp_path, declaration(filed_on="2023-12-31"))))


@triggers("T005")
def test_t005_indicator_history_of_the_fiscal_year(tmp_path: Path) -> None:
    history = [{"year": 2022, "value": "≥1100人"}, {"year": 2023, "value": "≥1150人"}]
    data = declaration(indicators={"annual": {"产出指标": {
        "数量指标": [{"name": "补助人数", "target": "≥1200人", "history": history}]}}})
    path = write(tmp_path, data)
    f = one(check(path), "T005", E, line_of(path, "- year: 2023"))
    assert "history for 2023 is not a year before 2023" in f.message


@triggers("T005")
def test_t005_funding_history_and_long_term_until(tmp_path: Path) -> None:
    data = declaration(funding={"history": [{"year": 2024, "total": 12, "fiscal": 12}]},
                       goals={"long_term_until": 2022})
    path = write(tmp_path, data)
    hits = only(check(path), "T005")
    assert [(f.severity, f.line, f.message) for f in hits] == [
        (E, line_of(path, "- year: 2024"), "history for 2024 is not a year before 2023"),
        (E, line_of(path, "long_term_until: 2022"),
         "the long-term goals end in 2022, before the fiscal year 2023"),
    ]


@clean("T005")
def test_t005_history_of_earlier_years(tmp_path: Path) -> None:
    history = [{"year": 2021, "value": "≥1000人"}, {"year": 2022, "value": "≥1100人"}]
    data = declaration(
        funding={"history": [{"year": 2022, "total": 10, "fiscal": 10}]},
        goals={"long_term_until": 2025},
        indicators={"annual": {"产出指标": {
            "数量指标": [{"name": "补助人数", "target": "≥1200人", "history": history}]}}})
    assert_clean(check(write(tmp_path, data)))


# --------------------------------------------------------------------------- indicators


@triggers("I002")
def test_i002_no_satisfaction_indicator(tmp_path: Path) -> None:
    path = write(tmp_path, declaration(indicators={"annual": {"满意度指标": DELETE}}))
    f = one(check(path), "I002", W, line_of(path, "indicators:", "annual:"))
    assert f.message == "no indicator under 满意度指标"


@triggers("I002")
def test_i002_no_indicators_at_all(tmp_path: Path) -> None:
    path = write(tmp_path, declaration(indicators=DELETE))
    # points where `indicators` belongs: after `goals`
    f = one(check(path), "I002", W, line_of(path, "goals:"))
    assert "no performance indicators (绩效指标) at all" in f.message


@clean("I002")
def test_i002_new_framework_with_cost_as_level_one(tmp_path: Path) -> None:
    data = declaration(indicators={"annual": {
        "产出指标": {"成本指标": DELETE},
        "成本指标": {"经济成本指标": [{"name": "补助标准", "target": "≤100元/人"}]}}})
    assert_clean(check(write(tmp_path, data)))


def _quantity(target: Any, level2: str = "数量指标", name: str = "补助人数") -> dict[str, Any]:
    return {"indicators": {"annual": {"产出指标": {level2: [{"name": name, "target": target}]}}}}


@triggers("I003")
def test_i003_indicator_without_target(tmp_path: Path) -> None:
    data = declaration(indicators={"annual": {"产出指标": {"数量指标": [{"name": "补助人数"}]}}})
    path = write(tmp_path, data)
    f = one(check(path), "I003", W, line_of(path, "name: 补助人数"))
    assert "indicator 补助人数 has no target value (指标值)" in f.message


@triggers("I003")
def test_i003_one_indicator_without_target_in_both_tables_is_said_once(tmp_path: Path) -> None:
    """The Shigu forms repeat an indicator with no target in the long-term and the annual
    table: one finding, at the first."""
    both = {"效益指标": {"社会效益指标": [{"name": "减少养老金的流失"}]}}
    data = declaration(indicators={"long_term": both, "annual": both})
    path = write(tmp_path, data)
    found = [f for f in check(path) if f.code == "I003"]
    assert [(f.line, f.message) for f in found] == [
        (line_of(path, "indicators:", "long_term:", "减少养老金的流失"), "indicator 减少养老金的流失 has no "
         "target value (指标值), in the long-term table and in the annual one")]


@clean("I003")
def test_i003_indicator_with_target(tmp_path: Path) -> None:
    assert_clean(check(write(tmp_path, declaration(**_quantity("≥1500人")))))


@triggers("I004")
def test_i004_target_mixes_words_and_figures(tmp_path: Path) -> None:
    path = write(tmp_path, declaration(**_quantity("预计平均2083元/人/月")))
    f = one(check(path), "I004", W, line_of(path, "预计平均2083元/人/月"))
    assert "target 预计平均2083元/人/月 mixes words with figures" in f.message


@clean("I004")
def test_i004_measurable_target(tmp_path: Path) -> None:
    data = declaration(**_quantity("≤2083元/人/月", "成本指标", "补贴标准"))
    assert_clean(check(write(tmp_path, data)))


@triggers("I005")
def test_i005_number_without_unit(tmp_path: Path) -> None:
    path = write(tmp_path, declaration(**_quantity(160)))
    f = one(check(path), "I005", W, line_of(path, "target: 160"))
    assert f.message == "target 160 has no unit"


@triggers("I005")
def test_i005_unit_is_a_description(tmp_path: Path) -> None:
    path = write(tmp_path, declaration(**_quantity("1名建国初期老干部")))
    f = one(check(path), "I005", W, line_of(path, "1名建国初期老干部"))
    assert "the unit 名建国初期老干部 reads like a description" in f.message


@clean("I005")
def test_i005_short_unit(tmp_path: Path) -> None:
    assert_clean(check(write(tmp_path, declaration(**_quantity("1名")))))


@triggers("I006")
def test_i006_cost_without_upper_bound(tmp_path: Path) -> None:
    path = write(tmp_path, declaration(**_quantity("160元/人/天", "成本指标", "补助标准")))
    f = one(check(path), "I006", W, line_of(path, "160元/人/天"))
    assert f.message == "cost target 160元/人/天 has no upper bound"
    assert f.hint == ("a cost is a ceiling: write ≤160元/人/天; a standard fixed by policy "
                      "is written =160元/人/天")


@triggers("I006")
def test_i006_cost_floor_in_the_new_framework(tmp_path: Path) -> None:
    data = declaration(indicators={"annual": {
        "产出指标": {"成本指标": DELETE},
        "成本指标": {"经济成本指标": [{"name": "项目预算数", "target": "≥10万元"}]}}})
    path = write(tmp_path, data)
    f = one(check(path), "I006", W, line_of(path, "≥10万元"))
    assert "cost target ≥10万元 has no upper bound" in f.message


@pytest.mark.parametrize("target", ["≤160元/人/天", "30-320元", "不超过5万元", "5万元以内",
                                    "160元以下", "3个工作日内", "=100元/人", "人均不超过100元",
                                    "人均=1474元/月"])
@clean("I006")
def test_i006_cost_with_upper_bound(tmp_path: Path, target: str) -> None:
    data = declaration(**_quantity(target, "成本指标", "补助标准"))
    assert_clean(check(write(tmp_path, data)))


@triggers("I010")
def test_i010_a_budget_figure_with_no_unit_that_is_in_yuan(tmp_path: Path) -> None:
    """The Yangxin forms: 项目预算数 100000 on a form of 10万元 (here 12万元)."""
    path = write(tmp_path, declaration(**_quantity("120000", "成本指标", "项目预算数")))
    # one finding for the cell (not I005 for the unit nor I006 for the ceiling beside it),
    # whose hint writes both
    f = one(check(path), "I010", W, line_of(path, "120000"))
    assert f.message == ("项目预算数 120000 has no unit: in the form's 万元 that is 120000万元, "
                         "more than the 12万元 the declaration asks for; in 元 it is 12万元")
    assert f.hint == ("write the unit it is in, as a ceiling: ≤120000元, or in the form's unit "
                      "≤12万元")


@triggers("I010")
def test_i010_a_figure_in_yuan_written_as_wan(tmp_path: Path) -> None:
    path = write(tmp_path, declaration(**_quantity("≤120000万元", "成本指标", "项目预算数")))
    f = one(check(path), "I010", W, line_of(path, "≤120000万元"))
    assert f.message == ("项目预算数 ≤120000万元 is 120000万元, more than the 12万元 the "
                         "declaration asks for; in 元 it would be 12万元")
    assert f.hint == "write the unit it is in: ≤120000元, or in the form's unit ≤12万元"


@clean("I010")
def test_i010_a_figure_too_large_in_every_unit_is_no_unit_mistake(tmp_path: Path) -> None:
    # ≤36万元 against 12万元 asked: in 元 it would be 36元 of a 12万元 project, no likelier
    data = declaration(**_quantity("≤36万元", "成本指标", "项目预算数"))
    assert [f for f in check(write(tmp_path, data)) if f.code == "I010"] == []


@clean("I010")
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(total=st.decimals(min_value="0.01", max_value="99999", places=2),
       unit=st.sampled_from(["元", "万元", "亿元"]), share=st.sampled_from(["1", "0.5", "0.01"]),
       operator=st.sampled_from(["", "≤", "不超过"]), name=st.sampled_from(["项目预算数",
                                                                          "单位运行成本"]))
def test_i010_an_amount_in_its_own_unit_is_never_doubted(
        tmp_path: Path, total: Decimal, unit: str, share: str, operator: str,
        name: str) -> None:
    """Any part of the amount asked for, written in any unit of money, fits it: no
    I010, whatever the amount, unit or way of writing a ceiling."""
    figure = total * Decimal(share) / {"元": Decimal("0.0001"), "万元": Decimal(1),
                                       "亿元": Decimal(10000)}[unit]
    text = f"{operator}{format(figure.normalize(), 'f')}{unit}"
    data = declaration(funding={"total": float(total), "fiscal": float(total)},
                       expenses={"items": [{"item": "缴费补贴支出", "amount": float(total),
                                            "basis": "缴费补贴：按标准测算"}]},
                       **_quantity(text, "成本指标", name))
    assert [f for f in check(write(tmp_path, data)) if f.code == "I010"] == []


def _satisfaction(target: str) -> dict[str, Any]:
    return {"indicators": {"annual": {"满意度指标": {"服务对象满意度指标": [
        {"name": "服务对象满意度", "target": target}]}}}}


@pytest.mark.parametrize(("target", "example"), [("≥90", "≥90%"), ("95分", "≥90%"),
                                                 ("90人", "≥90%")])
@triggers("I011")
def test_i011_satisfaction_that_is_no_percentage(tmp_path: Path, target: str,
                                                 example: str) -> None:
    path = write(tmp_path, declaration(**_satisfaction(target)))
    found = [f for f in check(path) if f.code == "I011"]
    assert [(f.line, f.message) for f in found] == [
        (line_of(path, target), f"satisfaction target {target} is not a percentage")]
    assert found[0].hint == f"write the share of those asked who are satisfied: {example}"


@pytest.mark.parametrize("target", ["≥90%", "95%以上", "不低于90%"])
@clean("I011")
def test_i011_satisfaction_as_a_percentage(tmp_path: Path, target: str) -> None:
    assert_clean(check(write(tmp_path, declaration(**_satisfaction(target)))))


@triggers("I012")
def test_i012_a_rate_whose_target_is_a_count(tmp_path: Path) -> None:
    path = write(tmp_path, declaration(**_quantity("100", "质量指标", "补贴到位率")))
    found = [f for f in check(path) if f.code == "I012"]
    assert [f.message for f in found] == ["补贴到位率 is a rate, but its target 100 is not"]
    assert found[0].hint == ("write the rate, 100%, or name the indicator after what the "
                             "figure counts")


@clean("I012")
def test_i012_a_rate_in_percent(tmp_path: Path) -> None:
    assert_clean(check(write(tmp_path, declaration(**_quantity("≥98%", "质量指标",
                                                                "补贴到位率")))))


@triggers("I013")
def test_i013_the_same_indicator_twice(tmp_path: Path) -> None:
    data = declaration(indicators={"annual": {"产出指标": {"数量指标": [
        {"name": "补助人数", "target": "≥1200人"}, {"name": "补助人数", "target": "≥1300人"}]}}})
    path = write(tmp_path, data)
    f = one(check(path), "I013", W, line_of(path, "≥1200人", "name: 补助人数"))
    assert f.message == "indicator 补助人数 appears twice under 数量指标"


@triggers("I013")
def test_i013_one_indicator_under_two_categories_of_a_table_is_said_once(
        tmp_path: Path) -> None:
    """Yangxin's 附2-2: 人社服务能力有所提升 under 社会成本指标 and 社会效益指标 of each table,
    without a target in the long-term one. One I013 per table, one I003 for the blank
    target, and no I015: each table has it in both places."""
    twice = {"成本指标": {"社会成本指标": [{"name": "服务能力有所提升"}]},
             "效益指标": {"社会效益指标": [{"name": "补助覆盖率", "target": "≥95%"},
                                          {"name": "服务能力有所提升"}]}}
    data = _two_terms(twice, twice)
    path = write(tmp_path, data)
    found = [(f.code, f.line) for f in check(path) if f.code in ("I003", "I013", "I015")]
    lines = path.read_text(encoding="utf-8").splitlines()
    at = [n for n, text in enumerate(lines, 1) if "name: 服务能力有所提升" in text]
    long_term = line_of(path, "indicators:", "long_term:")
    in_long_term = [n for n in at if n > long_term] if long_term > at[0] else at[:2]
    # one I003 for the one indicator (in both tables); I013 at each table's second copy
    assert sorted(found) == sorted([("I003", in_long_term[0]), ("I013", at[1]), ("I013", at[3])])
    assert "in the long-term table and in the annual one" in next(
        f.message for f in check(path) if f.code == "I003")
    f = next(f for f in check(path) if f.code == "I013")
    assert f.message == ("indicator 服务能力有所提升 appears under 效益指标 › 社会效益指标 and "
                         "again under 成本指标 › 社会成本指标")


@clean("I013")
def test_i013_the_same_name_in_two_terms(tmp_path: Path) -> None:
    # a multi-year project states an indicator for its term and for the year
    data = declaration(indicators={"long_term": {
        "产出指标": {"数量指标": [{"name": "补助人数", "target": "≥3600人"}],
                     "质量指标": [{"name": "补贴到位率", "target": "100%"}]},
        "效益指标": {"社会效益指标": [{"name": "补助覆盖率", "target": "≥98%"}]},
        "满意度指标": {"服务对象满意度指标": [{"name": "服务对象满意度", "target": "≥95%"}]}}})
    assert [f for f in check(write(tmp_path, data)) if f.code == "I013"] == []


@pytest.mark.parametrize(("level1", "level2", "why"), [
    ("产出指标", "时效指标", "时效指标 measure when (及时率, 按时完成率), not how much"),
    ("效益指标", "生态效益指标", "生态效益指标 measure effects on the environment")])
@triggers("I014")
def test_i014_a_share_of_work_done_out_of_place(tmp_path: Path, level1: str, level2: str,
                                               why: str) -> None:
    """The Yangxin forms: 工作任务完成率 under 时效指标, and under 生态效益指标."""
    data = declaration(indicators={"annual": {level1: {level2: [
        {"name": "工作任务完成率", "target": "100%"}]}}})
    path = write(tmp_path, data)
    found = [f for f in check(path) if f.code == "I014"]
    assert [(f.line, f.message) for f in found] == [
        (line_of(path, "工作任务完成率"), f"工作任务完成率 100% sits under {level2}: {why}")]


@pytest.mark.parametrize(("level1", "level2", "name"), [
    ("产出指标", "时效指标", "按时完成率"), ("产出指标", "时效指标", "补贴发放及时率"),
    ("效益指标", "生态效益指标", "无纸化办公率"), ("产出指标", "质量指标", "工作任务完成率")])
@clean("I014")
def test_i014_rates_where_they_belong(tmp_path: Path, level1: str, level2: str,
                                      name: str) -> None:
    data = declaration(indicators={"annual": {level1: {level2: [
        {"name": name, "target": "100%"}]}}})
    assert [f for f in check(write(tmp_path, data)) if f.code == "I014"] == []


def _two_terms(long_term: dict[str, Any], annual: dict[str, Any] | None = None,
               **more: Any) -> dict[str, Any]:
    """A three-year project with its long-term (中期) table and its annual one: each the
    base declaration's, with `long_term` and `annual` merged in."""
    base = declaration()["indicators"]["annual"]
    tables = {"long_term": copy.deepcopy(base), "annual": copy.deepcopy(base)}
    for term, extra in (("long_term", long_term), ("annual", annual or {})):
        for level1, level2s in extra.items():
            tables[term].setdefault(level1, {}).update(level2s)
    return declaration(period={"start": "2023-01", "end": "2025-12"},
                       funding={"total": 12, "fiscal": 12, "multi_year_total": 36},
                       indicators=tables, **more)


@triggers("I015")
def test_i015_one_indicator_under_two_categories(tmp_path: Path) -> None:
    """Shigu's 代办经费: 确保征缴收入 under 社会效益 in the long-term table, under 经济效益 in
    the annual one."""
    data = _two_terms({"效益指标": {"社会效益指标": [{"name": "补助覆盖率", "target": "≥95%"},
                                                  {"name": "确保征缴收入", "target": "≥95%"}]}},
                      {"效益指标": {"经济效益指标": [{"name": "确保征缴收入", "target": "≥95%"}]}})
    path = write(tmp_path, data)
    f = one(check(path), "I015", W, line_of(path, "经济效益指标", "name: 确保征缴收入"))
    assert f.message == ("确保征缴收入 is under 效益指标 › 经济效益指标 in the annual table but "
                         "under 效益指标 › 社会效益指标 in the long-term one")


@clean("I015", "I016", "I017", "W008")
def test_a_multi_year_project_whose_tables_and_goals_agree(tmp_path: Path) -> None:
    data = _two_terms({"产出指标": {"数量指标": [{"name": "补助人数", "target": "≥3600人"}],
                                   "成本指标": [{"name": "补助标准", "target": "≤100元/人"}]}},
                      goals={"long_term": ["三年内补贴全部按标准足额发放"],
                             "annual": ["2023年补贴按时足额发放到位"]})
    assert [f for f in check(write(tmp_path, data))
            if f.code in ("I015", "I016", "I017", "W008")] == []


@pytest.mark.parametrize(("long_term", "annual", "message"), [
    ("≤100元/人", "100元/人", "补助标准: 100元/人 has no bound (≤, ≥), while the long-term "
                           "table says ≤100元/人"),
    ("=100元/人", "不超过100元/人", "补助标准: =100元/人 has no bound (≤, ≥), while the annual "
                               "table says 不超过100元/人")])
@triggers("I016")
def test_i016_one_indicator_bounded_in_one_table_only(tmp_path: Path, long_term: str,
                                                     annual: str, message: str) -> None:
    data = _two_terms({"产出指标": {"成本指标": [{"name": "补助标准", "target": long_term}]}},
                      {"产出指标": {"成本指标": [{"name": "补助标准", "target": annual}]}})
    path = write(tmp_path, data)
    found = [f for f in check(path) if f.code == "I016"]
    assert [f.message for f in found] == [message]


@triggers("I017")
def test_i017_a_year_s_ceiling_above_the_period_s(tmp_path: Path) -> None:
    data = _two_terms({"产出指标": {"成本指标": [{"name": "项目总成本", "target": "≤30万元"}]}},
                      {"产出指标": {"成本指标": [{"name": "项目总成本", "target": "≤36万元"}]}})
    path = write(tmp_path, data)
    f = one(check(path), "I017", W, line_of(path, "≤36万元"))
    assert f.message == "项目总成本: the year's ≤36万元 is more than the whole period's ≤30万元"


@triggers("W008")
def test_w008_the_long_term_goals_copy_the_annual_ones(tmp_path: Path) -> None:
    data = _two_terms({}, goals={"long_term": ["补贴按时足额发放到位"],
                                 "annual": ["补贴按时足额发放到位"]})
    path = write(tmp_path, data)
    f = one(check(path), "W008", W, line_of(path, "long_term:", "补贴按时足额发放到位") - 1)
    assert f.message == ("the long-term goals are the annual goals, word for word, on a "
                         "project of several years")


@clean("W008")
def test_w008_a_one_year_project_may_say_its_goal_once_for_both(tmp_path: Path) -> None:
    data = declaration(goals={"long_term": ["补贴按时足额发放到位"],
                              "annual": ["补贴按时足额发放到位"]})
    assert [f for f in check(write(tmp_path, data)) if f.code == "W008"] == []


@pytest.mark.parametrize(("overrides", "message", "at"), [
    ({"overview": "待遇人员基础养老金85每人每月，区级负担7.5元每人每月",
      "funding": {"total": 74, "fiscal": 74},
      "expenses": {"items": [{"item": "基础养老金区级配套", "amount": 74,
                              "basis": "按2019年发放计划拨付"}]},
      "indicators": {"annual": {"产出指标": {
          "数量指标": [{"name": "保障养老待遇人数", "target": "5500人受益"}],
          "成本指标": [{"name": "项目成本", "target": "≤74万元"}]}}}},
     "5500人 × 7.5元/人/月 × 12个月 = 49.5万元, but the amount asked is 74万元", "total: 74"),
    ({"funding": {"total": 500, "fiscal": 500}, "expenses": {"items": [
        {"item": "职业年金记实", "amount": 500, "basis": "预计平均每人记实金额3.1万元，人数160人"}]}},
     "160人 × 3.1万元/人 = 496万元, but the amount asked is 500万元", "amount: 500")])
@triggers("A009")
def test_a009_the_amount_against_standard_times_head_count(
        tmp_path: Path, overrides: dict[str, Any], message: str, at: str) -> None:
    """Shigu's 基础养老金 (its 概况 and its target) and Zhuzhou's 附表3-4 (its 测算依据)."""
    path = write(tmp_path, declaration(**overrides))
    f = one(check(path), "A009", W, line_of(path, at))
    assert f.message == message
    assert f.hint and "tolerance 0.5%" in f.hint


@pytest.mark.parametrize("basis", [
    "平均每人补助2083元/人/月，共有1人",   # 2.4996万元 for 2.5: rounding
    "平均每人补贴1474元/月，共有14人",     # 24.76万元 for 24.76
    "1200人*100元/人=12万",
    "基础养老金发放900人，补助46元/人/月；缴费补贴11.25元/人的有1950人",  # two of each
])
@clean("A009", "W009")
def test_a009_w009_figures_that_agree_or_cannot_be_multiplied(tmp_path: Path,
                                                              basis: str) -> None:
    amount = {"平均每人补助": 2.5, "平均每人补贴": 24.76, "1200人*": 12}.get(basis[:6], 54)
    data = declaration(funding={"total": amount, "fiscal": amount}, expenses={"items": [
        {"item": "补助发放", "amount": amount, "basis": basis}]})
    assert [f for f in check(write(tmp_path, data)) if f.code in ("A009", "W009")] == []


@triggers("A009")
def test_a009_a_ceiling_per_person_bounds_the_amount(tmp_path: Path) -> None:
    """补助标准 ≤100元/人 for 1200人: at most 12万元; 10万元 is within it, 15万元 is not."""
    data = declaration(funding={"total": 15, "fiscal": 15}, expenses={"items": [
        {"item": "补助发放", "amount": 15, "basis": "按2023年实际人数发放"}]},
        indicators={"annual": {"产出指标": {"数量指标": [{"name": "补助人数", "target": "1200人"}]}}})
    path = write(tmp_path, data)
    f = one(check(path), "A009", W, line_of(path, "total: 15"))
    assert f.message == "1200人 × 100元/人 is at most 12万元, but the amount asked is 15万元"
    data["funding"] = {"total": 10, "fiscal": 10}
    data["expenses"]["items"][0]["amount"] = 10
    assert [f for f in check(write(tmp_path, data)) if f.code == "A009"] == []


@triggers("W009")
def test_w009_a_calculation_that_does_not_hold(tmp_path: Path) -> None:
    data = declaration(expenses={"items": [
        {"item": "补助发放", "amount": 12, "basis": "1200人×100元/人=14万元"}]})
    path = write(tmp_path, data)
    f = one(check(path), "W009", W, line_of(path, "basis: 1200人"))
    assert f.message == "1200人×100元/人=14万元 does not hold: the product is 12万元"


@triggers("I006")
def test_i006_a_cost_with_neither_unit_nor_ceiling_is_one_finding(tmp_path: Path) -> None:
    """The Yangxin forms' 项目预算数 80 on an 80万元 form: one finding (not I005 beside
    I006), whose hint gives the unit, 万元 for an amount that fits the form's."""
    data = declaration(funding={"total": 80, "fiscal": 80}, expenses={"items": [
        {"item": "缴费补贴支出", "amount": 80, "basis": "缴费补贴：8000人×100元/人=80万元"}]},
        **_quantity("80", "成本指标", "项目预算数"))
    path = write(tmp_path, data)
    f = one(check(path), "I006", W, f_line(path, "80"))
    assert f.message == "cost target 80 has neither a unit nor an upper bound"
    assert f.hint == ("a cost is a ceiling: write ≤80万元; a standard fixed by policy is "
                      "written =80万元")


@triggers("I006")
def test_i006_a_cost_of_unknown_unit_asks_for_both(tmp_path: Path) -> None:
    path = write(tmp_path, declaration(**_quantity("100", "成本指标", "补助标准")))
    f = one(check(path), "I006", W, f_line(path, "100"))
    assert f.hint == ("give its unit and its ceiling: ≤100元/人, ≤100万元 …; a standard fixed "
                      "by policy is written =100 with its unit")


@clean("W001")
def test_w001_leaves_a_target_that_repeats_its_name_to_i008(tmp_path: Path) -> None:
    text = "进一步提高参保群众的待遇水平"
    data = declaration(indicators={"annual": {"效益指标": {"社会效益指标": [
        {"name": text, "target": text}]}}})
    path = write(tmp_path, data)
    assert [f.code for f in check(path)] == ["I008"]


def f_line(path: Path, figure: str) -> int:
    """The line of the target whose value is `figure`, however YAML quotes it."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found = [i for i, line in enumerate(lines, 1)
             if line.strip().removeprefix("target:").strip().strip("'\"") == figure]
    assert len(found) == 1, found
    return found[0]


@triggers("I007")
def test_i007_time_target_under_quality(tmp_path: Path) -> None:
    path = write(tmp_path, declaration(**_quantity("按时", "质量指标", "发放及时性")))
    f = one(check(path), "I007", W, line_of(path, "target: 按时"))
    assert "the time target 按时 sits under 质量指标" in f.message


@triggers("I007")
def test_i007_deadline_under_social_benefit(tmp_path: Path) -> None:
    data = declaration(indicators={"annual": {"效益指标": {
        "社会效益指标": [{"name": "补助覆盖率", "target": "2023年底前"}]}}})
    path = write(tmp_path, data)
    f = one(check(path), "I007", W, line_of(path, "效益指标:", "2023年底前"))
    assert "the time target 2023年底前 sits under 社会效益指标" in f.message


@clean("I007")
def test_i007_time_target_under_timeliness(tmp_path: Path) -> None:
    data = declaration(**_quantity("按时", "时效指标", "发放及时性"))
    assert_clean(check(write(tmp_path, data)))


@triggers("I008")
def test_i008_target_repeats_the_name(tmp_path: Path) -> None:
    data = declaration(indicators={"annual": {"效益指标": {"社会效益指标": [
        {"name": "保障老干部基本生活", "target": "保障老干部基本生活"}]}}})
    path = write(tmp_path, data)
    f = one(check(path), "I008", W, line_of(path, "target: 保障老干部基本生活"))
    assert f.message == "the target repeats the indicator's name"


@clean("I008")
def test_i008_target_states_a_level(tmp_path: Path) -> None:
    data = declaration(indicators={"annual": {"效益指标": {"社会效益指标": [
        {"name": "保障老干部基本生活", "target": "100%"}]}}})
    assert_clean(check(write(tmp_path, data)))


@triggers("I009")
def test_i009_cost_in_both_frameworks(tmp_path: Path) -> None:
    data = declaration(indicators={"annual": {
        "成本指标": {"经济成本指标": [{"name": "项目预算数", "target": "≤12万元"}]}}})
    path = write(tmp_path, data)
    f = one(check(path), "I009", W, line_of(path, "产出指标:", "成本指标:"))
    assert "成本指标 appears both as level 1 and under 产出指标" in f.message
    assert path.read_text(encoding="utf-8").splitlines()[f.line - 1] == "      成本指标:"


@clean("I009")
def test_i009_frameworks_in_different_terms(tmp_path: Path) -> None:
    # the long-term indicators may use the other generation of the framework
    data = declaration(indicators={"long_term": {
        "产出指标": {"数量指标": [{"name": "补助人数", "target": "≥3600人"}]},
        "成本指标": {"经济成本指标": [{"name": "项目预算数", "target": "≤36万元"}]},
        "效益指标": {"社会效益指标": [{"name": "补助覆盖率", "target": "≥98%"}]},
        "满意度指标": {"服务对象满意度指标": [{"name": "服务对象满意度", "target": "≥95%"}]},
    }})
    assert_clean(check(write(tmp_path, data)))


# --------------------------------------------------------------------------- wording


def _benefit(target: str) -> dict[str, Any]:
    return {"indicators": {"annual": {"效益指标": {"社会效益指标": [
        {"name": "参保群众待遇水平", "target": target}]}}}}


@triggers("W001")
@pytest.mark.parametrize(("target", "message"), [
    ("有所提升", "vague target 有所提升"),
    ("待遇水平进一步提高", "vague target 待遇水平进一步提高 (进一步提高)"),
    ("提高", "vague target 提高"),
])
def test_w001_vague_target(tmp_path: Path, target: str, message: str) -> None:
    path = write(tmp_path, declaration(**_benefit(target)))
    f = one(check(path), "W001", W, line_of(path, f"target: {target}"))
    assert f.message == message


@clean("W001")
def test_w001_specific_target(tmp_path: Path) -> None:
    assert_clean(check(write(tmp_path, declaration(**_benefit("≥5%")))))


@triggers("W002")
def test_w002_placeholder_year(tmp_path: Path) -> None:
    path = write(tmp_path, declaration(goals={"annual": ["20XX年缴费补贴按时足额发放到位"]}))
    f = one(check(path), "W002", E, line_of(path, "20XX年"))
    assert f.message == "placeholder 20XX left in the text"
    assert f.hint == "write what the form asks for in its place"


@triggers("W002")
def test_w002_placeholder_instead_of_a_value(tmp_path: Path) -> None:
    data = declaration(overview="待定")
    path = write(tmp_path, data)
    f = one(check(path), "W002", E, line_of(path, "overview: 待定"))
    assert f.message == "placeholder 待定 instead of a value"


@clean("W002")
def test_w002_filled_in(tmp_path: Path) -> None:
    data = declaration(overview="待遇人员缴费补贴100元每人每年",
                       goals={"annual": ["2023年缴费补贴按时足额发放到位"]})
    assert_clean(check(write(tmp_path, data)))


@clean("W002")
def test_w002_reads_the_form_s_text_not_its_identifiers(tmp_path: Path) -> None:
    """An id `perfdecl new --unit` accepts (xx-sbzx, taxx-jiaofei) is no placeholder: the
    ids and the layout say where a form is filed, not what it says."""
    data = declaration(id_="taxx-jiaofei", unit="xx-sbzx")
    path = write(tmp_path, data)
    assert_clean(check(path))


@triggers("W003")
def test_w003_goal_cut_off(tmp_path: Path) -> None:
    path = write(tmp_path, declaration(goals={"long_term": ["保障。"]}))
    f = one(check(path), "W003", W, line_of(path, "- 保障。"))
    assert f.message == "the goal 保障。 looks cut off"


@clean("W003")
def test_w003_whole_goal(tmp_path: Path) -> None:
    assert_clean(check(write(tmp_path, declaration(goals={"long_term": ["保障发放。"]}))))


@triggers("W004")
def test_w004_doubled_character(tmp_path: Path) -> None:
    path = write(tmp_path, declaration(goals={"annual": ["提供工作中所需要的的耗材"]}))
    f = one(check(path), "W004", W, line_of(path, "所需要的的耗材"))
    assert f.message == "的的 looks like a typo"


@pytest.mark.parametrize(("text", "doubled"), [("按时发发放到位", "发发"),
                                               ("保障障退休人员待遇", "障障"),
                                               ("确保资金专款专用用", "用用")])
@triggers("W004")
def test_w004_any_character_written_twice(tmp_path: Path, text: str, doubled: str) -> None:
    path = write(tmp_path, declaration(goals={"annual": [text]}))
    f = one(check(path), "W004", W, line_of(path, text))
    assert f.message == f"{doubled} looks like a typo"


@clean("W004")
def test_w004_real_words_with_doubled_characters(tmp_path: Path) -> None:
    data = declaration(goals={"annual": ["的的确确解决困难，避免问题不了了之",
                                         "人人享有社会保障，常常走访，层层落实"]})
    assert_clean(check(write(tmp_path, data)))


def test_the_rules_read_their_vocabulary_from_the_data_file() -> None:
    """vocabulary.toml, not the code, holds the words: the team extends the file."""
    import tomllib

    from perfdecl.rules import indicators, vocabulary, wording

    table = tomllib.loads(vocabulary.FILE.read_text(encoding="utf-8"))
    assert tuple(table["vague"]["phrases"]) == wording.VAGUE
    assert tuple(table["vague"]["whole"]) == wording.VAGUE_WHOLE
    assert tuple(table["money"]["names"]) == indicators.MONEY_NAMES
    assert tuple(table["time"]["names"]) == indicators.TIME_NAMES
    assert tuple(table["ecology"]["names"]) == indicators.ECOLOGY_NAMES
    assert len(set(wording.VAGUE)) == len(wording.VAGUE)  # each phrase once


@pytest.mark.parametrize("target", ["得到提升", "服务质量进一步优化", "有效保障"])
def test_w001_vague_phrases_of_the_data_file(tmp_path: Path, target: str) -> None:
    path = write(tmp_path, declaration(**_quantity(target, "质量指标", "服务质量")))
    assert [f.code for f in check(path)] == ["W001"]


@triggers("W005")
def test_w005_project_named_after_the_unit(tmp_path: Path) -> None:
    path = write(tmp_path, declaration(name=UNIT_NAME))
    # the project's name, not unit.name further down
    f = one(check(path), "W005", E, line_of(path, "kind:", f"name: {UNIT_NAME}"))
    assert f"the name {UNIT_NAME} is the unit's name, not the project's" in f.message


@clean("W005")
def test_w005_department_named_after_the_unit(tmp_path: Path) -> None:
    assert_clean(check(write(tmp_path, declaration("department", name=UNIT_NAME))))


@triggers("W006")
def test_w006_no_annual_goal(tmp_path: Path) -> None:
    path = write(tmp_path, declaration(goals={"annual": DELETE}))
    # points where `annual` belongs: after `long_term`
    f = one(check(path), "W006", W, line_of(path, "long_term:"))
    assert f.message == "no annual goal (年度目标)"


@triggers("W006")
def test_w006_no_goals_at_all(tmp_path: Path) -> None:
    path = write(tmp_path, declaration(goals=DELETE, layout="hengyang-2019"))
    hits = only(check(path), "W006")
    # both point where `goals` belongs: after `expenses`
    line = line_of(path, "expenses:")
    assert sorted((f.severity, f.line, f.message) for f in hits) == [
        (W, line, "no annual goal (年度目标)"),
        (W, line, "no long-term goal (长期/中期/实施期目标)"),
    ]


@clean("W006")
def test_w006_asks_no_long_term_goal_of_a_one_year_form(tmp_path: Path) -> None:
    """The national project form (财预〔2021〕101号) has a row for this year's goal only:
    no long-term goal is asked of a declaration printed on it."""
    path = write(tmp_path, declaration(goals={"long_term": DELETE}, layout="national"))
    assert_clean(check(path))
    on_paper = write(tmp_path / "h", declaration(goals={"long_term": DELETE},
                                                 layout="hengyang-2019"))
    f = one(check(on_paper), "W006", W, line_of(on_paper, "goals:", "annual:"))
    assert f.message == "no long-term goal (长期/中期/实施期目标)"


@triggers("W006")
def test_w006_department_without_goals_or_key_tasks(tmp_path: Path) -> None:
    path = write(tmp_path, declaration("department", goals=DELETE))
    f = one(check(path), "W006", W, line_of(path, "funding:"))  # where `goals` belongs
    assert f.message == "no goals and no key tasks (年度重点工作)"


@clean("W006")
def test_w006_department_with_key_tasks(tmp_path: Path) -> None:
    data = declaration("department", goals=DELETE, key_tasks=[{"task": "确保缴费补贴按时发放"}])
    assert_clean(check(write(tmp_path, data)))


@triggers("W007")
def test_w007_no_basis(tmp_path: Path) -> None:
    path = write(tmp_path, declaration(expenses={"items": [{"item": "缴费补贴支出",
                                                            "amount": 12}]}))
    f = one(check(path), "W007", W, line_of(path, "expenses:"))
    assert f.message == "the expense lines have no 测算依据"


@triggers("W007")
def test_w007_basis_without_figures(tmp_path: Path) -> None:
    items = [{"item": "缴费补贴支出", "amount": 12, "basis": "按实际发放人数测算"}]
    path = write(tmp_path, declaration(expenses={"items": items}))
    f = one(check(path), "W007", W, line_of(path, "按实际发放人数测算"))
    assert f.message == "测算依据 shows no calculation"


@clean("W007")
def test_w007_one_basis_for_the_table(tmp_path: Path) -> None:
    data = declaration(expenses={"items": [{"item": "缴费补贴支出", "amount": 12}],
                                 "basis": "１２００人×１００元/人＝１２万元"})
    assert_clean(check(write(tmp_path, data)))


# --------------------------------------------------------------------------- across files


@triggers("X001")
def test_x001_id_used_twice_in_a_year(tmp_path: Path) -> None:
    first = write(tmp_path, declaration())
    second = write(tmp_path, declaration(name="代办经费", unit="other-sbzx"))
    findings = check(first, second)
    hits = only(findings, "X001")
    by_file = {f.file: f for f in hits}
    assert len(hits) == 2 and set(by_file) == {first, second}
    for here, there in ((first, second), (second, first)):
        f = by_file[here]
        assert (f.severity, f.line) == (E, line_of(here, "id: jiaofei-butie"))
        # the other declaration by its form and name; its file is the related location
        other = "缴费补贴" if there == first else "代办经费"
        assert f.message == ("项目标识 (`id`) jiaofei-butie is used twice in 2023: also by "
                             f"项目支出绩效目标申报表：{other}")
        assert f.related == (there,)


@triggers("X001")
def test_x001_reported_when_checking_one_file_of_the_folder(tmp_path: Path) -> None:
    # the sibling (same unit folder, another file name) is read as context
    first = write(tmp_path, declaration())
    write(tmp_path, declaration(name="代办经费"), stem="daiban-jingfei")
    findings = check(first)
    f = one(findings, "X001", E, line_of(first, "id: jiaofei-butie"))
    assert "代办经费" in f.message and f.related[0].name == "daiban-jingfei.yaml"
    assert {x.file for x in findings} == {first}


@clean("X001")
def test_x001_same_id_in_another_year(tmp_path: Path) -> None:
    first = write(tmp_path, declaration(year=2022))
    second = write(tmp_path, declaration(year=2023))
    assert_clean(check(first, second))


@triggers("X002")
def test_x002_goal_copied_from_a_sibling(tmp_path: Path) -> None:
    goal = "2023年缴费补贴按时足额发放到位"
    first = write(tmp_path, declaration())
    second = write(tmp_path, declaration(id_="yijiao-jingfei", name="移交经费",
                                         goals={"annual": [goal]}))
    findings = check(first, second)
    f = one(findings, "X002", W, line_of(second, goal))
    assert f.file == second
    assert f"goal {goal} is the same as on 项目支出绩效目标申报表：缴费补贴 (2023)" in f.message
    assert f.related == (first,)


@triggers("X002")
def test_x002_across_years_when_a_declaration_s_year_is_in_doubt(tmp_path: Path) -> None:
    """Shigu's 缴费补贴, filed under 2018 with a 2019 period, copies the schedule of the
    2019 丧葬费补贴: its own year in doubt, it is compared with 2019's forms too."""
    task = "丧葬费补贴发放"
    first = write(tmp_path, declaration(id_="sangzang-butie", name="丧葬费补贴", year=2019))
    second = write(tmp_path, declaration(
        year=2018, period={"start": "2019-01", "end": "2019-12"},
        schedule=[{"task": task, "start": "2019-01", "end": "2019-12"}]))
    found = check(first, second)
    f = one([x for x in found if x.code == "X002"], "X002", W, line_of(second, task))
    assert f.file == second and f.related == (first,)
    assert f"schedule task {task} is the same as on 项目支出绩效目标申报表：丧葬费补贴 (2019)" \
        in f.message
    assert "T001" in {x.code for x in found}  # (why its year is in doubt)


@clean("X002")
def test_x002_the_same_text_in_another_year_is_last_year_s_form(tmp_path: Path) -> None:
    """A declaration sure of its year is not compared with another year's: rolling a
    form forward keeps its texts."""
    first = write(tmp_path, declaration(id_="sangzang-butie", name="丧葬费补贴", year=2022))
    second = write(tmp_path, declaration(schedule=[
        {"task": "丧葬费补贴发放", "start": "2023-01", "end": "2023-12"}]))
    assert [f for f in check(first, second) if f.code == "X002"] == []


@triggers("X002")
def test_x002_basis_copied_from_a_sibling(tmp_path: Path) -> None:
    basis = "缴费补贴：1200人×100元/人=12万元"
    first = write(tmp_path, declaration())
    items = [{"item": "移交经费支出", "amount": 12, "basis": basis}]
    second = write(tmp_path, declaration(id_="yijiao-jingfei", name="移交经费",
                                         expenses={"items": items}))
    f = one(check(first, second), "X002", W, line_of(second, basis))
    assert (f.file, f.related) == (second, (first,))
    assert f"测算依据 {basis} is the same as on 项目支出绩效目标申报表：缴费补贴 (2023)" in f.message


@clean("X002")
def test_x002_same_undertaking_on_two_forms(tmp_path: Path) -> None:
    # the same name twice may say the same things: no X002 (X006 asks about the name)
    first = write(tmp_path, declaration())
    second = write(tmp_path, declaration(id_="zx-jiaofei-butie"))
    assert {f.code for f in check(first, second)} == {"X006"}


@triggers("X006")
def test_x006_two_projects_of_one_name(tmp_path: Path) -> None:
    first = write(tmp_path, declaration())
    second = write(tmp_path, declaration(id_="jiaofei-butie-2", goals={
        "long_term": ["保障缴费补贴长期足额发放"], "annual": ["2023年缴费补贴及时发放"]}))
    f = one(check(first, second), "X006", W, line_of(second, "name: 缴费补贴"))
    assert (f.file, f.message, f.related) == (
        second, "缴费补贴 is also the name of another declaration of the unit in 2023: "
        "项目标识 (`id`) jiaofei-butie", (first,))


@clean("X006")
def test_x006_one_name_on_a_project_and_its_special_fund(tmp_path: Path) -> None:
    # Shigu's 基础养老金区级配套经费: a project and the special fund that pays for it
    first = write(tmp_path, declaration())
    second = write(tmp_path, declaration(kind="special_fund", id_="zx-jiaofei-butie"))
    assert [f for f in check(first, second) if f.code == "X006"] == []


@clean("X006")
def test_x006_one_declaration_in_two_files_is_x001s(tmp_path: Path) -> None:
    first = write(tmp_path, declaration())
    second = write(tmp_path, declaration(), stem="copy")  # P001: not named by its id
    assert {f.code for f in check(first, second)} == {"X001", "P001"}


@clean("X002")
def test_x002_own_texts(tmp_path: Path) -> None:
    first = write(tmp_path, declaration())
    second = write(tmp_path, declaration(id_="daiban-jingfei", name="代办经费"))
    assert_clean(check(first, second))


def _fund_and_directions(root: Path, stated: float, amounts: tuple[float, float],
                         fund_total: float) -> tuple[Path, Path, Path]:
    fund = write(root, declaration("special_fund", id_="zx-yewu-jingfei", name="业务经费专项",
                                   funding={"total": fund_total, "fiscal": fund_total},
                                   expenses={"items": [{
                                       "item": "业务经费专项支出", "amount": fund_total,
                                       "basis": f"专项合计{fund_total}万元"}]}))
    paths = [fund]
    for id_, name, amount in (("jiaofei", "缴费补贴", amounts[0]),
                              ("daiban", "代办经费", amounts[1])):
        paths.append(write(root, declaration(
            "expenditure_direction", id_=id_, name=name,
            special_fund={"name": "业务经费专项", "amount": stated},
            funding={"total": amount, "fiscal": amount},
            expenses={"items": [{"item": f"{name}支出", "amount": amount,
                                 "basis": f"{name}{amount}万元"}]})))
    return paths[0], paths[1], paths[2]


@triggers("X003")
def test_x003_directions_do_not_add_up_to_the_fund(tmp_path: Path) -> None:
    fund, jiaofei, daiban = _fund_and_directions(tmp_path, 30, (10, 15), 30)
    hits = only(check(fund, jiaofei, daiban), "X003")
    assert [(f.file, f.line, f.severity) for f in hits] == [
        (daiban, line_of(daiban, "amount: 30"), E),
        (jiaofei, line_of(jiaofei, "amount: 30"), E),
        (fund, line_of(fund, "total: 30"), E)]
    assert hits[0].message == ("所属专项 is stated as 30 万元, but its expenditure directions "
                               "add up to 25 万元 (代办经费 15 + 缴费补贴 10)")
    assert hits[2].message == ("资金总额 is 30 万元, but the special fund's expenditure "
                               "directions add up to 25 万元 (代办经费 15 + 缴费补贴 10)")


@triggers("X003")
def test_x003_checked_from_one_direction(tmp_path: Path) -> None:
    _, jiaofei, _ = _fund_and_directions(tmp_path, 30, (10, 15), 25)
    f = one(check(jiaofei), "X003", E, line_of(jiaofei, "amount: 30"))
    assert "stated as 30 万元" in f.message and "add up to 25 万元" in f.message


@clean("X003")
def test_x003_directions_add_up(tmp_path: Path) -> None:
    assert_clean(check(*_fund_and_directions(tmp_path, 30, (10, 20), 30)))


def _supervised(root: Path, departments: list[str]) -> list[Path]:
    names = ["缴费补贴", "代办经费", "丧葬补贴"]
    ids = ["jiaofei-butie", "daiban-jingfei", "sangzang-butie"]
    return [write(root, declaration(id_=i, name=n, supervising_department={"name": dept}))
            for i, n, dept in zip(ids, names, departments, strict=False)]


@triggers("X004")
def test_x004_one_declaration_names_another_supervisor(tmp_path: Path) -> None:
    paths = _supervised(tmp_path, ["人力资源和社会保障局", "财政局", "人力资源和社会保障局"])
    f = one(check(*paths), "X004", W, line_of(paths[1], "name: 财政局"))
    assert f.file == paths[1]
    assert f.message == ("主管部门 is 财政局, but the unit's other declarations say "
                         "人力资源和社会保障局")
    assert f.hint == ("write the department's official name, as its seal reads, the same on "
                      "every declaration of the unit")


@triggers("X004")
def test_x004_says_which_of_two_names_is_the_official_one(tmp_path: Path) -> None:
    """Yangxin's 附2-1 #4: 阳新县人力资源和社会保障局, where the others say 人力资源和社会保障局."""
    paths = _supervised(tmp_path, ["人力资源和社会保障局", "阳新县人力资源和社会保障局",
                                   "人力资源和社会保障局"])
    f = one(check(*paths), "X004", W, line_of(paths[1], "name: 阳新县人力资源和社会保障局"))
    assert f.hint == ("阳新县人力资源和社会保障局 is the official name (人力资源和社会保障局 is it "
                      "shortened): write it on every declaration of the unit")


@clean("X004")
def test_x004_same_supervisor(tmp_path: Path) -> None:
    paths = _supervised(tmp_path, ["人力资源和社会保障局", "人力资源和社会保障局",
                                   "人力资源和社会保障局"])
    assert_clean(check(*paths))


def _department_and_projects(root: Path, project: float,
                             amounts: tuple[float, ...]) -> list[Path]:
    dept = write(root, declaration("department", id_="test-sbzx-zhengti", name=UNIT_NAME,
                                   funding={"total": 8 + project, "fiscal": 8 + project,
                                            "basic": 8, "project": project}))
    paths = [dept]
    for i, amount in enumerate(amounts):
        name = f"第{i + 1}项补贴"
        paths.append(write(root, declaration(
            id_=f"butie-{i + 1}", name=name, funding={"total": amount, "fiscal": amount},
            expenses={"items": [{"item": f"{name}支出", "amount": amount,
                                 "basis": f"{name}{amount}万元"}]})))
    return paths


@triggers("X005")
def test_x005_department_projects_do_not_add_up(tmp_path: Path) -> None:
    paths = _department_and_projects(tmp_path, 22, (10, 15))
    f = one(check(*paths), "X005", W, line_of(paths[0], "project: 22"))
    assert f.file == paths[0]
    assert f.message == ("项目支出 is 22 万元, but the unit's 2 project declarations "
                         "add up to 25 万元")


@triggers("X005")
def test_x005_department_special_funds_do_not_add_up(tmp_path: Path) -> None:
    dept = write(tmp_path, declaration("department", id_="test-sbzx-zhengti", name=UNIT_NAME,
                                       funding={"total": 30, "fiscal": 30, "project": 30}))
    fund, jiaofei, daiban = _fund_and_directions(tmp_path, 25, (10, 15), 25)
    f = one(check(dept, fund, jiaofei, daiban), "X005", W, line_of(dept, "project: 30"))
    assert f.message == "项目支出 is 30 万元, but the unit's 1 special funds add up to 25 万元"


@clean("X005")
def test_x005_department_projects_add_up(tmp_path: Path) -> None:
    assert_clean(check(*_department_and_projects(tmp_path, 22, (10, 12))))


@triggers("P001")
def test_p001_file_named_differently(tmp_path: Path) -> None:
    path = write(tmp_path, declaration(), stem="jiaofei")
    f = one(check(path), "P001", W, line_of(path, "id: jiaofei-butie"))
    assert f.message == "the id is jiaofei-butie, but the file is named jiaofei.yaml"


@triggers("P001")
def test_p001_wrong_year_and_unit_folders(tmp_path: Path) -> None:
    path = write(tmp_path, declaration(), year=2024, unit="shigu-sbzx")
    hits = only(check(path), "P001")
    assert [(f.severity, f.line, f.message) for f in hits] == [
        (W, line_of(path, "fiscal_year: 2023"),
         "the fiscal year is 2023, but the file is in 2024/"),
        (W, line_of(path, f"id: {UNIT}"), f"the unit is {UNIT}, but the file is in shigu-sbzx/"),
    ]


@clean("P001")
def test_p001_outside_a_year_folder_only_the_name_counts(tmp_path: Path) -> None:
    path = write(tmp_path, declaration(), year="drafts", unit="mine")
    assert_clean(check(path))


# ------------------------------------------------------ across files, one not placed

UNPLACED = {
    "no unit id": lambda text: text.replace(f"  id: {UNIT}\n", ""),
    "no fiscal year": lambda text: text.replace("fiscal_year: 2023\n", "fiscal_yaer: 2023\n"),
    "an invalid fiscal year": lambda text: text.replace("fiscal_year: 2023\n",
                                                        "fiscal_year: 二〇二三\n"),
    "no kind": lambda text: text.replace("kind: expenditure_direction\n", "knid: x\n"),
    "not YAML": lambda text: text + "funding: [\n",
}
"""Ways a declaration beside the others cannot be placed in its unit and year."""


@pytest.mark.parametrize("how", UNPLACED)
def test_x003_not_summed_without_a_direction_that_cannot_be_placed(tmp_path: Path,
                                                                   how: str) -> None:
    """The directions add up (10 + 15 = 25); one of them loses its unit or year: the other
    one's and the fund's sums are unknown, not 10."""
    fund, jiaofei, daiban = _fund_and_directions(tmp_path, 25, (10, 15), 25)
    assert_clean(check(fund, jiaofei, daiban))
    daiban.write_text(UNPLACED[how](daiban.read_text(encoding="utf-8")), encoding="utf-8")
    findings = check(fund, jiaofei, daiban)
    assert {f.file for f in findings} == {daiban}, [(f.code, f.message) for f in findings]
    assert {f.severity for f in findings} == {E}


def test_x003_not_summed_when_a_direction_has_no_special_fund(tmp_path: Path) -> None:
    fund, jiaofei, daiban = _fund_and_directions(tmp_path, 25, (10, 15), 25)
    text = daiban.read_text(encoding="utf-8")
    daiban.write_text(text.replace("special_fund:\n  name: 业务经费专项\n  amount: 25\n", ""),
                      encoding="utf-8")
    findings = check(fund, jiaofei, daiban)
    assert [(f.file, f.code, f.path) for f in findings] == [(daiban, "S002", ("special_fund",))]


@pytest.mark.parametrize("how", ["no unit id", "no fiscal year", "not YAML"])
def test_x005_not_summed_without_a_project_that_cannot_be_placed(tmp_path: Path,
                                                                 how: str) -> None:
    dept, first, second = _department_and_projects(tmp_path, 25, (10, 15))
    assert_clean(check(dept, first, second))
    second.write_text(UNPLACED[how](second.read_text(encoding="utf-8")), encoding="utf-8")
    findings = check(dept, first, second)
    assert {f.file for f in findings} == {second}, [(f.code, f.message) for f in findings]


def test_x004_no_majority_when_a_supervisor_did_not_validate(tmp_path: Path) -> None:
    """人社局, (invalid), 财政局: which one is the unit's is not known."""
    paths = _supervised(tmp_path, ["人力资源和社会保障局", "人力资源和社会保障局", "财政局"])
    assert [f.code for f in check(*paths)] == ["X004"]
    text = paths[1].read_text(encoding="utf-8")
    paths[1].write_text(text.replace("  name: 人力资源和社会保障局\n", "  name: [人社局]\n"),
                        encoding="utf-8")
    assert [(f.file, f.code) for f in check(*paths)] == [(paths[1], "S003")]


# --------------------------------------------------------------------------- every rule


def test_every_rule_is_tested() -> None:
    checked = {r.code for r in all_rules() if r.check is not None or r.check_set is not None}
    assert checked >= {"A001", "T001", "I002", "W001", "X001", "P001"}  # the registry loaded
    assert checked - TRIGGERED == set(), "rules without a test that triggers them"
    assert checked - CLEAN == set(), "rules without a test of the compliant variant"
    assert checked >= TRIGGERED | CLEAN, "tests for codes that are not rules"


# ------------------------------------------------------ the README says what the code does

def _readme_section(title: str) -> str:
    text = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    start = text.index(f"### {title}\n")
    return text[start:text.index("\n#", start + 1)]


def test_the_readme_s_table_of_rules_names_every_code_and_no_other() -> None:
    import re

    named: set[str] = set()
    for first, last in re.findall(r"^\| ([A-Z]\d{3})(?:–([A-Z]\d{3}))? \|",
                                  _readme_section("The rules"), re.M):
        last = last or first
        assert first[0] == last[0], (first, last)
        named |= {f"{first[0]}{n:03d}" for n in range(int(first[1:]), int(last[1:]) + 1)}
    assert named == {r.code for r in all_rules()}


def test_the_readme_and_the_rules_state_the_limits_perfdecl_applies() -> None:
    """The limits live in domain.LIMITS; the README and `perfdecl rules` say them, and the
    modules that apply them take them from there."""
    from perfdecl import check, files, load, scalars
    from perfdecl.domain import LIMITS

    assert (LIMITS["file_mb"], LIMITS["values"], LIMITS["depth"], LIMITS["text"],
         LIMITS["digits"], LIMITS["declarations"]) == \
        (files.MAX_FILE_BYTES // 1024 // 1024, load.MAX_VALUES, load.MAX_DEPTH,
            load.MAX_TEXT, scalars.MAX_NUMBER_DIGITS, check.MAX_DECLARATIONS)
    said = " ".join(_readme_section("Limits").split())
    summaries = " ".join(r.describe() for r in all_rules())
    for phrase in ("at most {file_mb} MB", "at most {values:,} values",
                   "at most {depth} levels", "at most {text:,} characters",
                   "at most {digits:,} digits", "at most {declarations:,} declarations"):
        assert phrase.format_map(LIMITS) in said, phrase
        assert phrase.format_map(LIMITS) in summaries, phrase


@triggers("W010")
def test_w010_boxes_and_cells_the_form_prints_empty(tmp_path: Path) -> None:
    """The Yangxin projects' 项目属性, 项目分类 and 项目类别, unticked (附2-1 prints them)."""
    data = declaration(layout="yangxin-2024", status=DELETE, prior_years="2022年、2023年各12万元",
                       parent_project="社会保险经办")
    path = write(tmp_path, data)
    found = sorted((f.message, f.hint) for f in check(path) if f.code == "W010")
    assert found == [
        ("the form prints 项目分类, and its boxes are all unticked",
         "fill 项目分类 (`classification`)"),
        ("the form prints 项目属性, and its boxes are all unticked", "fill 项目属性 (`status`)"),
        ("the form prints 项目类别, and its boxes are all unticked", "fill 项目类别 (`category`)")]


@clean("W010")
def test_w010_what_the_form_prints_is_filled_or_not_on_it(tmp_path: Path) -> None:
    # the national form has no 项目分类 or 项目类别: nothing is said of them
    assert [f for f in check(write(tmp_path, declaration())) if f.code == "W010"] == []
    data = declaration(layout="yangxin-2024", classification="常年性", category="其他运转类",
                       prior_years="2022年、2023年各12万元", parent_project="社会保险经办")
    assert [f for f in check(write(tmp_path, data)) if f.code == "W010"] == []


@pytest.mark.parametrize(("level2", "name", "target", "code", "message"), [
    ("数量指标", "培训人次", "完成", "I018", "培训人次 is a 数量指标, but 完成 gives no number"),
    ("数量指标", "补助资金", "≥50万元", "I019", "补助资金 ≥50万元 is an amount of money under 数量指标"),
    ("质量指标", "资金到位率", "≥0%", "I020", "资金到位率: ≥0% is met whatever happens"),
    ("质量指标", "差错率", "≤100%", "I020", "差错率: ≤100% is met whatever happens"),
    ("时效指标", "拨付时限", "12月底前", "T006", "拨付时限: the deadline 12月底前 names no year")])
@triggers("I018", "I019", "I020", "T006")
def test_indicators_that_measure_nothing(tmp_path: Path, level2: str, name: str, target: str,
                                         code: str, message: str) -> None:
    path = write(tmp_path, declaration(**_quantity(target, level2, name)))
    found = [f for f in check(path) if f.code == code]
    assert [f.message for f in found] == [message]
    if code == "T006":
        assert found[0].hint == "write the year: 2023年12月底前"


@pytest.mark.parametrize(("level2", "name", "target"), [
    ("数量指标", "培训人次", "≥1200人次"), ("数量指标", "培训期数", "12期"),
    ("质量指标", "资金到位率", "100%"), ("质量指标", "差错率", "≤1%"),
    ("时效指标", "拨付时限", "2023年12月底前"), ("时效指标", "报送时限", "每月10日前")])
@clean("I018", "I019", "I020", "T006")
def test_indicators_that_measure_something(tmp_path: Path, level2: str, name: str,
                                           target: str) -> None:
    path = write(tmp_path, declaration(**_quantity(target, level2, name)))
    assert [f for f in check(path) if f.code in ("I018", "I019", "I020", "T006")] == []


@triggers("I021")
def test_i021_no_cost_indicator_under_the_2021_framework(tmp_path: Path) -> None:
    """The Zhuzhou 2023 directions 机关养老 and 职业年金记实 give no 成本指标."""
    data = declaration(indicators={"annual": {"产出指标": {"成本指标": DELETE}}})
    path = write(tmp_path, data)
    f = one(check(path), "I021", W, line_of(path, "indicators:", "annual:"))
    assert f.message == ("no cost indicator (成本指标) in the annual table: the framework of "
                         "2023 asks for one")


@clean("I021")
def test_i021_a_cost_in_either_generation_or_before_2022(tmp_path: Path) -> None:
    no_cost = {"indicators": {"annual": {"产出指标": {"成本指标": DELETE}}}}
    new_generation = {"indicators": {"annual": {"产出指标": {"成本指标": DELETE}, "成本指标": {
        "经济成本指标": [{"name": "补助标准", "target": "≤100元/人"}]}}}}
    for data in (declaration(**new_generation), declaration(year=2021, **no_cost),
                 declaration("department", **no_cost)):
        assert [f for f in check(write(tmp_path / str(id(data)), data))
                if f.code == "I021"] == []


# ------------------------------------------------------------ one finding per target cell

REWRITE_THE_TARGET = ("I004", "I005", "I006", "I008", "I010", "I011", "I012", "I018", "I020",
                      "T006", "W001")
"""The rules whose fix is to rewrite the target itself. Where a target breaks several,
the clerk rewrites one cell once: one finding says what to write. (Where an indicator sits,
I007, I014, I019, I015, and what the two tables say, I016, I017, are other problems.)"""


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(place=st.sampled_from([("产出指标", "数量指标"), ("产出指标", "质量指标"),
                              ("产出指标", "时效指标"), ("产出指标", "成本指标"),
                              ("效益指标", "社会效益指标"), ("满意度指标", "服务对象满意度指标")]),
       name=st.sampled_from(["补助人数", "项目预算数", "补助标准", "资金到位率", "发放及时率",
                             "服务对象满意度", "工作任务完成率", "确保征缴收入"]),
       words=st.sampled_from(["", "有所提升", "确保", "预计", "当年", "12月底前", "完成",
                              "基本", "各项共约"]),
       operator=st.sampled_from(["", "≥", "≤", "=", "不低于", "不超过"]),
       number=st.sampled_from(["", "0", "95", "100", "1200", "100000", "1474"]),
       unit=st.sampled_from(["", "%", "人", "元", "万元", "元/人", "名企业退休军转干部"]),
       words_last=st.booleans())
def test_a_target_gets_one_finding_that_says_what_to_write(
        tmp_path: Path, place: tuple[str, str], name: str, words: str, operator: str,
        number: str, unit: str, words_last: bool) -> None:
    figure = f"{operator}{number}{unit}" if number else ""
    target = f"{figure}{words}" if words_last else f"{words}{figure}"
    if not target:
        return
    level1, level2 = place
    data = declaration(indicators={"annual": {level1: {level2: [
        {"name": name, "target": target}]}}})
    findings = api.check([write(tmp_path, data)], HERE).findings
    on_target = [f for f in findings if f.code in REWRITE_THE_TARGET and f.path[-1:] == ("target",)]
    by_cell: dict[tuple[str | int, ...], list[str]] = {}
    for f in on_target:
        by_cell.setdefault(f.path, []).append(f"{f.code}: {f.message}")
    assert all(len(said) == 1 for said in by_cell.values()), (target, by_cell)
