"""Pages: a form that fits one A4 page at 9 pt or more prints on one page, and the
PDF, the DOCX (in LibreOffice) and the page maps under review agree on its pages."""

from __future__ import annotations

import io
import re
import runpy
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pypdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perfdecl import export, fonts, typeset
from perfdecl.pages import FITS, typst_form
from tests.conftest import REPO, run

SCRIPT = REPO / "scripts" / "pagemaps.py"


def _script() -> dict[str, Any]:
    return runpy.run_path(str(SCRIPT))


def _pages(pdf: bytes) -> int:
    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture(scope="module")
def typesetter() -> Any:
    setter = typeset.Typesetter(fonts.cjk_fonts())
    yield setter
    setter.close()


@pytest.fixture(scope="module")
def project_body() -> tuple[str, str]:
    """A Yangxin project form's Typst body (it fits one page only when set smaller)."""
    forms, _units, fitted = _script()["laid_out"](
        ["declarations/2024/yangxin-ylbx/jihe-gongzuo.yaml"], None)
    form = forms[0]
    body = re.sub(r"\A#perfdecl-form\(.*?, fit: \d+, pages: \w+\)\[\n", "", fitted[form.stem],
                  flags=re.S)
    return form.title, body.rsplit("\n]", 1)[0]


def _with_rows(body: str, extra: int) -> str:
    """The body with `extra` more rows like its last table row (a longer form)."""
    rows = re.findall(r"\n(    table\.cell[^\n]*\n)", body)

    last = rows[-1]
    at = body.rindex(last) + len(last)
    return body[:at] + last * extra + body[at:]


@pytest.mark.slow
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(extra=st.integers(min_value=0, max_value=30))
def test_a_form_is_set_smaller_only_as_far_as_it_needs_to_fit_one_page(
        typesetter: Any, project_body: tuple[str, str], extra: int) -> None:
    """Shrink to fit: a form said to fit prints on one page at its level; one that takes
    two pages even at the tightest level (9 pt) is never said to fit, and is set at the
    normal level; a longer form is never set larger. A level is taken only when the form
    leaves pages.SLACK_PT free at its foot, so the level below it may just fit too."""
    title, body = project_body
    chosen, fits = _fit(typesetter, title, _with_rows(body, extra))
    at = [_pages(typesetter.pdf(typst_form(title, _with_rows(body, extra), level), title, 0,
                                "form")) for level in range(len(FITS))]
    if fits:
        assert at[chosen] == 1
        assert all(pages > 1 for pages in at[:max(0, chosen - 1)])
    else:
        assert chosen == 0
    if at[-1] > 1:
        assert not fits
    longer, longer_fits = _fit(typesetter, title, _with_rows(body, extra + 3))
    if longer_fits:
        assert fits and longer >= chosen


@pytest.mark.slow
def test_every_level_is_reached_and_each_is_the_first_that_fits(
        typesetter: Any, project_body: tuple[str, str]) -> None:
    """The level is chosen over Typst's layout passes (at most five): a form taking more
    and more of its page (moved up or down by space above it, 10 pt at a time) goes
    through every level and then past the page, and at each height the level chosen is
    the first at which its PDF takes one page (the level before it takes more, or just
    fits within pages.SLACK_PT). The PDF made by the fitting compile is the one its
    fitted body gives."""
    title, body = project_body
    seen = []
    for shift in range(-200, 200, 10):
        longer = f"#v({shift}pt)\n{body}"
        level, fits, pdf = typesetter.fit(title, longer, 0, "form")
        seen.append(level if fits else None)
        at = [_pages(typesetter.pdf(typst_form(title, longer, k), title, 0, "form"))
              for k in range(len(FITS))]
        if fits:
            assert at[level] == 1 and all(pages > 1 for pages in at[:max(0, level - 1)])
            assert pdf == typesetter.pdf(typst_form(title, longer, level, 1), title, 0, "form",
                                         footer=False)
        else:
            assert level == 0 and at[0] > 1
    assert set(seen) == {*range(len(FITS)), None}, seen
    assert seen == sorted(seen, key=lambda k: len(FITS) if k is None else k), seen


