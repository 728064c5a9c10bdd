"""perfdecl layout new: a layout made from a bureau's blank form prints what a
hand-written layout of the same form prints, in the same cells.

The blank forms are the seed forms' shapes (tests/blankforms.py: each hand-written
layout printed with nothing declared, as DOCX, and as XLSX with spaced labels). Each
seed declaration is printed in the hand-written layout and in the generated ones; both
are converted in one pandoc run, read back by `import` (which reads each value by the
label of its cell) and typeset to PDF."""

from __future__ import annotations

import html
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pypdf
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from perfdecl import export, fonts, typeset
from perfdecl.blankform import generate
from perfdecl.check import read, read_bytes
from perfdecl.config import Config
from perfdecl.domain import amount_text
from perfdecl.importer import read_file
from perfdecl.importer.labels import squeeze
from perfdecl.importer.write import render
from perfdecl.model import Declaration
from perfdecl.render import Renderer

from . import blankforms
from .blankforms import blank_docx, xlsx_of
from .conftest import SEEDS, run
from .test_import import W, docx_with, midterm_declarations

SEED_DECLARATIONS = [d for d in (read(f)[0] for f in sorted(SEEDS.rglob("*.yaml")))
                     if d is not None]
SHAPES = sorted({(d.kind, d.layout or "") for d in SEED_DECLARATIONS})

NOT_ON_THE_FORM = {("department", "yangxin-2024"): {("unit", "name")}}
"""What a hand-written layout prints beside another field, where the paper form has no
cell of its own for it: 附2-2 has no 单位 cell, and its layout adds the unit's name after
the 部门（单位）名称 in brackets. A generated layout leaves it out, and `build` says so
(L001)."""


@dataclass
class Shape:
    kind: str
    layout: str
    repo: Path
    generated: dict[str, Any]
    """By the blank form's format (docx, xlsx): what was generated."""
    declarations: list[Declaration]


@pytest.fixture(scope="session")
def shapes(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Shape]:
    """Every seed shape's blank forms and the layouts made from them, once per run."""
    out = {}
    for kind, layout in SHAPES:
        repo = tmp_path_factory.mktemp(f"{kind}-{layout}")
        docx = blank_docx(kind, layout, repo / "blank.docx")
        xlsx = xlsx_of(docx, repo / "blank.xlsx")
        generated = {}
        for form in (docx, xlsx):
            made = generate(form, kind)
            target = repo / "templates" / kind / f"from-{form.suffix[1:]}.html.j2"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(made.template, encoding="utf-8")
            generated[form.suffix[1:]] = made
        out[(kind, layout)] = Shape(kind, layout, repo, generated,
                                    [d for d in SEED_DECLARATIONS
                                     if (d.kind, d.layout) == (kind, layout)])
    return out


@pytest.mark.parametrize("shape", SHAPES, ids="/".join)
@pytest.mark.parametrize("form", ["docx", "xlsx"])
def test_a_layout_made_from_a_blank_form_prints_every_value_the_hand_written_one_prints(
        shapes: dict[tuple[str, str], Shape], shape: tuple[str, str], form: str) -> None:
    s = shapes[shape]
    renderer = Renderer(Config(s.repo))
    assert s.declarations
    for d in s.declarations:
        hand = renderer.render_form(d, [d], s.layout)
        made = renderer.render_form(d, [d], f"from-{form}")
        missed = set(made.unprinted) - set(hand.unprinted) - NOT_ON_THE_FORM.get(shape, set())
        assert not missed, (d.file.name, sorted(missed))
        if set(made.unprinted) - set(hand.unprinted):
            assert made.left_out is not None  # and build says what it leaves out


