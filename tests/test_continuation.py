"""Continuation pages: a form's tables cut where its pages break keep every value once,
stay whole grids, repeat a cut section's heading row and vertical label, and never end
a page on a heading row."""

from __future__ import annotations

import itertools
import re

from hypothesis import given
from hypothesis import strategies as st

from perfdecl.continuation import CONTINUED, Table, cut, parse, row_count
from perfdecl.wrapping import balance_labels

COLUMNS = 5


@st.composite
def forms(draw: st.DrawFn) -> str:
    """A form's table as the layouts write them: lines of a label and a value, and
    sections (a vertical label over a heading row and groups of indicator rows, each
    group under a label of its own)."""
    rows: list[str] = []
    serial = iter(range(10_000))
    for _part in range(draw(st.integers(1, 5))):
        if draw(st.booleans()):
            rows.append(f'<tr><td class="label">名称{next(serial)}</td>'
                        f'<td colspan="{COLUMNS - 1}">值{next(serial)}</td></tr>')
            continue
        groups = draw(st.lists(st.integers(1, 4), min_size=1, max_size=4))
        label = f'<td class="label" rowspan="{1 + sum(groups)}">绩效指标{next(serial)}</td>'
        rows.append(f"<tr>{label}" + "".join(f'<td class="label">列{i}</td>'
                                            for i in range(1, COLUMNS)) + "</tr>")
        for size in groups:
            for i in range(size):
                lead = (f'<td class="label" rowspan="{size}">一级{next(serial)}</td>'
                        if i == 0 else "")
                rows.append(f"<tr>{lead}" + "".join(f"<td>值{next(serial)}</td>"
                                                   for _c in range(2, COLUMNS)) + "</tr>")
    return "<div class=\"form\"><table>\n<colgroup></colgroup>\n" + "\n".join(rows) + \
        "\n</table></div>"


def _tables(html: str) -> list[Table]:
    return [parse(m.group(2), m.group(1), m.group(3))
            for m in re.finditer(r"(<table\b[^>]*>)(.*?)(</table>)", html, re.S)]


def _values(html: str) -> list[str]:
    return re.findall(r">(值\d+)<", html)


def _whole(table: Table) -> bool:
    """Every row of the table covers every column once."""
    taken: dict[int, int] = {}
    for row in table.rows:
        for cell in row:
            span = int(m.group(1)) if (m := re.search(r'colspan="(\d+)"', cell.attrs)) else 1
            for col in range(cell.col, cell.col + span):
                for r in range(cell.row, cell.last + 1):
                    if (r, col) in taken or r >= len(table.rows):
                        return False
                    taken[(r, col)] = 1
    return len(taken) == len(table.rows) * COLUMNS


@given(html=forms(), data=st.data())
def test_a_cut_form_keeps_every_value_once_in_whole_tables(html: str, data: st.DataObject) -> None:
    total = row_count(html)
    breaks = data.draw(st.lists(st.integers(0, total - 1), max_size=4))
    cut_html = cut(html, breaks)
    assert _values(cut_html) == _values(html)
    tables = _tables(cut_html)
    assert len(tables) == cut_html.count(CONTINUED) + 1
    assert all(_whole(t) for t in tables)
    for table in tables[:-1]:  # no page ends on a heading row
        assert not table.heading(len(table.rows) - 1)
    for before, after in itertools.pairwise(tables):
        sections = {c.content for row in before.rows for c in row if c.content.startswith("绩效")}
        carried = [c for c in after.rows[0] if c.content in sections]
        if carried:  # a section cut in two: its label and its heading row again
            assert after.heading(0) and carried[0].col == 0


def test_a_section_cut_inside_a_group_starts_its_page_with_that_group() -> None:
    """Typst broke inside a group of indicator rows: the page starts with the group, the
    section's heading row and label repeated above it."""
    html = ('<table>\n<tr><td class="label">项目名称</td><td colspan="4">甲</td></tr>'
            '<tr><td class="label" rowspan="6">年度绩效指标</td><td class="label">一级指标</td>'
            '<td class="label">二级指标</td><td class="label">指标内容</td>'
            '<td class="label">指标值</td></tr>'
            '<tr><td class="label" rowspan="2">产出指标</td><td>数量</td><td>户数</td><td>1</td></tr>'
            '<tr><td>质量</td><td>覆盖率</td><td>98%</td></tr>'
            '<tr><td class="label" rowspan="3">效益指标</td><td>社会</td><td>安全</td><td>96%</td></tr>'
            '<tr><td>生态</td><td>完成率</td><td>96%</td></tr>'
            '<tr><td>可持续</td><td>长效</td><td>是</td></tr>\n</table>')
    out = cut(html, [6])  # Typst broke before 生态
    first, second = _tables(out)
    assert [c.content for c in first.rows[-1]] == ["质量", "覆盖率", "98%"]
    assert [c.content for c in second.rows[0]] == ["年度绩效指标", "一级指标", "二级指标",
                                                  "指标内容", "指标值"]
    assert second.rows[0][0].rowspan == 4
    assert [c.content for c in second.rows[1]] == ["效益指标", "社会", "安全", "96%"]


def test_a_table_whose_end_tags_are_left_out_is_neither_cut_nor_changed() -> None:
    """HTML allows a layout to leave out </td> and </tr>: such a table cannot be read
    whole here, and is left as written rather than lose a cell."""
    html = ('<table><colgroup><col style="width:13%"><col style="width:87%"></colgroup>'
            '<tr><td class="label">年度主要任务<td>甲<tr><td class="label">名称</td>'
            '<td>乙</td></tr></table>')
    assert cut(html, [1]) == html
    assert balance_labels(html) == html
