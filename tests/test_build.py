"""perfdecl build: the forms read back in every format, the bundles, and a build that is
safe and repeatable."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import pypdf
import pytest

from .conftest import DECLARATIONS, REPO, run

FORMS = sorted(DECLARATIONS.rglob("*.yaml"))
FORMATS = ("html", "docx", "pdf")


def files_of(folder: Path) -> dict[Path, bytes]:
    """A build folder's files (not its bookkeeping), by path."""
    return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*")
            if p.is_file() and ".perfdecl" not in p.parts}


def output(built: Path, form: Path, ext: str) -> Path:
    return built / form.parent.parent.name / form.parent.name / f"{form.stem}.{ext}"


@pytest.mark.slow
def test_every_declaration_is_built_in_every_format(built: Path) -> None:
    for form in FORMS:
        for ext in FORMATS:
            assert output(built, form, ext).stat().st_size > 0, (form, ext)
    leftovers = [p for p in built.rglob("*") if p.name.endswith(".part")]
    assert leftovers == []


def test_bundles(built: Path) -> None:
    units = {(f.parent.parent.name, f.parent.name) for f in FORMS}
    for year, unit in units:
        for ext in ("docx", "pdf"):
            assert (built / year / unit / f"{unit}-{year}.{ext}").is_file()
        assert (built / f"{year}.zip").is_file()
    # the derived 专项资金绩效目标汇总表 of the units with special funds
    assert (built / "2023/shifeng-sbzx/fund-summary.pdf").is_file()
    assert (built / "2019/shigu-sbzx/fund-summary.pdf").is_file()
    assert not (built / "2024/yangxin-ylbx/fund-summary.pdf").exists()
    index = (built / "index.html").read_text(encoding="utf-8")
    for form in FORMS:
        for ext in FORMATS:
            assert f'href="{form.parent.parent.name}/{form.parent.name}/{form.stem}.{ext}"' in index


def test_manifest_lists_every_file_with_its_hash_and_source(built: Path) -> None:
    manifest = json.loads((built / "manifest.json").read_text(encoding="utf-8"))
    entries = {e["path"]: e for e in manifest["files"]}
    on_disk = {p.relative_to(built).as_posix() for p in built.rglob("*")
               if p.is_file() and ".perfdecl" not in p.parts and p.name != "manifest.json"}
    assert set(entries) == on_disk
    import hashlib

    for path, entry in entries.items():
        data = (built / path).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["size"] == len(data)
    assert entries["2019/shigu-sbzx/daiban-jingfei.pdf"]["sources"] == [
        "declarations/2019/shigu-sbzx/daiban-jingfei.yaml"]
    summary = entries["2023/shifeng-sbzx/fund-summary.docx"]["sources"]
    assert "declarations/2023/shifeng-sbzx/junzhuan-ganbu.yaml" in summary
    assert "declarations/2023/shifeng-sbzx/shifeng-sbzx-zhengti.yaml" not in summary


def test_year_zip_holds_the_year_with_fixed_timestamps(built: Path) -> None:
    with zipfile.ZipFile(built / "2023.zip") as archive:
        names = archive.namelist()
        assert names == sorted(names)
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    expected = sorted(p.relative_to(built).as_posix() for p in (built / "2023").rglob("*")
                      if p.is_file())
    assert names == expected


def test_html_is_self_contained_with_merged_cells(built: Path) -> None:
    for form in FORMS:
        html = output(built, form, "html").read_text(encoding="utf-8")
        assert "<style>" in html and "@page" in html and "A4" in html
        assert not re.search(r'<(?:link|script)\b|src="http', html), form
        assert re.search(r'rowspan="[2-9]', html), f"{form}: no merged cells"


def cells(document: docx.document.Document) -> list[list[str]]:
    rows = []
    for table in document.tables:
        for row in table.rows:
            rows.append([c.text.strip() for c in row.cells])
    return rows


def right_of(document: docx.document.Document, label: str) -> str:
    """The text of the first cell after the cell reading `label`, in the same row."""
    for row in cells(document):
        for i, text in enumerate(row):
            if text == label:
                following = [t for t in row[i + 1:] if t != label]
                return following[0] if following else ""
    raise AssertionError(f"no cell {label!r}")