def _fit(typesetter: Any, title: str, body: str) -> tuple[int, bool]:
    level, fits, _pdf = typesetter.fit(title, body, 0, "form")
    return level, fits


def test_the_docx_is_set_at_the_pdf_s_level(built: Path) -> None:
    """The DOCX's tables are set at the level the PDF's layout chose: the text size and
    the exact line pitch of that level in every table paragraph."""
    for stem, level in (("2024/yangxin-ylbx/jihe-gongzuo", None),
                        ("2023/shifeng-sbzx/fund-summary", None)):
        document = zipfile.ZipFile(built / f"{stem}.docx").read("word/document.xml").decode()
        tables = re.findall(r"<w:tbl>.*?</w:tbl>", document, re.S)
        sizes = {int(s) for t in tables for s in re.findall(r'<w:sz w:val="(\d+)"', t)}
        chosen = {i for i, f in enumerate(FITS) if round(f.size * 2) in sizes}
        assert len(sizes) == 1 and chosen, (stem, sizes)
        assert level is None or level in chosen


@pytest.mark.slow
def test_the_page_maps_are_current() -> None:
    """tests/pagemaps/ records where the pages of every example form fall; a change
    that moves a break changes it, in review."""
    result = subprocess.run([str(REPO / ".venv/bin/python"), str(SCRIPT), "--check"],
                            capture_output=True, text=True, timeout=600, cwd=REPO)
    assert result.returncode == 0, result.stdout + result.stderr


def _page_counts(record: str) -> dict[str, int]:
    """The page count of each form and combined document in a page map."""
    return {m[1]: int(m[2]) for m in re.finditer(r"^(\S+) \(.*?\): (\d+) pages?$", record,
                                                 re.M)}


@pytest.mark.slow
def test_libreoffice_prints_every_docx_on_the_pdf_s_pages(built: Path, tmp_path: Path) -> None:
    """Each form's and each unit's DOCX, opened in LibreOffice, takes as many pages as
    its PDF, as the page map records: one LibreOffice run converts them all."""
    docx = sorted(built.rglob("*.docx"))
    names = {f"{p.relative_to(built).with_suffix('').as_posix().replace('/', '~')}": p
             for p in docx}
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name, path in names.items():
        (inputs / f"{name}.docx").write_bytes(path.read_bytes())
    profile = tmp_path / "profile"
    subprocess.run(["libreoffice", f"-env:UserInstallation=file://{profile}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path / "out"),
                    *sorted(str(p) for p in inputs.iterdir())],
                   capture_output=True, text=True, timeout=600, check=True)
    record = _page_counts((REPO / "tests/pagemaps/own.txt").read_text(encoding="utf-8"))
    differ, feet = {}, {}
    for name, path in names.items():
        stem = name.replace("~", "/")
        office = pypdf.PdfReader(tmp_path / "out" / f"{name}.pdf")
        pdf = pypdf.PdfReader(path.with_suffix(".pdf"))
        if not len(office.pages) == len(pdf.pages) == record[stem]:
            differ[stem] = (len(office.pages), len(pdf.pages), record[stem])
        elif _feet(office) != _feet(pdf):  # the same name, page of the form and number
            feet[stem] = (_feet(office), _feet(pdf))
    assert differ == {}, "LibreOffice, PDF, page map"
    assert feet == {}, "LibreOffice, PDF"


def _feet(pdf: pypdf.PdfReader) -> list[tuple[str, ...]]:
    """What each page prints at its foot: the form's name and 第 n 页 共 m 页, the page's
    number in a unit's document (— n —)."""
    out = []
    for page in pdf.pages:
        text = page.extract_text().replace("\xa0", " ")
        out.append(tuple(re.sub(r"\s+", " ", m) for m in re.findall(
            r"\S+\u3000第 ?\d+ ?页 共 ?\d+ ?页|— ?\d+ ?—", text)))
    return out