def test_what_a_seed_shape_s_blank_form_leaves_unbound_is_listed_with_its_place(
        shapes: dict[tuple[str, str], Shape]) -> None:
    """The lists the user reads: where a form's text or blank cell was not bound. The
    seed shapes bind every labelled cell; what is left is the form's fixed text (100% in
    a 合计 row), derived cells (占比), 合计 cells of earlier years beside nothing, and
    附2-2's 预期当年实现值 column, which no field fills."""
    for (kind, layout), s in shapes.items():
        for made in s.generated.values():
            for item in made.unbound:
                assert re.match(r"^(table \d+, row \d+|sheet 1 \(Sheet\), row \d+|paragraph \d+)",
                                item.where), item
            texts = [u.text for u in made.unbound if u.text]
            assert all(t in ("100%", "长期目标（截止 年）", "预期当年实现值") for t in texts), \
                (kind, layout, texts)
            for item in made.unbound:  # listed at the top of the template too
                assert item.where in made.template.split("{% extends")[0]


def _values(data: Any) -> dict[str, Any]:
    if isinstance(data, dict):
        return {f"{k}.{p}" if p else k: v for k, sub in data.items()
                for p, v in _values(sub).items()}
    if isinstance(data, list):
        return {f"[{i}].{p}" if p else f"[{i}]": v for i, sub in enumerate(data)
                for p, v in _values(sub).items()}
    return {"": data}


@pytest.fixture(scope="session")
def printed(shapes: dict[tuple[str, str], Shape]) -> Iterator[dict[tuple[str, str, str], Any]]:
    """Each seed declaration printed in its hand-written layout (hand) and in the two
    generated ones, converted to DOCX and Typst in one pandoc run and typeset: by
    (file, layout) its imported data and its PDF's text."""
    jobs = []
    for s in shapes.values():
        renderer = Renderer(Config(s.repo))
        for d in s.declarations:
            for name in (s.layout, "from-docx", "from-xlsx"):
                jobs.append((s, d, name, renderer.render(d, [d], name)))
    setter = typeset.Typesetter(fonts.cjk_fonts())
    out: dict[tuple[str, str, str], Any] = {}
    with export.Converter() as converter:
        converted = converter.forms([html for *_rest, html in jobs], ["docx", "typst"],
                                    "blank forms")
    folder = next(iter(shapes.values())).repo
    for (s, d, name, _html), made in zip(jobs, converted, strict=True):
        docx = folder / f"{d.file.stem}-{name}.docx"
        docx.write_bytes(export.finish_docx(made["docx"], 0))
        drafts, _notes = read_file(docx, s.kind)
        pdf = setter.pdf(made["typst"].decode("utf-8"), d.file.stem, 0, str(d.file))
        text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
        key = ("hand" if name == s.layout else name)
        out[(str(d.file), key, "data")] = drafts[0].data if drafts else {}
        out[(str(d.file), key, "text")] = squeeze(text)
    setter.close()
    yield out


@pytest.mark.slow
@pytest.mark.parametrize("form", ["from-docx", "from-xlsx"])
def test_a_generated_layout_s_form_imports_as_the_hand_written_one_s_does(
        printed: dict[tuple[str, str, str], Any], form: str) -> None:
    """import reads each value by the label of its cell: the same data back from the
    generated layout's DOCX as from the hand-written one's is the same text in the same
    cells."""
    for d in SEED_DECLARATIONS:
        hand = _values(printed[(str(d.file), "hand", "data")])
        made = _values(printed[(str(d.file), form, "data")])
        shape = (d.kind, d.layout)
        wrong = {k: (v, made.get(k)) for k, v in hand.items()
                 if made.get(k) != v and k != "layout" and
                 not any(k.startswith(".".join(p)) for p in NOT_ON_THE_FORM.get(shape, ()))}
        assert not wrong, (d.file.name, wrong)


