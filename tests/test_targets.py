"""The target parser (指标值): real targets from the seed declarations and edge cases."""

from __future__ import annotations

from decimal import Decimal

import pytest

from perfdecl.targets import TargetKind, is_time_like, parse

Q, R, D, T, U = (TargetKind.QUANTITY, TargetKind.RANGE, TargetKind.DEADLINE, TargetKind.TEXT,
                 TargetKind.UNPARSED)

# (target as written, kind, operator, number, unit, year)
CASES = [
    # operators written as symbols, prefixes and suffixes
    ("≥95%", Q, "≥", "95", "%", None),
    ("≥90%", Q, "≥", "90", "%", None),
    ("95%以上", Q, "≥", "95", "%", None),
    ("95％及以上", Q, "≥", "95", "%", None),
    ("≤160元/人/天", Q, "≤", "160", "元/人/天", None),
    ("不超过5万元", Q, "≤", "5", "万元", None),
    ("不低于90%", Q, "≥", "90", "%", None),
    ("20万元以内", Q, "≤", "20", "万元", None),
    ("95%以下", Q, "≤", "95", "%", None),
    ("＞90％", Q, ">", "90", "%", None),
    ("小于3天", Q, "<", "3", "天", None),
    ("≥ 95 %", Q, "≥", "95", "%", None),
    ("≥1,500人", Q, "≥", "1500", "人", None),
    # a bare figure reads as "= figure"
    ("100%", Q, "=", "100", "%", None),
    ("1500人", Q, "=", "1500", "人", None),
    ("10000封", Q, "=", "10000", "封", None),
    ("100元/人", Q, "=", "100", "元/人", None),
    ("160", Q, "=", "160", None, None),
    ("5500人受益", Q, "=", "5500", "人受益", None),
    ("1名建国初期老干部", Q, "=", "1", "名建国初期老干部", None),
    ("１２０万", Q, "=", "120", "万", None),
    ("５５００人", Q, "=", "5500", "人", None),
    # ranges: operator "between", number is the lower end
    ("30-320元", R, "between", "30", "元", None),
    ("30~320元", R, "between", "30", "元", None),
    ("３０～３２０元", R, "between", "30", "元", None),
    ("30至320元", R, "between", "30", "元", None),
    ("3.5-4元/人", R, "between", "3.5", "元/人", None),
    # deadlines
    ("2023年底前", D, None, None, None, 2023),
    ("2023年12月底前", D, None, None, None, 2023),
    ("２０２３年底前", D, None, None, None, 2023),
    ("2023年12月31日前", D, None, None, None, 2023),
    ("2022年底完成", D, None, None, None, 2022),
    ("2023年内", D, None, None, None, 2023),
    ("12月底前", D, None, None, None, None),
    ("2024年度", D, None, None, None, 2024),
    # recurring deadlines, as 时效指标 write them
    ("每月10日前", D, None, None, None, None),
    ("每月15号前", D, None, None, None, None),
    ("每年3月底前", D, None, None, None, None),
    ("每季度5日前", D, None, None, None, None),
    # an operator said twice agrees; said two ways it contradicts itself
    ("≥95%以上", Q, "≥", "95", "%", None),
    ("≥95%以下", U, None, None, None, None),
    # qualitative
    ("按时", T, None, None, None, None),
    ("当年", T, None, None, None, None),
    ("全年", T, None, None, None, None),
    ("有所提升", T, None, None, None, None),
    ("确保", T, None, None, None, None),
    ("保障企业退休军转干部基本生活，维护社会稳定", T, None, None, None, None),
    # figures mixed with words: not measurable as written
    ("预计平均2083元/人/月", U, None, None, None, None),
    # a figure counted per person is still the target
    ("人均1474元/月", Q, "=", "1474", "元/月", None),
    ("3个工作日内", Q, "≤", "3", "个工作日", None),
    ("基础养老金补助人数1920人以上", U, None, None, None, None),
    ("各项共约6900人", U, None, None, None, None),
    ("≤30-320元", U, None, None, None, None),
    ("计划于2023年6月完成", U, None, None, None, 2023),
]


@pytest.mark.parametrize(("text", "kind", "operator", "number", "unit", "year"), CASES)
def test_parse(text: str, kind: TargetKind, operator: str | None, number: str | None,
               unit: str | None, year: int | None) -> None:
    t = parse(text)
    assert (t.kind, t.operator, t.number, t.unit, t.year) == (
        kind, operator, Decimal(number) if number is not None else None, unit, year)
    assert t.text == text  # the target keeps the text the form prints