def _contents(text: str) -> list[tuple[str, int]]:
    """The entries of a contents page, as read from a PDF: each form's and its first
    page."""
    return [(re.sub(r"\s*\n", "", m[1]), int(m[2]))
            for m in re.finditer(r"^\d+ (.+?)\s*·+\s*(\d+)$", text, re.M | re.S)]


def _units(built: Path) -> list[Path]:
    return sorted(p for p in built.glob("*/*/*.pdf") if p.stem == f"{p.parent.name}-"
                  f"{p.parent.parent.name}")


def test_a_unit_s_pdf_opens_with_its_contents_and_numbers_its_pages(built: Path) -> None:
    """A unit's PDF opens with a contents page naming each form (and the title it
    prints) with the page it starts on; the pages after it are numbered from 1 at their
    foot, so that number finds the form; each form keeps its bookmark."""
    record = (REPO / "tests/pagemaps/own.txt").read_text(encoding="utf-8")
    units = _units(built)
    assert len(units) == 3
    for path in units:
        pdf = pypdf.PdfReader(path)
        contents = _contents(pdf.pages[0].extract_text())
        starts = [pdf.get_destination_page_number(b) for b in pdf.outline]
        assert [first for _entry, first in contents] == starts, path.name
        stems = re.findall(rf"^({path.parent.parent.name}/{path.parent.name}/\S+) \(level",
                           record, re.M)
        assert len(contents) == len(stems) > 1
        feet = _feet(pdf)
        assert feet[0] == ()  # the contents page has no number
        assert [f[-1] for f in feet[1:]] == [f"— {n} —" for n in range(1, len(feet))]
        for (entry, first), after in zip(contents, [*starts[1:], len(feet)], strict=True):
            name = entry.split("（")[0]
            pages = after - first
            for n in range(1, pages + 1):  # a form on several pages names itself on each
                expected = (f"{name} 第 {n} 页 共 {pages} 页",) if pages > 1 else ()
                assert feet[first + n - 1][:-1] == expected, (path.name, entry, n)
    yangxin = pypdf.PdfReader(built / "2024/yangxin-ylbx/yangxin-ylbx-2024.pdf")
    assert _contents(yangxin.pages[0].extract_text()) == [
        ("养老保险转移接续经费（项目支出绩效目标申报表）", 1),
        ("退休人员生存认证工作经费（项目支出绩效目标申报表）", 2),
        ("稽核工作费用（项目支出绩效目标申报表）", 3),
        ("新老机保结算及欠费征收工作费用（项目支出绩效目标申报表）", 4),
        ("阳新县养老保险事业服务中心（部门整体绩效目标申报表）", 5)]


def _layout(stem: str) -> str:
    """The layout an example form is built in, as its declaration says."""
    source = REPO / f"declarations/{stem}.yaml"
    found = re.search(r"^layout: (\S+)", source.read_text(encoding="utf-8"), re.M)
    return found[1] if found else "national"


def _chromium_pages(html: Path, pdf: Path) -> int:
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                    "--no-pdf-header-footer", f"--print-to-pdf={pdf}", html.as_uri()],
                   capture_output=True, timeout=120, check=True)
    return len(pypdf.PdfReader(pdf).pages)