def test_docx_fields_are_in_their_cells(built: Path) -> None:
    project = docx.Document(str(built / "2019/shigu-sbzx/jichu-yanglaojin-peitao.docx"))
    assert right_of(project, "项目名称") == "基础养老金区级配套经费"
    text = "\n".join(" ".join(r) for r in cells(project))
    for expected in ("衡阳市石鼓区社会保险管理中心", "11430404006258088", "王谦", "8177159",
                     "2019.1", "保障基础养老金的发放", "保障养老待遇支出", "5500人受益",
                     "石政发【2014】17号"):
        assert expected in text, expected
    direction = docx.Document(str(built / "2023/shifeng-sbzx/junzhuan-ganbu.docx"))
    assert right_of(direction, "支出方向") == "企业退休军转干部生活补助"
    text = "\n".join(" ".join(r) for r in cells(direction))
    assert "建国初期及企业退休军转干部生活补贴" in text and "25.5" in text


def merged(path: Path) -> tuple[int, int]:
    """(vertically merged cells, horizontally merged cells) in a DOCX."""
    xml = zipfile.ZipFile(path).read("word/document.xml").decode("utf-8")
    return (len(re.findall(r'<w:vMerge w:val="restart"', xml)),
            len(re.findall(r'<w:gridSpan w:val="[2-9]"', xml)))


def test_docx_keeps_the_merged_cells(built: Path) -> None:
    for form in FORMS:
        vertical, horizontal = merged(output(built, form, "docx"))
        assert vertical >= 3, f"{form}: the 一级/二级 labels are not merged down"
        assert horizontal >= 1, f"{form}: no cell spans columns"


@pytest.mark.slow
def test_docx_page_fonts_and_borders(built: Path) -> None:
    path = output(built, FORMS[0], "docx")
    archive = zipfile.ZipFile(path)
    document = archive.read("word/document.xml").decode("utf-8")
    styles = archive.read("word/styles.xml").decode("utf-8")
    page = re.search(r"<w:pgSz [^>]*>", document)
    assert page and 'w:w="11906"' in page.group(0) and 'w:h="16838"' in page.group(0)  # A4
    assert 'w:eastAsia="SimSun"' in styles  # 宋体 in the East Asian slot
    table = re.search(r'<w:style [^>]*w:styleId="Table"[^>]*>.*?</w:style>', styles, re.S)
    assert table and re.search(r"<w:tblBorders>.*?w:val=\"single\"", table.group(0), re.S)


@pytest.mark.slow
def test_pdf_text_and_embedded_fonts(built: Path) -> None:
    for form in FORMS:
        pdf = output(built, form, "pdf")
        text = "".join(page.extract_text() for page in pypdf.PdfReader(pdf).pages)
        name = re.search(r"^name: (.+)$", form.read_text(encoding="utf-8"), re.M).group(1)
        assert name.strip("'\"")[:8] in text.replace("\n", ""), form
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                               check=True).stdout.splitlines()[2:]
        assert fonts, f"{pdf}: no fonts"
        assert all(line.split()[-5] == "yes" for line in fonts), f"{pdf}: a font not embedded"
        assert any("CJK" in line for line in fonts)


def test_docx_rows_never_break_across_pages(built: Path) -> None:
    """Every row of every DOCX, forms and combined documents, is kept whole (cantSplit):
    no cell's words, no vertical label, split over two pages."""
    for docx_file in sorted(built.rglob("*.docx")):
        xml = zipfile.ZipFile(docx_file).read("word/document.xml").decode("utf-8")
        rows = re.findall(r"<w:tr>(?:<w:trPr>(.*?)</w:trPr>)?", xml)
        assert rows and all("<w:cantSplit" in props for props in rows), docx_file


