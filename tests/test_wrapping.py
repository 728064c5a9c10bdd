"""Labels wrap as on paper: evenly, never leaving one character alone on a line."""

from __future__ import annotations

import re
from pathlib import Path

import pypdf
import pytest
from hypothesis import given
from hypothesis import strategies as st

from perfdecl.wrapping import balance_labels, balanced
from tests.conftest import REPO


@given(text=st.text(alphabet="年度主要任务绩效指标生态环境成本", min_size=1, max_size=30),
       per_line=st.integers(1, 12))
def test_a_label_is_broken_evenly_and_never_leaves_one_character(text: str,
                                                                per_line: int) -> None:
    lines = balanced(text, per_line).split("<br>")
    assert "".join(lines) == text
    if len(lines) > 1:
        assert all(len(line) <= per_line for line in lines)
        assert max(map(len, lines)) - min(map(len, lines)) <= 1
        assert min(map(len, lines)) > 1
    if per_line >= 3 and len(text) % per_line == 1 and len(text) > per_line:
        assert len(lines) > 1  # it would have left one character: it is broken evenly


def test_only_plain_chinese_labels_too_long_for_their_column_are_broken() -> None:
    html = ('<table><colgroup><col style="width:13%"><col style="width:87%"></colgroup>'
            '<tr><td class="label">年度主要任务</td><td>年度主要任务年度主要任务</td></tr>'
            '<tr><td class="label">可持续影响<br>指标</td><td>x</td></tr>'
            '<tr><td class="label">名称</td><td>x</td></tr></table>')
    out = balance_labels(html)
    assert '<td class="label">年度主<br>要任务</td>' in out  # 13% of 17 cm: 5 characters
    assert "<td>年度主要任务年度主要任务</td>" in out  # a value, as written
    assert "可持续影响<br>指标" in out and '<td class="label">名称</td>' in out


@pytest.mark.slow
def test_the_national_forms_labels_never_leave_one_character(tmp_path: Path,
                                                             perfdecl) -> None:  # type: ignore[no-untyped-def]
    result = perfdecl("build", "declarations/2023", "--layout", "national", "--to", "pdf",
                      "--out", str(tmp_path / "out"), cwd=REPO)
    assert result.exit_code == 0, result.stderr
    pdf = tmp_path / "out/2023/shifeng-sbzx/shifeng-sbzx-zhengti.pdf"
    text = "".join(page.extract_text() for page in pypdf.PdfReader(pdf).pages)
    lines = [line.strip() for line in text.splitlines()]
    for label in ("年度主要任务", "年度绩效指标", "部门职责概述", "年度总体目标"):
        assert label[:-1] not in lines, label  # 年度主要任 / 务
    assert re.search(r"年度主\s*\n\s*要任务", text)