@pytest.mark.slow
@pytest.mark.parametrize("form", ["from-docx", "from-xlsx"])
def test_every_value_the_hand_written_pdf_shows_the_generated_pdf_shows(
        printed: dict[tuple[str, str, str], Any], form: str) -> None:
    for d in SEED_DECLARATIONS:
        hand = printed[(str(d.file), "hand", "text")]
        made = printed[(str(d.file), form, "text")]
        shape = (d.kind, d.layout)
        for path, value in _values(d.data).items():
            if not isinstance(value, str) or len(value) < 2 or (path.startswith("unit.") and \
                    shape in NOT_ON_THE_FORM):
                continue
            text = squeeze(value)
            if text in hand:
                assert text in made, (d.file.name, path, value)


# --------------------------------------------------- forms of shapes no layout has

DRAWN = {"national-drawn": blankforms.national_side_by_side,
         "local-drawn": blankforms.local_two_columns,
         "local-yuan": blankforms.local_in_yuan}

NOT_ON = {
    "national-drawn": {("duration",)},
    "local-drawn": {("duration",), ("status",), ("supervising_department", "name"),
                    ("supervising_department", "code"), ("period", "start"), ("period", "end"),
                    ("goals", "long_term_from"), ("goals", "long_term_until")},
}
NOT_ON["local-yuan"] = NOT_ON["local-drawn"]
"""What each drawn form has no cell for: the national one prints the 项目期 as a period
(a duration of N年 has no cell); the local one has no box, no 主管部门, no 项目期 and no
中期 goals or indicators."""


@pytest.fixture(scope="module")
def drawn(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = tmp_path_factory.mktemp("drawn")
    for name, draw in DRAWN.items():
        made = generate(draw(repo / f"{name}.docx"), "project")
        target = repo / "templates" / "project" / f"{name}.html.j2"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(made.template, encoding="utf-8")
    return repo


def _declaration(data: dict[str, Any]) -> Declaration:
    text = render(data, {}, [], [])
    declaration, findings = read_bytes(text.encode("utf-8"), Path("form.yaml"))
    assert declaration is not None, [f.message for f in findings]
    return declaration


def _unprinted(paths: Any) -> set[tuple[str | int, ...]]:
    """The unprinted values' paths, list positions and indicator categories left out."""
    out = set()
    for path in paths:
        if path[:2] in (("indicators", "long_term"),):
            out.add(("indicators", "long_term"))
        elif path[:2] == ("goals", "long_term"):
            out.add(("goals", "long_term"))
        else:
            out.add(tuple(p for p in path if not isinstance(p, int)))
    return out


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(sorted(DRAWN)), midterm_declarations(0))
def test_a_form_of_a_shape_no_layout_has_prints_every_value_it_has_a_cell_for(
        drawn: Path, name: str, data: dict[str, Any]) -> None:
    """The national form with 中期 and 年度 side by side, and a local one with two money
    columns and numbered indicator rows: every declared value the form has a cell for
    is printed (what is not is said by build: L001)."""
    d = _declaration(data)
    made = Renderer(Config(drawn)).render_form(d, [d], name)
    allowed = NOT_ON[name] | ({("goals", "long_term"), ("indicators", "long_term")}
                              if name.startswith("local") else set())
    assert _unprinted(made.unprinted) <= allowed
    assert (made.left_out is None) == (not made.unprinted)
    if name == "local-yuan":  # the money in 元, as the form's unit line says
        for key in ("total", "multi_year_total"):
            if key in data["funding"]:
                assert f">{amount_text(data['funding'][key] * 10_000)}<" in made.html


def _indicator_values(data: dict[str, Any], term: str) -> list[tuple[str, str]]:
    tree = data.get("indicators", {}).get(term, {})
    return sorted((i["name"], str(i["target"])) for level2s in tree.values()
                  for items in level2s.values() for i in items)


@pytest.mark.slow
@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck),
          phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(midterm_declarations(0))