@pytest.mark.slow
def test_chromium_prints_every_unit_s_html_on_the_pdf_s_pages(built: Path,
                                                              tmp_path: Path) -> None:
    """A unit's forms as HTML, printed together from headless Chromium (Debian's, as
    root: no sandbox), take as many pages as the unit's PDF, as the page map records;
    so does a form of each layout that takes more than one page, printed alone, with its
    name and 第 n 页 共 m 页 at the foot of each page."""
    record = (REPO / "tests/pagemaps/own.txt").read_text(encoding="utf-8")
    counts = _page_counts(record)
    forms = [s for s in re.findall(r"^(\S+) \(level", record, re.M)]
    units: dict[str, list[str]] = {}
    for stem in forms:
        units.setdefault(stem.rsplit("/", 1)[0], []).append(stem)
    differ = {}
    for folder, stems in units.items():
        combined = next(s for s in counts if s.startswith(folder + "/")
                        and s not in stems)
        html = tmp_path / f"{combined.replace('/', '~')}.html"
        html.write_text(export.combine_pages(
            [(built / f"{s}.html").read_text(encoding="utf-8") for s in stems]),
            encoding="utf-8")
        printed = _chromium_pages(html, html.with_suffix(".pdf"))
        contents = len(re.findall(rf"^{re.escape(combined)} \(combined\): \d+ pages(?:\n  page \d+: "
                                  r"contents)+", record, re.M)[0].splitlines()) - 1
        if printed != counts[combined] - contents:  # a unit's contents is its PDF's only
            differ[combined] = (printed, counts[combined] - contents)
    layouts = {}  # one form of each layout that takes more than one page: they print alike
    for stem in (s for s in forms if counts[s] > 1):
        layouts.setdefault(_layout(stem), stem)
    for stem in layouts.values():
        printed = _chromium_pages(built / f"{stem}.html", tmp_path / "alone.pdf")
        if printed != counts[stem]:
            differ[stem] = (printed, counts[stem])
        feet = [page.extract_text() for page in pypdf.PdfReader(tmp_path / "alone.pdf").pages]
        for n, text in enumerate(feet, start=1):  # the form's name and page at each foot
            # (pypdf reads Chromium's 页 as the radical ⻚, and the ideographic space as
            # an em space)
            assert re.search(rf"\s第 {n} [页⻚] 共 {len(feet)} [页⻚]", text), (stem, n)
    assert differ == {}, "Chromium, page map"


@pytest.mark.slow
def test_a_form_converts_alike_alone_and_with_its_unit() -> None:
    """A form's DOCX and Typst body are the same bytes whether it was converted alone
    (a build that redoes one form, or cuts it at its pages) or with the rest of its unit:
    an incremental build and a clean one agree."""
    forms, _units, _fitted = _script()["laid_out"](["declarations"], None)
    with export.Converter() as converter:
        joint = converter.forms([f.html for f in forms], ["docx", "typst"], "unit")
        for form, together in zip(forms, joint, strict=True):
            alone = converter.forms([form.html], ["docx", "typst"], "form")[0]
            assert alone["typst"] == together["typst"], form.stem
            assert export.finish_docx(alone["docx"], 0, 0) == \
                export.finish_docx(together["docx"], 0, 0), form.stem


def _words(xml: str) -> str:
    return "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", xml))