@pytest.mark.slow
def test_pdf_sets_text_as_the_paper_does(built: Path) -> None:
    """No space put between Chinese and Latin text (74万元, 2019年度), and the title in
    黑体 as the DOCX's Heading 1 and the HTML's h1 have it."""
    pdf = built / "2019/shigu-sbzx/jichu-yanglaojin-peitao.pdf"
    text = pypdf.PdfReader(pdf).pages[0].extract_text()
    assert "资金总额：74万元" in text and "（2019年度）" in text
    assert "74 万元" not in text and "2019 年度" not in text
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                           check=True).stdout
    assert "SansCJK" in fonts and "SerifCJK" in fonts  # the title, and the form


@pytest.mark.slow
def test_a_form_on_several_pdf_pages_names_itself_and_numbers_them(built: Path) -> None:
    """A loose page of a bundle can be put back: each page of a form that runs over
    one page ends with the form's name and 第 n 页 共 m 页, counted within the form; a
    form on one page, as on paper, has no such line."""
    def feet(pdf: Path) -> list[tuple[str, int, int] | None]:
        out: list[tuple[str, int, int] | None] = []
        for page in pypdf.PdfReader(pdf).pages:
            foot = re.search(r"([^\n]+)\u3000第 (\d+) 页 共 (\d+) 页(?: — \d+ —)?$",
                             page.extract_text())
            out.append((foot[1], int(foot[2]), int(foot[3])) if foot else None)
        return out

    unit = feet(built / "2019/shigu-sbzx/shigu-sbzx-2019.pdf")
    assert unit[1:3] == [("基础养老金区级配套经费", 1, 2), ("基础养老金区级配套经费", 2, 2)]
    numbered = [f for f in unit if f]
    assert len(numbered) >= 6 and all(  # each form's pages counted 1..m, in order
        numbered[i + 1][1] == (1 if f[1] == f[2] else f[1] + 1)
        for i, f in enumerate(numbered[:-1]))
    assert unit[-1] is None  # the department form fits one page
    assert feet(built / "2019/shigu-sbzx/jichu-yanglaojin-peitao.pdf") == \
        [("基础养老金区级配套经费", 1, 2), ("基础养老金区级配套经费", 2, 2)]