def test_a_drawn_form_s_docx_imports_back_to_its_values(drawn: Path,
                                                       data: dict[str, Any]) -> None:
    """Each value in its cell: the DOCX of each drawn form's layout imports back to the
    declaration's values, 中期 as 中期 and 年度 as 年度."""
    d = _declaration(data)
    renderer = Renderer(Config(drawn))
    pages = [renderer.render(d, [d], name) for name in DRAWN]
    with export.Converter() as converter:
        converted = converter.forms(pages, ["docx"], "drawn forms")
    for name, made in zip(DRAWN, converted, strict=True):
        docx = drawn / f"{name}-{data['id']}.docx"
        docx.write_bytes(export.finish_docx(made["docx"], 0))
        [item], _notes = read_file(docx, "project")
        back = item.data
        funding = {k: v for k, v in data["funding"].items()}
        assert {k: back.get("funding", {}).get(k) for k in funding} == funding, name
        assert back.get("goals", {}).get("annual") == data["goals"]["annual"], name
        assert _indicator_values(back, "annual") == _indicator_values(data, "annual"), name
        if name == "national-drawn":
            assert back.get("goals", {}).get("long_term") == \
                data["goals"].get("long_term"), name
            assert _indicator_values(back, "long_term") == \
                _indicator_values(data, "long_term"), name
            assert back.get("status") == data.get("status")


# ------------------------------------------------------------------ the command


def test_layout_new_writes_the_layout_lists_what_it_left_and_replaces_nothing(
        tmp_path: Path, perfdecl: Callable[..., Any]) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "perfdecl.toml").write_text("", encoding="utf-8")
    form = blankforms.local_two_columns(tmp_path / "关于申报的通知附件.docx")
    target = repo / "templates" / "project" / "changsha-2026.html.j2"
    args = ("layout", "new", "--from", str(form), "--kind", "project", "--name",
            "changsha-2026")

    done = perfdecl(*args, cwd=repo)
    assert done.exit_code == 0, done.stderr
    assert f"wrote {target}" in done.stdout
    assert "not bound" not in done.stdout  # every cell of this form has its field
    written = target.read_text(encoding="utf-8")
    assert "generated by perfdecl layout new from 关于申报的通知附件.docx" in written

    listed = perfdecl("layouts", cwd=repo)
    line = next(x for x in listed.stdout.splitlines() if "changsha-2026" in x)
    assert "2026年度项目绩效目标表" in line
    assert "generated from 关于申报的通知附件.docx (sha256" in line

    again = perfdecl(*args, cwd=repo)
    assert again.exit_code == 1 and "exists; give --force" in again.stderr
    assert target.read_text(encoding="utf-8") == written
    assert perfdecl(*args, "--force", cwd=repo).exit_code == 0

    for bad, code, words in (
            (("--name", "Changsha 2026"), 2, "lower-case letters"),
            (("--name", "../../escape"), 2, "lower-case letters"),
            (("--kind", "fund"), 2, "unknown kind"),
            (("--from", str(tmp_path / "none.docx")), 2, "path not found")):
        options = dict(zip(args[2::2], args[3::2], strict=True))
        options.update(dict(zip(bad[::2], bad[1::2], strict=True)))
        result = perfdecl("layout", "new", *[x for kv in options.items() for x in kv], cwd=repo)
        assert result.exit_code == code, (bad, result.stderr)
        assert words in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert sorted(p.name for p in (repo / "templates" / "project").iterdir()) == \
        ["changsha-2026.html.j2"]

    odd = blankforms.make_form(tmp_path / "odd.docx", ["项目绩效目标申报表"],
                               [["项目名称", "", "备案编号", ""]], [])
    listed = perfdecl("layout", "new", "--from", str(odd), "--kind", "project", "--name", "odd",
                 cwd=repo)
    assert listed.exit_code == 0, listed.stderr
    assert "not bound" in listed.stdout
    assert "table 1, row 1, column C: kept as the form's text: “备案编号”" in listed.stdout
    assert "table 1, row 1, column D: a blank cell no label names: left blank" in listed.stdout
    two = blankforms.make_form(tmp_path / "two.docx", ["项目绩效目标申报表"],
                               [["项目名称", ""]], ["项目绩效目标申报表", "项目名称："])
    said = perfdecl("layout", "new", "--from", str(two), "--kind", "project", "--name",
                    "two", cwd=repo)
    assert said.exit_code == 0, said.stderr
    assert "note: the file holds 2 project forms: the layout is made from the first, " \
        "项目绩效目标申报表 (paragraph 1)" in said.stdout
    head = (repo / "templates" / "project" / "odd.html.j2").read_text(encoding="utf-8")
    assert "table 1, row 1, column C: kept as the form's text: “备案编号”" in \
        head.split("{% extends")[0]