@pytest.mark.parametrize(("text", "low", "high"), [
    ("30-320元", "30", "320"),
    ("３０～３２０元", "30", "320"),
    ("3.5-4元/人", "3.5", "4"),
])
def test_range_bounds(text: str, low: str, high: str) -> None:
    t = parse(text)
    assert (t.number, t.upper) == (Decimal(low), Decimal(high))


@pytest.mark.parametrize(("value", "number"), [
    (120, "120"),
    (100000, "100000"),
    (0, "0"),
])
def test_integer_target(value: int, number: str) -> None:
    t = parse(value)
    assert (t.kind, t.operator, t.number, t.unit, t.year) == (Q, "=", Decimal(number), None, None)
    assert t.text == number


@pytest.mark.parametrize(("value", "text", "number"), [
    (Decimal("2.5"), "2.5", "2.5"),
    (Decimal("95.50"), "95.50", "95.50"),  # trailing zeros as written
    (Decimal("1.0E+3"), "1000", "1000"),  # YAML 1.0e+3
    (Decimal("1E-8"), "0.00000001", "0.00000001"),  # YAML 0.00000001: not a range 1–8
])
def test_decimal_target(value: Decimal, text: str, number: str) -> None:
    t = parse(value)
    assert (t.kind, t.operator, t.number, t.unit, t.year) == (Q, "=", Decimal(number), None, None)
    assert t.text == text


def test_number_keeps_its_precision() -> None:
    assert parse("95.50%").number.as_tuple().exponent == -2  # type: ignore[union-attr]


@pytest.mark.parametrize(("text", "expected"), [
    ("2023年底前", True),
    ("2023年12月底前", True),
    ("按时", True),
    ("当年", True),
    ("全年", True),
    ("及时", True),
    ("年底前", True),
    (" 按时 ", True),
    ("有所提升", False),
    ("≥95%", False),
    ("2023", False),  # a bare figure, not a year
    ("预计平均2083元/人/月", False),
    ("按时足额发放", False),  # a sentence that mentions time is not a time target
])
def test_is_time_like(text: str, expected: bool) -> None:
    assert is_time_like(parse(text)) is expected


@pytest.mark.parametrize(("text", "expected"), [
    ("≤160元/人/天", True),
    ("不超过5万元", True),
    ("小于3天", True),
    ("20万元以内", True),
    ("95%以下", True),
    ("30-320元", True),
    ("≥95%", False),
    ("95%以上", False),
    ("不低于90%", False),
    ("＞90％", False),
    ("160元/人/天", False),  # "= 160" states a level, not a ceiling
    ("2023年底前", False),
    ("按时", False),
    ("预计平均2083元/人/月", False),
])
def test_has_upper_bound(text: str, expected: bool) -> None:
    assert parse(text).has_upper_bound is expected


@pytest.mark.parametrize(("text", "quantitative"), [
    ("≥95%", True), ("30-320元", True), ("160", True),
    ("2023年底前", False), ("按时", False), ("预计平均2083元/人/月", False),
])
def test_is_quantitative(text: str, quantitative: bool) -> None:
    assert parse(text).is_quantitative is quantitative


from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_FIGURES = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999"), places=2)
_UNITS = st.sampled_from(["元", "万元", "元/人", "人", "户", "个工作日", "天", "%", "次"])


@given(_FIGURES, _UNITS, st.sampled_from(["{n}{u}以内", "{n}{u}以下", "{n}{u}之内", "{n}{u}内",
                                          "不超过{n}{u}", "不高于{n}{u}", "≤{n}{u}"]))
def test_a_ceiling_in_words_is_an_upper_bound(figure: Decimal, unit: str, wording: str) -> None:
    """…以内, …以下, 不超过…, …内 are ceilings, as ≤ is: a cost written so is bounded."""
    text = wording.format(n=format(figure.normalize(), "f"), u=unit)
    target = parse(text)
    assert (target.kind, target.operator, target.number, target.unit) == (
        TargetKind.QUANTITY, "≤", figure, unit), text
    assert target.has_upper_bound


@given(_FIGURES, _UNITS, st.sampled_from(["人均", "户均", "平均", "月均", "每人"]))
def test_a_figure_counted_per_person_is_measurable(figure: Decimal, unit: str,
                                                   per: str) -> None:
    """人均1474元/月 is a target of 1474 元/月, not a text."""
    text = f"{per}{format(figure.normalize(), 'f')}{unit}"
    target = parse(text)
    assert (target.kind, target.number, target.unit) == (TargetKind.QUANTITY, figure, unit)