def test_a_national_fund_summary_prints_the_national_decimals(perfdecl, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A derived form prints amounts as the forms of its layout do: 7514.50, 54.00."""
    result = perfdecl("build", "declarations/2023", "--layout", "national", "--to", "html",
                      "--out", str(tmp_path / "out"), cwd=REPO)
    assert result.exit_code == 0, result.stdout + result.stderr
    summary = (tmp_path / "out/2023/shifeng-sbzx/fund-summary.html").read_text(encoding="utf-8")
    assert ">54.00<" in summary and ">7514.50<" in summary and ">54<" not in summary


@pytest.mark.slow
def test_libreoffice_opens_the_combined_docx(built: Path, tmp_path: Path) -> None:
    combined = built / "2023/shifeng-sbzx/shifeng-sbzx-2023.docx"
    profile = tmp_path / "profile"
    result = subprocess.run(["libreoffice", f"-env:UserInstallation=file://{profile}",
                             "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                             str(combined)], capture_output=True, text=True, timeout=300)
    converted = tmp_path / "shifeng-sbzx-2023.pdf"
    assert converted.is_file(), result.stdout + result.stderr
    reader = pypdf.PdfReader(converted)
    text = "".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) >= 8  # eight forms and the summary, each from a new page
    assert "株洲市石峰区社会保险服务中心" in text and "7514.5" in text


@pytest.mark.slow
def test_two_builds_are_byte_identical(built: Path, tmp_path: Path) -> None:
    other = tmp_path / "elsewhere"
    result = run("build", "declarations", "--out", str(other), "--jobs", "1")
    assert result.returncode == 0, result.stderr
    mine, theirs = files_of(built), files_of(other)
    assert mine.keys() == theirs.keys()
    assert [k for k in mine if mine[k] != theirs[k]] == []


@pytest.mark.slow
def test_unchanged_declarations_are_not_rebuilt(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(DECLARATIONS / "2024", repo / "declarations" / "2024")
    (repo / "perfdecl.toml").write_text("", encoding="utf-8")
    first = run("build", "--to", "html,pdf", cwd=repo)
    assert first.returncode == 0, first.stderr
    stamps = {p: p.stat().st_mtime_ns for p in (repo / "build").rglob("*.pdf")}
    again = run("build", "--to", "html,pdf", cwd=repo)
    assert "build/ is up to date: 5 declarations, nothing changed" in again.stdout
    assert {p: p.stat().st_mtime_ns for p in stamps} == stamps
    declaration = repo / "declarations/2024/yangxin-ylbx/jihe-gongzuo.yaml"
    declaration.write_text(declaration.read_text(encoding="utf-8").replace(
        "参保人员稽核调查户数", "参保人员稽核户数"), encoding="utf-8")
    changed = run("build", "--to", "html,pdf", cwd=repo)
    assert changed.returncode == 0
    assert "built 5 of 5 declarations" in changed.stdout  # the changed unit, checked again
    rewritten = {p.name for p, t in stamps.items() if p.stat().st_mtime_ns != t}
    assert rewritten == {"jihe-gongzuo.pdf", "yangxin-ylbx-2024.pdf"}


def test_invalid_declarations_are_not_built(tmp_path: Path, perfdecl) -> None:  # type: ignore[no-untyped-def]
    repo = tmp_path / "repo"
    shutil.copytree(REPO / "tests" / "seeds" / "2023", repo / "declarations" / "2023")
    result = perfdecl("build", "declarations", "--to", "html", "--out", "build", cwd=repo)
    assert result.exit_code == 1
    assert "junzhuan-ganbu.yaml:15:11: error X003" in result.stdout
    assert "nothing built" in result.stdout
    assert not list((repo / "build").rglob("*.html"))
    kept = perfdecl("build", "declarations", "--to", "html", "--out", "build", "--keep-going",
               cwd=repo)
    assert kept.exit_code == 1
    built = {p.stem for p in (repo / "build").rglob("*.html")}
    assert "junzhuan-ganbu" not in built and "chengxiang-jumin-yanglao" not in built
    assert "jiguan-yanglao" in built


def test_a_build_of_what_changed_names_files_as_given(tmp_path: Path, perfdecl) -> None:  # type: ignore[no-untyped-def]
    """The second build checks only the changed unit (as `--watch` does on each save),
    and names its files as the first did: from the path given, not from the root."""
    shutil.copytree(DECLARATIONS / "2024", tmp_path / "declarations" / "2024")
    (tmp_path / "perfdecl.toml").write_text("", encoding="utf-8")
    assert perfdecl("build", "--to", "html", cwd=tmp_path).exit_code == 0
    file = tmp_path / "declarations/2024/yangxin-ylbx/jihe-gongzuo.yaml"
    file.write_text(file.read_text(encoding="utf-8") + "x: 1\n", encoding="utf-8")
    again = perfdecl("build", "--to", "html", cwd=tmp_path)
    assert again.exit_code == 1
    assert "\ndeclarations/2024/yangxin-ylbx/jihe-gongzuo.yaml:" in "\n" + again.stdout
    assert str(tmp_path) not in again.stdout


def test_no_chinese_font_is_one_clear_error(tmp_path: Path, perfdecl) -> None:  # type: ignore[no-untyped-def]
    """Without the system's fonts, the error says which installed ones were left out and
    how to give one, never to install a font the system has."""
    result = perfdecl("build", "declarations/2024", "--to", "pdf", "--no-system-fonts",
                 "--out", str(tmp_path / "b"))
    assert result.exit_code == 1
    assert "no Chinese font for the PDF in the --font-path folders (none given)" in \
        result.stderr
    assert "--no-system-fonts leaves out the system's (Noto Serif CJK SC" in result.stderr
    assert "apt-get" not in result.stderr and "Traceback" not in result.stderr
    assert not list((tmp_path / "b").rglob("*.pdf"))


def test_a_system_without_chinese_fonts_is_told_what_to_install(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from perfdecl import fonts

    monkeypatch.setattr(fonts, "_families", lambda paths, system: frozenset({"DejaVu Sans"}))
    with pytest.raises(fonts.FontError, match="apt-get install fonts-noto-cjk"):
        fonts.cjk_fonts([])


def test_font_path_alone_is_enough(tmp_path: Path, perfdecl) -> None:  # type: ignore[no-untyped-def]
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    found = subprocess.run(["fc-match", "-f", "%{file}", "Noto Serif CJK SC"],
                           capture_output=True, text=True, check=True).stdout
    shutil.copy(found, fonts)
    result = perfdecl("build", "declarations/2024/yangxin-ylbx/jihe-gongzuo.yaml", "--to", "pdf",
                 "--no-system-fonts", "--font-path", str(fonts), "--out", str(tmp_path / "b"))
    assert result.exit_code == 0, result.stderr
    pdf = tmp_path / "b/2024/yangxin-ylbx/jihe-gongzuo.pdf"
    assert "稽核" in "".join(p.extract_text() for p in pypdf.PdfReader(pdf).pages)


def test_repository_layout_overrides_and_is_listed(tmp_path: Path, perfdecl) -> None:  # type: ignore[no-untyped-def]
    repo = tmp_path / "repo"
    shutil.copytree(DECLARATIONS / "2024", repo / "declarations" / "2024")
    (repo / "perfdecl.toml").write_text('layout = "national"\n[layouts]\nproject = "plain"\n',
                                        encoding="utf-8")
    mine = repo / "templates" / "project" / "plain.html.j2"
    mine.parent.mkdir(parents=True)
    mine.write_text('{# 简易项目表 #}\n{% extends "_base.html.j2" %}{% block form %}'
                    '<div class="form"><h1>简易：{{ data.name }}</h1>'
                    '<table><tr><td rowspan="2">金额</td><td>{{ get("funding.total")|wan }}'
                    '</td></tr><tr><td>万元</td></tr></table></div>{% endblock %}\n',
                    encoding="utf-8")
    for file in (repo / "declarations").rglob("*.yaml"):  # let the configuration choose
        file.write_text(re.sub(r"^layout: .*\n", "", file.read_text(encoding="utf-8"),
                               flags=re.M), encoding="utf-8")
    listing = perfdecl("layouts", cwd=repo)
    assert re.search(r"^project\s+plain\s+简易项目表  \(.*templates/project/plain\.html\.j2\)$",
                     listing.stdout, re.M)
    assert re.search(r"^project\s+national\s+.*\(built-in\)$", listing.stdout, re.M)
    result = perfdecl("build", "--to", "html", cwd=repo)
    assert result.exit_code == 0, result.stdout + result.stderr
    html = (repo / "build/2024/yangxin-ylbx/jihe-gongzuo.html").read_text(encoding="utf-8")
    assert "简易：稽核工作费用" in html and "80.00" in html
    department = (repo / "build/2024/yangxin-ylbx/yangxin-ylbx-zhengti.html").read_text(
        encoding="utf-8")
    assert "部门整体支出绩效目标申报表" in department  # the configured default: national


def test_template_error_names_file_and_line(tmp_path: Path, perfdecl) -> None:  # type: ignore[no-untyped-def]
    repo = tmp_path / "repo"
    shutil.copytree(DECLARATIONS / "2024", repo / "declarations" / "2024")
    (repo / "perfdecl.toml").write_text("", encoding="utf-8")
    broken = repo / "templates" / "project" / "yangxin-2024.html.j2"
    broken.parent.mkdir(parents=True)
    broken.write_text('{# 坏模板 #}\n<p>{{ data.name }}</p>\n<p>{{ data.no_such_field }}</p>\n',
                      encoding="utf-8")
    result = perfdecl("build", "--to", "html", cwd=repo)
    assert result.exit_code == 1
    assert f"{broken}:3:" in result.stderr and "no_such_field" in result.stderr
    assert "Traceback" not in result.stderr
    broken.write_text("{% if %}\n", encoding="utf-8")
    result = perfdecl("build", "--to", "html", cwd=repo)
    assert result.exit_code == 1
    assert "yangxin-2024.html.j2:1: template error" in result.stderr


def test_text_from_a_declaration_is_never_markup(tmp_path: Path, perfdecl) -> None:  # type: ignore[no-untyped-def]
    repo = tmp_path / "repo"
    shutil.copytree(DECLARATIONS / "2024", repo / "declarations" / "2024")
    (repo / "perfdecl.toml").write_text("", encoding="utf-8")
    file = repo / "declarations/2024/yangxin-ylbx/jihe-gongzuo.yaml"
    file.write_text(file.read_text(encoding="utf-8").replace(
        "name: 稽核工作费用", "name: <script>alert(1)</script>稽核"), encoding="utf-8")
    assert perfdecl("build", "--to", "html", cwd=repo).exit_code == 0
    html = (repo / "build/2024/yangxin-ylbx/jihe-gongzuo.html").read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;稽核" in html


def test_unknown_format_and_missing_layout_are_usage_errors(tmp_path: Path, perfdecl) -> None:  # type: ignore[no-untyped-def]
    bad = perfdecl("build", "declarations/2024", "--to", "html,odt", "--out", str(tmp_path))
    assert bad.exit_code == 2 and "--to takes" in bad.stderr
    missing = perfdecl("build", "declarations/2024", "--layout", "nowhere", "--out", str(tmp_path))
    assert missing.exit_code == 2
    assert "--layout: no layout 'nowhere' for" in missing.stderr


@pytest.mark.slow
def test_shards_merge_into_the_same_build(built: Path, tmp_path: Path) -> None:
    shards = []
    for i in (1, 2):
        folder = tmp_path / f"shard{i}"
        result = run("build", "declarations", "--shard", f"{i}/2", "--out", str(folder))
        assert result.returncode == 0, result.stderr
        shards.append(folder)
    first = {p.relative_to(shards[0]) for p in shards[0].rglob("*.pdf")}
    second = {p.relative_to(shards[1]) for p in shards[1].rglob("*.pdf")}
    assert first and second and not first & second  # disjoint parts
    merged = tmp_path / "merged"
    result = run("bundle", "--merge", str(shards[0]), "--merge", str(shards[1]),
                 "--out", str(merged))
    assert result.returncode == 0, result.stderr
    single, joined = files_of(built), files_of(merged)
    assert joined.keys() == single.keys()
    assert [k for k in single if single[k] != joined[k]] == []
    bad = run("build", "declarations", "--shard", "3/2", "--out", str(tmp_path / "x"))
    assert bad.returncode == 2 and "--shard takes I/N" in bad.stderr


@pytest.mark.slow
def test_a_change_rebuilds_its_unit_only_and_still_sees_the_others(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(DECLARATIONS / "2023", repo / "declarations" / "2023")
    shutil.copytree(DECLARATIONS / "2024", repo / "declarations" / "2024")
    (repo / "perfdecl.toml").write_text("", encoding="utf-8")
    assert run("build", "--to", "html", cwd=repo).returncode == 0
    file = repo / "declarations/2024/yangxin-ylbx/jihe-gongzuo.yaml"
    file.write_text(file.read_text(encoding="utf-8").replace("target: 98%", "target: 99%"),
                    encoding="utf-8")
    partial = run("build", "--to", "html", cwd=repo)
    assert partial.returncode == 0
    assert "built 5 of 13 declarations" in partial.stdout
    assert "76 warnings" not in partial.stdout and "warnings" in partial.stdout
    html = (repo / "build/2024/yangxin-ylbx/jihe-gongzuo.html").read_text(encoding="utf-8")
    assert "99%" in html
    # an id taken from the other year's unit is fine; from a sibling unit of the same
    # year it is an error, though that unit was not checked again
    other = repo / "declarations/2024/other-unit"
    other.mkdir()
    clash = other / "jihe-gongzuo.yaml"
    clash.write_text(file.read_text(encoding="utf-8").replace("  id: yangxin-ylbx",
                                                              "  id: other-unit"),
                     encoding="utf-8")
    caught = run("build", "--to", "html", cwd=repo)
    assert caught.returncode == 1
    assert "error X001: 项目标识 (`id`) jihe-gongzuo is used twice in 2024" in caught.stdout


def small_repo(root: Path) -> Path:
    """A repository holding one unit of 2024."""
    repo = root / "repo"
    shutil.copytree(DECLARATIONS / "2024" / "yangxin-ylbx",
                    repo / "declarations" / "2024" / "yangxin-ylbx")
    (repo / "perfdecl.toml").write_text("", encoding="utf-8")
    return repo


def tree(folder: Path) -> dict[str, bytes | str]:
    """Every entry under a folder: a file's bytes, a link's target, a folder's mark."""
    found: dict[str, bytes | str] = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        found[rel] = (f"-> {os.readlink(path)}" if path.is_symlink() else
                      path.read_bytes() if path.is_file() else "folder")
    return found


def test_out_must_be_a_folder_of_its_own(tmp_path: Path, perfdecl: Callable[..., Any]
                                         ) -> None:
    repo = small_repo(tmp_path)
    other = repo / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine", encoding="utf-8")
    before = tree(repo)
    for out, says in (("", "is the repository's folder"), (".", "is the repository's folder"),
                      ("..", "is the repository's folder"),
                      ("declarations", "would mix the build with the declarations or "
                                       "templates of declarations; build into a folder of its "
                                       "own, such as build/"),
                      ("declarations/2024/build", "templates of declarations;"),
                      ("other", "holds files perfdecl did not write, such as notes.txt; build "
                                "into a new or empty folder, or move those files away")):
        result = perfdecl("build", "--to", "html", "--out", out, cwd=repo)
        assert result.exit_code == 2, (out, result.stdout, result.stderr)
        assert says in result.stderr, (out, result.stderr)
        assert "Traceback" not in result.stderr
        assert tree(repo) == before, out
    empty = repo / "empty"
    empty.mkdir()
    assert perfdecl("build", "--to", "html", "--out", "empty", cwd=repo).exit_code == 0
    assert (empty / ".perfdecl").is_dir() and (empty / "2024/yangxin-ylbx").is_dir()


def test_only_what_the_build_recorded_is_removed_listed_and_packed(
        tmp_path: Path, perfdecl: Callable[..., Any]) -> None:
    repo = small_repo(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.html").write_text("secret", encoding="utf-8")
    (tmp_path / "PRECIOUS.txt").write_text("precious", encoding="utf-8")
    assert perfdecl("build", "--to", "html", cwd=repo).exit_code == 0
    build = repo / "build"
    unit = build / "2024/yangxin-ylbx"
    cache = build / ".perfdecl/cache.json"
    record = json.loads(cache.read_text(encoding="utf-8"))
    record["outputs"]["../../PRECIOUS.txt"] = {"key": "", "sources": ["gone.yaml"],
                                               "sha256": "", "size": 0, "title": ""}
    cache.write_text(json.dumps(record), encoding="utf-8")
    (unit / "jihe-gongzuo.html").unlink()
    (unit / "jihe-gongzuo.html").symlink_to(outside / "secret.html")  # a recorded output
    (build / "2024/passwd.html").symlink_to("/etc/passwd")
    (unit / "notes.txt").write_text("a reviewer's notes", encoding="utf-8")
    foreign = {name: b"another program's" for name in
               (".download.part", ".notes.txt.abcd1234.part", "draft.docx")}
    for name, data in foreign.items():
        (unit / name).write_bytes(data)
    (unit / ".zhuanyi-jiexu.html.k2j_a9q1.part").write_bytes(b"half")  # a killed build's
    changed = unit / "tuixiu-shengcun-renzheng.html"  # edited in place, to the same size
    sound = changed.read_bytes()
    changed.write_bytes(sound.replace(b"<body>", b"<BODY>"))
    (build / "2024.zip").unlink()  # packed again: its files are read
    outside_before = tree(outside)
    with (repo / "declarations/2024/yangxin-ylbx/zhuanyi-jiexu.yaml").open("a") as edited:
        edited.write("# edited\n")  # else the build is up to date and reads nothing back
    result = perfdecl("build", "--to", "html", cwd=repo)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "warning: build/.perfdecl/cache.json: '../../PRECIOUS.txt' is not an output " \
           "perfdecl writes; left alone" in result.stdout
    assert (tmp_path / "PRECIOUS.txt").read_text(encoding="utf-8") == "precious"
    assert tree(outside) == outside_before
    page = unit / "jihe-gongzuo.html"
    assert not page.is_symlink() and "稽核工作费用" in page.read_text(encoding="utf-8")
    assert all((unit / name).read_bytes() == data for name, data in foreign.items())
    assert (unit / "notes.txt").is_file() and (build / "2024/passwd.html").is_symlink()
    assert not (unit / ".zhuanyi-jiexu.html.k2j_a9q1.part").exists()
    listed = {e["path"] for e in json.loads((build / "manifest.json").read_text())["files"]}
    packed = set(zipfile.ZipFile(build / "2024.zip").namelist())
    forms = {f"2024/yangxin-ylbx/{f.stem}.html" for f in
             (repo / "declarations/2024/yangxin-ylbx").glob("*.yaml")}
    left_out = "2024/yangxin-ylbx/tuixiu-shengcun-renzheng.html"
    assert f"warning: build/{left_out} is not the file perfdecl wrote there" in result.stdout
    assert packed == forms - {left_out}
    assert listed == forms - {left_out} | {"2024.zip", "index.html"}
    index = (build / "index.html").read_text(encoding="utf-8")
    assert "passwd" not in index and "notes" not in index and "draft" not in index
    again = perfdecl("build", "--to", "html", cwd=repo)  # not up to date: written again
    assert again.exit_code == 0 and "1 files written" in again.stdout, again.stdout
    assert changed.read_bytes() == sound
    assert set(zipfile.ZipFile(build / "2024.zip").namelist()) == forms


def test_merge_checks_every_path_a_shard_records(tmp_path: Path,
                                                 perfdecl: Callable[..., Any]) -> None:
    repo = small_repo(tmp_path)
    assert perfdecl("build", "--to", "html", "--shard", "1/1", "--out", "shard", cwd=repo) \
        .exit_code == 0
    (tmp_path / "p1").mkdir()
    cache = repo / "shard/.perfdecl/cache.json"
    sound = cache.read_text(encoding="utf-8")
    page = "2024/yangxin-ylbx/jihe-gongzuo.html"
    for path, says in (("../p1/payload.txt", "'../p1/payload.txt' is not an output perfdecl "
                                             "writes; the shard is refused"),
                       ("2024/../../p1/x.html", "is not an output perfdecl writes"),
                       ("/tmp/x.pdf", "is not an output perfdecl writes")):
        record = json.loads(sound)
        record["outputs"][path] = record["outputs"][page]
        cache.write_text(json.dumps(record), encoding="utf-8")
        result = perfdecl("bundle", "--merge", "shard", "--out", "merged", cwd=repo)
        assert result.exit_code == 1 and says in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
        assert list((tmp_path / "p1").iterdir()) == []
        assert not list((repo / "merged").rglob("*.html"))
    cache.write_text(sound, encoding="utf-8")
    (repo / "shard" / page).unlink()
    (repo / "shard" / page).symlink_to("/etc/passwd")
    result = perfdecl("bundle", "--merge", "shard", "--out", "merged", cwd=repo)
    assert result.exit_code == 1
    assert "jihe-gongzuo.html is not the file its build recorded" in result.stderr
    assert not (repo / "merged" / page).exists()


@pytest.mark.parametrize("command", [
    ("build", "declarations/2024/yangxin-ylbx", "--to", "html", "--out", "{out}"),
    ("diff", "declarations/2024/yangxin-ylbx/jihe-gongzuo.yaml",
     "declarations/2024/yangxin-ylbx/jihe-gongzuo.yaml", "--format", "docx", "--out",
     "{out}/changes.docx"),
    ("bundle", "--merge", "declarations", "--out", "{out}"),
])
def test_a_source_date_epoch_that_is_no_number_is_wrong_usage(
        tmp_path: Path, perfdecl, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
        command: tuple[str, ...]) -> None:
    """SOURCE_DATE_EPOCH is read in one place (domain.source_date_epoch): every command
    that stamps a file says the same of a wrong one, and writes nothing."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    out = tmp_path / "out"
    result = perfdecl(*(part.format(out=out) for part in command), cwd=REPO)
    assert result.exit_code == 2, result.stdout + result.stderr
    assert "SOURCE_DATE_EPOCH must be whole seconds, not 'yesterday'" in result.stderr
    assert not out.exists() or not any(out.iterdir()), "nothing is written"