def test_a_hostile_file_is_refused_as_import_refuses_it(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "perfdecl.toml").write_text("", encoding="utf-8")
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET", encoding="utf-8")
    body = (f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e SYSTEM "{secret.as_uri()}">]>'
            f'<w:document {W}><w:body><w:p><w:r><w:t>项目名称&e;</w:t></w:r></w:p>'
            '</w:body></w:document>')
    for path in (docx_with(body, tmp_path / "xxe.docx"), tmp_path / "text.xlsx"):
        if path.suffix == ".xlsx":
            path.write_text("项目名称,x\n", encoding="utf-8")
        result = run("layout", "new", "--from", str(path), "--kind", "project", "--name",
                     "x", cwd=repo)
        assert result.returncode == 1, result.stderr
        assert "SECRET" not in result.stderr + result.stdout
        assert "Traceback" not in result.stderr
        assert not (repo / "templates").exists()


HOSTILE = ["{{ 7*7 }}", "{% for x in range(10**9) %}{% endfor %}", "{# open", "#} {% raw %}",
           "<script>alert(1)</script>", "{{ ''.__class__.__mro__ }}", "&amp; &#123;"]


def test_a_template_made_from_a_hostile_form_prints_its_labels_as_text(
        tmp_path: Path) -> None:
    """Text with Jinja or HTML syntax in a form's cells, title and notes comes out as the
    text it is: the generated template is as safe as a hand-written one."""
    grid = [["项目名称", "", HOSTILE[0]], [HOSTILE[1], "", HOSTILE[2]],
            [HOSTILE[3], HOSTILE[4], ""], ["年度目标", HOSTILE[5], HOSTILE[6]]]
    form = blankforms.make_form(tmp_path / "hostile.docx",
                                ["项目绩效目标申报表" + HOSTILE[0], HOSTILE[4]], grid,
                                [HOSTILE[3], "填报人：" + HOSTILE[1]])
    made = generate(form, "project")
    repo = tmp_path / "repo"
    target = repo / "templates" / "project" / "hostile.html.j2"
    target.parent.mkdir(parents=True)
    target.write_text(made.template, encoding="utf-8")
    d = _declaration({"kind": "project", "id": "x", "fiscal_year": 2026, "name": "试点",
                      "unit": {"id": "u", "name": "中心"}})
    page = Renderer(Config(repo)).render(d, [d], "hostile")
    shown = html.unescape(re.sub(r"<[^>]+>", " ", page.split("<body", 1)[-1]))
    for text in HOSTILE:
        assert text in shown, text
    assert "49" not in shown and "<script>" not in page and "__mro__" not in \
        page.replace(html.escape(HOSTILE[5], quote=True).replace("{", "&#123;")
                     .replace("}", "&#125;"), "")
    assert "试点" in shown  # the bound cell still prints