def test_a_docx_form_on_several_pages_names_itself_in_its_footers(built: Path) -> None:
    """In the DOCX, as in the PDF, a form on more than one page prints its name and
    第 n 页 共 m 页 in the footer of each page (not in the body, which an import reads).
    A unit's DOCX opens with the PDF's contents page; then each page of a form cut at
    its pages is a section whose footer says its page in letters, over the page's number
    in the unit's document (a PAGE field counted from the first form)."""
    record = _page_counts((REPO / "tests/pagemaps/own.txt").read_text(encoding="utf-8"))
    units = {p.with_suffix(".docx") for p in _units(built)}
    for path in sorted(built.rglob("*.docx")):
        stem = path.relative_to(built).with_suffix("").as_posix()
        package = zipfile.ZipFile(path)
        document = package.read("word/document.xml").decode("utf-8")
        footers = [package.read(n).decode("utf-8") for n in sorted(
            (n for n in package.namelist() if re.fullmatch(r"word/footer\d+\.xml", n)),
            key=lambda n: int(re.sub(r"\D", "", n)))]
        sections = re.findall(r"<w:sectPr\b.*?</w:sectPr>", document, re.S)
        assert "第" not in _words(document[-3000:])
        if path not in units:
            assert len(footers) == len(sections) == 1, stem
            assert 'w:start="1"' in sections[0] and "footerReference" in sections[0], stem
            words = _words(footers[0])
            if record[stem] > 1:
                assert re.fullmatch(rf".+\u3000第 1 页 共 {record[stem]} 页", words), (stem, words)
                assert "PAGE" in footers[0]
            else:
                assert words == "", stem
            continue
        # the contents page: no footer of its own, the forms' pages counted from 1
        assert "footerReference" not in sections[0] and "pgNumType" not in sections[0]
        assert 'w:start="1"' in sections[1]
        assert not any("pgNumType" in s for s in sections[2:]), stem
        assert len(footers) == len(sections) - 1 == record[stem] - 1, stem
        pdf = pypdf.PdfReader(path.with_suffix(".pdf"))
        expected = [" ".join(f[:-1]) for f in _feet(pdf)[1:]]
        said = [re.sub(r"\s+", " ", _words(f).removesuffix("— 1 —")).strip() for f in footers]
        assert said == expected, stem
        assert all("PAGE" in f for f in footers)
        head = document[:document.index("<w:tbl>")]  # number ⇥ entry ⇥ first page
        listed = [re.findall(r"<w:t[^>]*>([^<]*)</w:t>", e)
                  for e in re.findall(r"<w:p>.*?</w:p>", head) if "<w:tab />" in e]
        assert [(entry, int(first)) for _n, entry, first in listed] == \
            _contents(pdf.pages[0].extract_text()), stem


def _page_texts(pdf: pypdf.PdfReader, pages: range | None = None) -> list[str]:
    """Each page's text, its spacing evened out and its number in a unit's document
    (— n —) left out."""
    chosen = pages if pages is not None else range(len(pdf.pages))
    return [" ".join(re.sub(r"— ?\d+ ?—", "", pdf.pages[k].extract_text().replace(
        "\xa0", " ")).split()) for k in chosen]


@pytest.mark.slow
def test_a_form_s_pdf_reads_the_same_however_it_is_made(built: Path, tmp_path: Path) -> None:
    """A form's PDF is made in three ways: in a cold build (a form on one page keeps the
    PDF of the compile that fitted it), again from its fitted body kept in the build
    folder (here by one worker, after its PDF was lost), and as pages of its unit's
    document. Each reads the same, page for page, but for the unit's page numbers; the
    unit's bookmarks lead to each form's first page, and a form made again is the same
    bytes."""
    out = tmp_path / "build"
    shutil.copytree(built, out)
    units = _units(out)
    forms = sorted(p for p in out.glob("*/*/*.pdf") if p not in units)
    cold = {p: p.read_bytes() for p in forms}
    for path in forms:
        path.unlink()
    result = run("build", "declarations", "--out", str(out), "--jobs", "1")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(forms)} files written" in result.stdout + result.stderr
    for path in forms:
        assert path.read_bytes() == cold[path], path
    for unit in units:
        document = pypdf.PdfReader(unit)
        starts = [document.get_destination_page_number(b) for b in document.outline]
        parts = [_page_texts(document, range(first, end)) for first, end
                 in zip(starts, [*starts[1:], len(document.pages)], strict=True)]
        own = {p.name: _page_texts(pypdf.PdfReader(p)) for p in forms if p.parent == unit.parent}
        assert sorted(map(str, parts)) == sorted(map(str, own.values())), unit.name
        assert all(len(text) > 100 for part in parts for text in part)


def test_the_pandoc_server_answers_an_empty_request_and_goes_on() -> None:
    """An empty document (nothing to convert) is answered, not waited on: pandoc's
    server reads no byte for it, and converts the next request as usual."""
    with export.Converter() as converter:
        assert converter.forms([], ["typst"], "nothing") == []
        empty = converter.pandoc("", ["typst"], "empty")
        assert set(empty) == {"typst"}
        [done] = converter.forms(["<html><body><p>表</p></body></html>"], ["typst"], "one")
        assert "表" in done["typst"].decode("utf-8")
