"""Every declared value reaches the form, or the build says it does not (L001); the
national project form of 财预〔2015〕88号 prints 中期 and 年度 side by side; and the
tracked-changes DOCX carries every change, the tick boxes and the values no form shows
included.

The properties change one value of a real declaration (every kind, every layout) to a
value no form holds yet, and look for it in what was made.
"""

from __future__ import annotations

import copy
import io
import re
import zipfile
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from perfdecl.check import read, read_bytes
from perfdecl.config import Config
from perfdecl.diff import compare_pair
from perfdecl.diff.redline import redline_docx
from perfdecl.render import Renderer, TemplateError
from perfdecl.scalars import YamlDecimal, yaml

from .conftest import DECLARATIONS, HERE, REPO
from .test_diff_identity import at, leaves

MIDTERM = REPO / "tests" / "midterm" / "2025" / "yangxin-ylbx" / "jihe-gongzuo.yaml"
FORMS = [*sorted(DECLARATIONS.rglob("*.yaml")), MIDTERM]
MARK = "〔标记〕"
PROPERTY = settings(deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


@cache
def renderer() -> Renderer:
    return Renderer(HERE.config)


@cache
def tree_of(file: Path) -> Any:
    return yaml().load(file.read_text(encoding="utf-8"))


def layouts_of(kind: str) -> list[str]:
    return [x.name for x in renderer().layouts() if x.kind == kind]


def dumped(tree: Any) -> bytes:
    out = io.StringIO()
    yaml().dump(tree, out)
    return out.getvalue().encode("utf-8")


def changed(value: Any) -> tuple[Any, str]:
    """Another value, and the text of it a form must show: a text with a mark, an amount
    with a fraction no form has (as 4321.57 or 4321.5700)."""
    if isinstance(value, bool):
        raise ValueError("a flag")
    if isinstance(value, Decimal | int):
        return YamlDecimal("4321.57"), "4321.57"
    return f"{value}{MARK}", MARK


@st.composite
def one_value_changed(draw: st.DrawFn) -> tuple[Path, tuple[Any, ...], str]:
    file = draw(st.sampled_from(FORMS))
    path = draw(st.sampled_from(list(leaves(tree_of(file)))))
    layout = draw(st.sampled_from(layouts_of(tree_of(file)["kind"])))
    return file, path, layout


def edited(file: Path, path: tuple[Any, ...], layout: str | None = None) -> tuple[Any, str]:
    tree = copy.deepcopy(tree_of(file))
    if layout is not None:
        tree["layout"] = layout
    value, shown = changed(at(tree, path))
    at(tree, path[:-1])[path[-1]] = value
    declaration, findings = read_bytes(dumped(tree), file)
    assume(declaration is not None and not any(f.severity == "error" for f in findings
                                               if f.code.startswith("S")))
    return declaration, shown


@pytest.mark.slow
@settings(PROPERTY, max_examples=150)
@given(one_value_changed())
def test_every_declared_value_is_on_the_form_or_named_as_left_out(case) -> None:  # type: ignore[no-untyped-def]
    file, path, layout = case
    assume(path[0] not in ("kind", "id", "layout", "order") and path[:2] != ("unit", "id"))
    try:
        declaration, shown = edited(file, path)
    except ValueError:
        assume(False)
    form = renderer().render_form(declaration, [declaration], layout)
    if tuple(path) in form.unprinted:
        assert form.left_out is not None and form.left_out.code == "L001"
    else:
        assert shown in form.html, f"{layout} reads {path} but does not show it"


def test_a_layout_that_prints_everything_says_nothing() -> None:
    declaration, _ = read(DECLARATIONS / "2024/yangxin-ylbx/jihe-gongzuo.yaml")
    form = renderer().render_form(declaration, [declaration])
    assert (form.layout, form.unprinted, form.left_out) == ("yangxin-2024", (), None)


def test_the_national_layout_names_what_it_leaves_out() -> None:
    declaration, _ = read(DECLARATIONS / "2019/shigu-sbzx/jichu-yanglaojin-peitao.yaml")
    form = renderer().render_form(declaration, [declaration], "national")
    assert form.left_out is not None
    message = form.left_out.message
    assert message.startswith("layout national does not print ")
    for field in ("项目实施进度计划 › 实施内容 (`schedule[0].task`)",
                  "项目绩效目标 › 长期目标 (`goals.long_term[0]`)",
                  "项目申报的必要性 (`necessity`)"):
        assert field in message
    assert (form.left_out.line, form.left_out.column) > (1, 1)


# -- the build -------------------------------------------------------------------------

def test_build_prints_what_the_forms_leave_out_and_strict_fails(perfdecl, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = DECLARATIONS / "2019/shigu-sbzx/jichu-yanglaojin-peitao.yaml"
    relaxed = perfdecl("build", str(source), "--out", str(tmp_path / "a"), "--to", "html",
                       "--layout", "national")
    assert relaxed.exit_code == 0
    assert re.search(r"jichu-yanglaojin-peitao\.yaml:\d+:\d+: warning L001: layout national "
                     r"does not print \d+ declared values: ", relaxed.stdout), relaxed.stdout
    strict = perfdecl("build", str(source), "--out", str(tmp_path / "b"), "--to", "html",
                      "--layout", "national", "--strict")
    assert strict.exit_code == 1
    own = perfdecl("build", str(source), "--out", str(tmp_path / "c"), "--to", "html")
    assert own.exit_code == 0 and "L001" not in own.stdout


# -- the tracked-changes DOCX ------------------------------------------------------------

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def revised_paragraphs(docx: bytes) -> list[tuple[str, list[str]]]:
    """Every paragraph holding an insertion: its text as it reads now, and the texts it
    deletes, in order."""
    from xml.etree import ElementTree

    root = ElementTree.fromstring(zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml"))
    return [("".join(t.text or "" for t in p.iter(f"{W}t")),
             [t.text or "" for t in p.iter(f"{W}delText")])
            for p in root.iter(f"{W}p") if p.find(f".//{W}ins") is not None]


@pytest.mark.slow
@settings(PROPERTY, max_examples=20)
@given(one_value_changed())
def test_every_change_is_a_tracked_change_in_the_redline(case) -> None:  # type: ignore[no-untyped-def]
    file, path, layout = case  # both sides printed in a layout of the kind, any
    assume(path[0] not in ("kind", "id", "layout", "order", "fiscal_year")
           and path[:2] != ("unit", "id"))
    tree = copy.deepcopy(tree_of(file))
    tree["layout"] = layout
    old, _ = read_bytes(dumped(tree), file)
    try:
        new, shown = edited(file, path, layout)
    except ValueError:
        assume(False)
    docx = redline_docx(compare_pair(old, new), HERE)
    assert any(shown in text for text, _ in revised_paragraphs(docx)), path


def test_a_changed_tick_box_is_a_tracked_change() -> None:
    old, _ = read(MIDTERM)
    tree = copy.deepcopy(tree_of(MIDTERM))
    tree["status"] = "新增"
    new, _ = read_bytes(dumped(tree), MIDTERM)
    paragraphs = revised_paragraphs(redline_docx(compare_pair(old, new), HERE))
    assert ("√新增项目　□延续项目", ["□", "√"]) in paragraphs, paragraphs


def test_a_change_no_form_shows_is_listed_after_the_forms() -> None:
    tree = copy.deepcopy(tree_of(DECLARATIONS / "2019/shigu-sbzx/jichu-yanglaojin-peitao.yaml"))
    tree["layout"] = "national"  # prints no 项目申报的必要性
    file = DECLARATIONS / "2019/shigu-sbzx/jichu-yanglaojin-peitao.yaml"
    old = read_bytes(dumped(tree), file)[0]
    tree["necessity"] = "全新的必要性说明"
    new = read_bytes(dumped(tree), file)[0]
    docx = redline_docx(compare_pair(old, new), HERE)
    text = zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml").decode("utf-8")
    assert "未在表中列示的变更" in text and "项目申报的必要性" in text
    assert any("全新的必要性说明" in now and deleted for now, deleted in revised_paragraphs(docx))


def test_the_redline_pairs_indicators_as_the_diff_does() -> None:
    """An indicator replaced by an unrelated one with the same common target is struck
    out whole and the new one inserted, as the diff reports it — not shown as a rename."""
    tree = copy.deepcopy(tree_of(DECLARATIONS / "2024/yangxin-ylbx/jihe-gongzuo.yaml"))
    old = read_bytes(dumped(tree), MIDTERM)[0]
    tree["indicators"]["annual"]["效益指标"]["生态效益指标"][0]["name"] = "系统正常运行天数比例"
    new = read_bytes(dumped(tree), MIDTERM)[0]
    result = compare_pair(old, new)
    assert {c.kind for c in result.declarations[0].changes} == {"added", "removed"}
    docx = redline_docx(result, HERE)
    paragraphs = revised_paragraphs(docx)
    assert ("系统正常运行天数比例", []) in paragraphs and ("96%", []) in paragraphs
    deleted = zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml").decode("utf-8")
    assert re.search(r"<w:delText[^>]*>工作任务完成率</w:delText>", deleted)
    assert re.search(r"<w:delText[^>]*>96%</w:delText>", deleted)


@pytest.mark.parametrize("path", ["funding.totl", "leader.phon", "goals.annual.x", "nme"])
def test_a_layout_asking_for_a_field_no_declaration_has_is_a_template_error(
        tmp_path: Path, path: str) -> None:
    """`get()` of a misspelt path would print a blank where the value belongs: it is an
    error naming the template's line, as an unknown variable is; a field the kind has but
    this declaration leaves blank still prints blank."""
    (tmp_path / "templates" / "project").mkdir(parents=True)
    template = tmp_path / "templates" / "project" / "mine.html.j2"
    template.write_text(f'<p>{{{{ get("prior_years") }}}}</p>\n<p>{{{{ get("{path}") }}}}</p>\n',
                        encoding="utf-8")
    declaration, _ = read(MIDTERM)
    assert declaration is not None
    with pytest.raises(TemplateError) as error:
        Renderer(Config(tmp_path)).render(declaration, [declaration], "mine")
    assert "mine.html.j2:2" in str(error.value) and path in str(error.value)
    template.write_text('<p>[{{ get("prior_years") }}]</p>\n', encoding="utf-8")
    assert "<p>[]</p>" in Renderer(Config(tmp_path)).render(declaration, [declaration], "mine")
