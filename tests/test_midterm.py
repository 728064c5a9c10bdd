"""中期 and 年度 through every stage: the national project form of 财预〔2015〕88号
(national-2015) prints both side by side; check adds up the 中期 sources; diff, the
redline and roll-forward carry the 中期 values (roll-forward within the 项目期 keeps them).
"""

from __future__ import annotations

import copy
import shutil
from html.parser import HTMLParser
from pathlib import Path

from perfdecl import rules
from perfdecl.check import read, read_bytes
from perfdecl.diff import compare_pair
from perfdecl.diff.redline import redline_docx
from perfdecl.errors import Finding

from .conftest import HERE, REPO
from .test_import import _numbers, years_said_once
from .test_printed import MIDTERM, dumped, renderer, revised_paragraphs, tree_of


class Grid(HTMLParser):
    """The cells of the form's table by row and column, a merged cell repeated over
    every place it covers."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.rows: list[dict[int, str]] = []
        self.row = -1
        self.cell: list[str] | None = None
        self.span = (1, 1)
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.row += 1
            while len(self.rows) <= self.row:
                self.rows.append({})
        elif tag == "td":
            a = dict(attrs)
            self.cell, self.span = [], (int(a.get("rowspan") or 1), int(a.get("colspan") or 1))

    def handle_endtag(self, tag: str) -> None:
        if tag != "td" or self.cell is None:
            return
        col = 0
        while col in self.rows[self.row]:
            col += 1
        text = "".join(self.cell).strip()
        for r in range(self.row, self.row + self.span[0]):
            while len(self.rows) <= r:
                self.rows.append({})
            for c in range(col, col + self.span[1]):
                self.rows[r][c] = text
        self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)

    def line(self, first: str) -> list[str]:
        return next([r[c] for c in sorted(r)] for r in self.rows if r.get(0) == first)


def test_national_2015_prints_midterm_and_annual_side_by_side() -> None:
    declaration, findings = read(MIDTERM)
    assert not [f for f in findings if f.severity == "error"]
    form = renderer().render_form(declaration, [declaration])
    assert (form.layout, form.left_out) == ("national-2015", None)
    grid = Grid(form.html)
    assert grid.line("项目属性")[-3:] == ["项目期", "3年（2025.1-2027.12）", "3年（2025.1-2027.12）"]
    money = [r for r in grid.rows if r.get(0) == "项目资金（万元）"]
    assert [[r[c] for c in sorted(r)][1:] for r in money] == [
        ["中期资金总额：", "中期资金总额：", "240.00", "240.00", "年度资金总额：", "年度资金总额：", "80.00"],
        ["其中：财政拨款", "其中：财政拨款", "225.00", "225.00", "其中：财政拨款", "其中：财政拨款", "75.00"],
        ["其他资金", "其他资金", "15.00", "15.00", "其他资金", "其他资金", "5.00"]]
    assert "中期目标（2025年—2027年）" in grid.line("总体目标")
    indicators = [r for r in grid.rows if r.get(0) == "绩效指标"][1:]
    # one row per line: 一级 | 中期 二级 三级 指标值 | 年度 二级 三级 指标值
    by_row = [[r[c] for c in range(1, 8)] for r in indicators]
    assert by_row[0] == ["产出指标", "数量指标", "参保人员稽核调查户数", "≥4200户", "数量指标",
            "参保人员稽核调查户数", "≥1380户"]
    assert by_row[1] == ["产出指标", "数量指标", "稽核报告份数", "3份", "数量指标", "", ""]
    assert by_row[3] == ["产出指标", "质量指标", "", "", "质量指标", "稽核问题整改率", "100%"]
    assert ["效益指标", "生态效益指标", "", "", "生态效益指标", "", ""] in by_row
    assert ["效益指标", "可持续影响指标", "稽核机制", "常态化运行", "可持续影响指标", "", ""] in by_row
    assert by_row[-1] == ["满意度指标", "服务对象满意度指标", "参保人员满意度", "≥95%",
                          "服务对象满意度指标", "参保人员满意度", "≥95%"]
    level1 = [row[0] for row in by_row]
    assert level1 == ["产出指标"] * 6 + ["效益指标"] * 4 + ["满意度指标"]




def findings_of(tree: object) -> list[Finding]:
    declaration, findings = read_bytes(dumped(tree), MIDTERM)
    assert declaration is not None
    return [*findings, *rules.run([declaration])]


def test_check_adds_up_the_midterm_sources() -> None:
    tree = copy.deepcopy(tree_of(MIDTERM))
    tree["funding"]["multi_year_other"] = 20  # 225 + 20 ≠ 240
    tree["funding"]["multi_year_fiscal"] = 70  # below this year's 75
    messages = {(f.code, f.dotted_path, f.message) for f in findings_of(tree)}
    assert ("A001", "funding.multi_year_total",
            "中期 财政拨款 + 其他资金 = 90 万元, but 中期资金总额 is 240 万元") in messages
    assert ("A005", "funding.multi_year_fiscal",
            "中期财政拨款 70 万元 is below this year's 75 万元") in messages
    tree["goals"]["long_term_from"] = 2026
    assert any(f.code == "T005" and f.dotted_path == "goals.long_term_from"
               for f in findings_of(tree))


def test_rolling_forward_within_the_term_keeps_the_midterm_side(perfdecl, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    shutil.copytree(REPO / "tests" / "midterm", tmp_path, dirs_exist_ok=True)
    for year in (2026, 2028):
        made = perfdecl("new", "--from", "2025/yangxin-ylbx/jihe-gongzuo.yaml", "--year",
                        str(year), "--force", cwd=tmp_path)
        assert made.exit_code == 0, made.stdout
    before = tree_of(MIDTERM)
    within = read(tmp_path / "2026/yangxin-ylbx/jihe-gongzuo.yaml")[0].data
    for key in ("period", "duration"):
        assert within[key] == before[key]
    for key in ("multi_year_total", "multi_year_fiscal", "multi_year_other"):
        assert within["funding"][key] == before["funding"][key]
    assert within["goals"]["long_term"] == list(before["goals"]["long_term"])
    assert (within["goals"]["long_term_from"], within["goals"]["long_term_until"]) == (2025, 2027)
    assert within["indicators"]["long_term"] == before["indicators"]["long_term"]  # no history
    annual = within["indicators"]["annual"]["产出指标"]["时效指标"][0]
    assert annual["target"] == "2026年底前"
    assert annual["history"] == [{"year": 2025, "value": "2025年底前"}]
    after = read(tmp_path / "2028/yangxin-ylbx/jihe-gongzuo.yaml")[0].data  # a new term
    assert after["period"] == {"start": "2028-01", "end": "2030-12"}
    assert after["goals"]["long_term_until"] == 2028
    assert after["indicators"]["long_term"]["产出指标"]["时效指标"][0]["target"] == "2030年底前"


def test_midterm_changes_are_diffed_and_tracked() -> None:
    old, _ = read(MIDTERM)
    tree = copy.deepcopy(tree_of(MIDTERM))
    tree["funding"]["multi_year_total"] = 255
    tree["funding"]["multi_year_other"] = 30
    tree["goals"]["long_term"][1] = "建立常态化稽核机制，杜绝违规领取，维护基金安全"
    tree["indicators"]["long_term"]["产出指标"]["数量指标"][1]["target"] = "4份"
    new, _ = read_bytes(dumped(tree), MIDTERM)
    result = compare_pair(old, new)
    lines = {(c.key, c.old, c.new, c.note) for c in result.declarations[0].changes}
    assert ("funding.multi_year_total", "240", "255", "+15 万元 (+6.3%)") in lines
    assert ("funding.multi_year_other", "15", "30", "+15 万元 (+100.0%)") in lines
    assert any(key.startswith("indicators.long_term.产出指标.数量指标[稽核报告份数].target")
               and (old_, new_) == ("3份", "4份") for key, old_, new_, _ in lines)
    assert any(key.startswith("goals.long_term") for key, *_ in lines)
    paragraphs = [text for text, _ in revised_paragraphs(redline_docx(result, HERE))]
    for shown in ("255.00", "30.00", "4份", "杜绝违规领取"):
        assert any(shown in p for p in paragraphs), shown


def test_a_side_by_side_form_imports_back_with_its_midterm_values(perfdecl, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The national-2015 form read by halves: its 中期 其中：财政拨款 (225) stays 中期, the
    years of 中期目标（2025年—2027年） and the 项目期 come back, and the declaration
    written is the one that was built."""
    built = perfdecl("build", str(MIDTERM), "--out", str(tmp_path / "build"), "--to", "docx")
    assert built.exit_code == 0, built.stdout
    form = tmp_path / "build/2025/yangxin-ylbx/jihe-gongzuo.docx"
    imported = perfdecl("import", str(form), "--out", str(tmp_path / "declarations"))
    assert imported.exit_code == 0, imported.stdout + imported.stderr
    [written] = (tmp_path / "declarations").rglob("*.yaml")
    back = tree_of(written)
    want = years_said_once(tree_of(MIDTERM))
    assert back["layout"] == "national-2015"
    for key in ("funding", "goals", "indicators", "duration", "period", "status",
                "supervising_department"):
        assert _numbers(back[key]) == _numbers(want[key]), key