def test_numbered_rows_of_a_growing_table_keep_their_numbers_and_grow(tmp_path: Path) -> None:
    """支出明细 rows the form numbers 1、 2、: as many as the form prints, numbered, and
    one more per line beyond them."""
    grid = [["项目名称", "", "<"], ["支出明细", "金额", "测算依据"], ["1、", "", ""],
            ["2、", "", ""], ["合计", "", ""]]
    form = blankforms.make_form(tmp_path / "lines.docx", ["项目绩效目标申报表", "单位：万元"],
                                grid, [])
    made = generate(form, "project")
    target = tmp_path / "templates" / "project" / "lines.html.j2"
    target.parent.mkdir(parents=True)
    target.write_text(made.template, encoding="utf-8")
    for lines in (1, 3):
        d = _declaration({"kind": "project", "id": "x", "fiscal_year": 2026, "name": "试点",
                          "unit": {"id": "u", "name": "中心"}, "expenses": {"items": [
                              {"item": f"支出{n}", "amount": n} for n in range(1, lines + 1)]}})
        page = Renderer(Config(tmp_path)).render(d, [d], "lines")
        cells = re.findall(r"<td[^>]*>(.*?)</td>", page)
        numbered = [c for c in cells if re.match(r"\d、", c)]
        assert numbered == [f"{n}、支出{n}" for n in range(1, lines + 1)] + \
            ([f"{n}、" for n in range(lines + 1, 3)])
        total = cells[cells.index("合计") + 1]
        assert total == str(sum(range(1, lines + 1)))  # 合计 bound to the total


def test_tick_boxes_in_a_bureau_s_own_words_are_bound_and_listed(tmp_path: Path) -> None:
    grid = [["项目名称", ""], ["项目分类", "常年项目□ 延续项目□ 一次性项目□"],
            ["项目类别", "□运转类其他项目 □特定目标类本级项目 □特定目标类转移支付项目"],
            ["项目属性", "新增□　延续□"]]
    form = blankforms.make_form(tmp_path / "boxes.docx", ["项目绩效目标申报表"], grid, [])
    made = generate(form, "project")
    assert ("常年项目□延续项目□一次性项目□", "classification", "常年性") in made.choices
    assert ("□运转类其他项目□特定目标类本级项目□特定目标类转移支付项目", "category",
            "特定目标类-转移性支出") in made.choices
    assert "常年项目□" in made.template.split("{% extends")[0]  # listed to confirm
    target = tmp_path / "templates" / "project" / "boxes.html.j2"
    target.parent.mkdir(parents=True)
    target.write_text(made.template, encoding="utf-8")
    d = _declaration({"kind": "project", "id": "x", "fiscal_year": 2026, "name": "试点",
                      "unit": {"id": "u", "name": "中心"}, "classification": "延续性",
                      "category": "特定目标类-本级支出", "status": "新增"})
    page = Renderer(Config(tmp_path)).render(d, [d], "boxes")
    assert "常年项目□ 延续项目√ 一次性项目□" in page
    assert "□运转类其他项目 √特定目标类本级项目 □特定目标类转移支付项目" in page
    assert "新增√　延续□" in page


def test_an_indicator_column_no_field_fills_keeps_its_place_and_is_listed(
        tmp_path: Path) -> None:
    grid = [["项目名称", "", "<", "<", "<", "<"],
            ["一级指标", "二级指标", "三级指标", "指标值", "评分标准", "备注"],
            ["产出指标", "数量指标", "", "", "", ""]]
    form = blankforms.make_form(tmp_path / "column.docx", ["项目绩效目标申报表"], grid, [])
    made = generate(form, "project")
    assert 'indicator_table(annual_rows, ["name", "target", "", "note"])' in made.template
    assert [u.text for u in made.unbound] == ["评分标准"]
    target = tmp_path / "templates" / "project" / "column.html.j2"
    target.parent.mkdir(parents=True)
    target.write_text(made.template, encoding="utf-8")
    d = _declaration({"kind": "project", "id": "x", "fiscal_year": 2026, "name": "试点",
                      "unit": {"id": "u", "name": "中心"}, "indicators": {"annual": {
                          "产出指标": {"数量指标": [{"name": "补助人数", "target": "≥1200人",
                                                    "note": "按户籍"}]}}}})
    page = Renderer(Config(tmp_path)).render(d, [d], "column")
    row = next(r for r in re.findall(r"<tr>(.*?)</tr>", page, re.S) if "补助人数" in r)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    assert cells[-4:] == ["补助人数", "≥1200人", "", "按户籍"]
