"""Export: a form's HTML → DOCX and → a Typst body (pandoc), which typeset.py makes a
PDF of.

One HTML template per layout feeds all three formats; what HTML cannot say to pandoc
(page size, fonts, table borders, centred paragraphs, page breaks) comes from a
reference DOCX, a Typst preamble (typeset.py) and a small Lua filter, made here.

Every output is reproducible: pandoc gets SOURCE_DATE_EPOCH, so the same inputs give
the same bytes on any machine.
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import re
import subprocess
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from . import footers
from .converters import missing
from .domain import ZIP_EPOCH, zip_time
from .errors import PerfdeclError
from .i18n import _
from .pages import LINE, docx_fitted, typst_contents
from .resources import data_dir
from .workspace import Workspace

try:
    import pypandoc
except ModuleNotFoundError as error:  # perfdecl's `build` extra
    raise missing(error) from None


class ExportError(PerfdeclError):
    """Raised when pandoc or Typst fails on a form; the message names the form."""


@functools.cache
def pandoc() -> str:
    """The pandoc of pypandoc-binary (3.x): Debian's 2.17 has no Typst writer."""
    return str(pypandoc.get_pandoc_path())


def lua_filter() -> Path:
    return data_dir("templates") / "_export" / "forms.lua"


_FIXED_EPOCH = str(ZIP_EPOCH)  # 1980-01-01: pandoc's own dates, replaced per form afterwards
_PAGEBREAK_DOCX = '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'
_PAGEBREAK_TYPST = "\n#pagebreak()\n"


class Converter:
    """A pandoc process serving many conversions (templates/_export/server.lua), so
    that pandoc starts once per worker. Not for use by two threads at once. Its
    temporary files go to a Workspace under `temp` (default: the system's)."""

    def __init__(self, temp: Path | None = None) -> None:
        self.temp = temp
        self._server: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._workspace: Workspace | None = None

    def __enter__(self) -> Converter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._server is not None:
            if self._server.stdin:
                self._server.stdin.close()
            try:
                self._server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._server.kill()
            self._server = None
        if self._log is not None:
            self._log.close()
            self._log = None
        if self._workspace is not None:
            self._workspace.remove()
            self._workspace = None

    def kill(self) -> None:
        """Stops pandoc at once, from any thread: the process using it is going away."""
        server = self._server
        if server is not None:
            with contextlib.suppress(OSError):
                server.kill()
                server.wait(timeout=5)
        if self._workspace is not None:
            self._workspace.remove()

    def _start(self) -> subprocess.Popen[bytes]:
        if self._server is None or self._server.poll() is not None:
            if self._workspace is None:
                self._workspace = Workspace(self.temp)
            folder = self._workspace.path
            reference = folder / "reference.docx"
            reference.write_bytes(reference_data())
            self._log = tempfile.TemporaryFile(dir=folder)  # noqa: SIM115 - lives with the server
            # TMPDIR: pandoc's Lua mode keeps a history file there, left behind if killed
            env = {**os.environ, "SOURCE_DATE_EPOCH": _FIXED_EPOCH, "LANG": "C.UTF-8",
                   "TMPDIR": str(folder)}
            server = data_dir("templates") / "_export" / "server.lua"
            try:
                self._server = subprocess.Popen(
                    [pandoc(), "lua", str(server), str(lua_filter()), str(reference)],
                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log, env=env)
            except OSError as exc:
                raise ExportError(_("pandoc could not run: {error}").format(error=exc)) from None
        return self._server

    def _died(self, what: str) -> ExportError:
        log = b""
        if self._log is not None:
            self._log.seek(0)
            log = self._log.read()[-2000:]
        self._server = None
        return ExportError(_("{form}: pandoc stopped: {log}").format(
            form=what, log=log.decode("utf-8", "replace").strip()))

    def pandoc(self, html: str, formats: Sequence[str], what: str) -> dict[str, bytes]:
        """The form's HTML converted to each of `formats` (docx, typst)."""
        server = self._start()
        assert server.stdin is not None and server.stdout is not None
        payload = pandoc_html(html).encode("utf-8")
        try:
            server.stdin.write(f"{','.join(formats)} {len(payload)}\n".encode() + payload)
            server.stdin.flush()
        except (BrokenPipeError, OSError):
            raise self._died(what) from None
        out = {}
        for fmt in formats:
            header = server.stdout.readline().decode("ascii", "replace").split()
            if len(header) != 2 or not header[1].isdigit():
                raise self._died(what)
            data = server.stdout.read(int(header[1]))
            if header[0] != "ok":
                raise ExportError(_("{form}: pandoc failed: {output}").format(
                    form=what, output=data.decode("utf-8", "replace")))
            out[fmt] = data
        return out

    def docx(self, html: str, epoch: int, what: str) -> bytes:
        """The DOCX of a form, on the reference document's A4 page and styles."""
        return finish_docx(self.pandoc(html, ["docx"], what)["docx"], epoch)

    def forms(self, pages: Sequence[str], formats: Sequence[str],
              what: str) -> list[dict[str, bytes]]:
        """Several forms converted in one pandoc run, then split apart: pandoc's cost is
        mostly per document, so a unit's forms together cost a fraction of each alone.
        Returns, per form, its DOCX (to be finished: finish_docx) and/or its Typst body."""
        if not pages:
            return []
        converted = self.pandoc(combine_pages(pages), formats, what)
        out: list[dict[str, bytes]] = [{} for _page in pages]
        if "docx" in converted:
            for i, data in enumerate(split_docx(converted["docx"], len(pages))):
                out[i]["docx"] = data
        if "typst" in converted:
            for i, body in enumerate(split_typst(converted["typst"].decode("utf-8"),
                                                 len(pages))):
                out[i]["typst"] = body.encode("utf-8")
        return out


def combine_pages(pages: Sequence[str]) -> str:
    """One HTML document holding every page's form, each starting on a new page."""
    if not pages:
        return ""
    head = pages[0].split("<body>", 1)[0]
    bodies = [_body(p) for p in pages]
    return head + "<body>\n" + '\n<div class="pagebreak"></div>\n'.join(bodies) + \
        "\n</body>\n</html>\n"


def _body(page: str) -> str:
    match = re.search(r"<body>(.*)</body>", page, re.S)
    return match.group(1).strip() if match else page


def _document_parts(data: bytes) -> tuple[str, str, str]:
    """word/document.xml of a DOCX as (head up to <w:body>, body, final section)."""
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")
    start = xml.index("<w:body>") + len("<w:body>")
    body = xml[start: xml.rindex("</w:body>")]
    last = re.search(r"<w:sectPr\b.*?</w:sectPr>\s*$", body, re.S)
    section = last.group(0) if last else ""
    return xml[:start], body[: last.start()] if last else body, section


def split_docx(data: bytes, count: int) -> list[bytes]:
    """The DOCX of `count` forms separated by page breaks, as one DOCX per form. Pandoc
    gives the document's first paragraph a style of its own (FirstParagraph, which looks
    as BodyText does): every form's is BodyText, so that a form is the same bytes
    whichever forms were converted with it."""
    head, body, section = _document_parts(data)
    body = body.replace('<w:pStyle w:val="FirstParagraph" />', '<w:pStyle w:val="BodyText" />')
    parts = body.split(_PAGEBREAK_DOCX)
    if len(parts) != count:
        raise ExportError(_("expected {count} forms in the converted document, found {found}")
                          .format(count=count, found=len(parts)))
    return [stamp_docx(data, int(_FIXED_EPOCH), {"word/document.xml": (
        head + part + section + "</w:body></w:document>").encode("utf-8")}) for part in parts]


_LABEL_CELL = re.compile(r'<(t[dh])\b(?![^>]*\balign=)([^>]*\bclass="(?:[^"]*\s)?label[\s"][^>]*)>')


def pandoc_html(html: str) -> str:
    """A form's HTML as pandoc reads it: label cells centred (align="center", which
    pandoc's reader takes as the cell's alignment; forms.lua explains why here)."""
    return _LABEL_CELL.sub(r'<\1\2 align="center">', html)


_COLUMN_ALIGN = re.compile(r"^(\s*align: \()((?:auto,)+)(\),)$", re.M)


def _left_aligned(body: str) -> str:
    """Pandoc's Typst with its tables' columns aligned left: a cell that says no
    alignment of its own (a value cell) starts at the left, not at the centre of the
    figure the table sits in."""
    return _COLUMN_ALIGN.sub(lambda m: m[1] + "left," * m[2].count("auto,") + m[3], body)


def split_typst(body: str, count: int) -> list[str]:
    """The Typst of `count` forms separated by page breaks, one body per form, its rows
    numbered and its value cells aligned left."""
    body = _left_aligned(body)
    parts = [_number_rows(p.strip("\n") + "\n")
             for p in re.split(r"\n#pagebreak\(\)\n", body)]
    if len(parts) != count:
        raise ExportError(_("expected {count} forms in the converted document, found {found}")
                          .format(count=count, found=len(parts)))
    return parts


def _number_rows(body: str) -> str:
    """A form's row marks (forms.lua) numbered 1, 2, … in the order of its rows: a form
    gets the same Typst body whatever was converted with it."""
    numbers = iter(range(1, 1_000_000))
    return re.sub(r"#perfdecl-row\(\d+, ", lambda _m: f"#perfdecl-row({next(numbers)}, ", body)


def to_docx(html: str, epoch: int, what: str) -> bytes:
    """The DOCX of one document (for one-off conversions such as the diff's redline)."""
    with Converter() as converter:
        return converter.docx(html, epoch, what)


def _centre_cells(document: bytes) -> bytes:
    """Every table cell's text centred vertically, as on the paper forms (pandoc's DOCX
    writer has no vertical alignment). vAlign goes last in a cell's properties."""
    document = document.replace(b"<w:tcPr />", b'<w:tcPr><w:vAlign w:val="center" /></w:tcPr>')
    return document.replace(b"</w:tcPr>", b'<w:vAlign w:val="center" /></w:tcPr>') \
        .replace(b'<w:vAlign w:val="center" /><w:vAlign w:val="center" />',
                 b'<w:vAlign w:val="center" />')


def _rows_whole(document: bytes) -> bytes:
    """No table row breaks across a page (w:cantSplit): on paper a row's cells, and the
    words in them, stay together. A row taller than a page still flows on: Word and
    LibreOffice break it then."""
    document = document.replace(b"<w:tr><w:trPr>", b"<w:tr><w:trPr><w:cantSplit />")
    return re.sub(rb"<w:tr>(?!<w:trPr>)", b"<w:tr><w:trPr><w:cantSplit /></w:trPr>", document)


def finish_docx(data: bytes, epoch: int, fit: int | None = None,
                footer: tuple[str, int] | None = None) -> bytes:
    """A DOCX from pandoc, finished: cells centred vertically, rows kept whole, tables
    set at the form's level `fit` (pages.FITS), its footer (the form's name and number
    of pages, footers.py), dates set to `epoch`."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        document = _rows_whole(_centre_cells(package.read("word/document.xml")))
        if fit is not None:
            document = docx_fitted(document, fit)
        changed = {"word/document.xml": document}
        if footer is not None:
            parts = {name: package.read(name) for name in _PACKAGE_PARTS}
            changed = footers.single(parts, document.decode("utf-8"), *footer)
    return stamp_docx(data, epoch, changed)


_PACKAGE_PARTS = ("word/_rels/document.xml.rels", "[Content_Types].xml")


def _rezip(data: bytes, change: Callable[[str, bytes], bytes],
           when: tuple[int, int, int, int, int, int] | None = None,
           added: dict[str, bytes] | None = None) -> bytes:
    """A copy of a zip (a DOCX) with each part passed through `change`, entries in the
    same order, then the `added` ones, dated `when` (or as they were)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        names = set(src.namelist())
        entries = [(item, src.read(item.filename)) for item in src.infolist()]
        entries += [(zipfile.ZipInfo(name), content) for name, content in (added or {}).items()
                    if name not in names]
        for item, content in entries:
            info = item
            if when is not None:
                info = zipfile.ZipInfo(item.filename, date_time=when)
                info.external_attr = item.external_attr
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, change(item.filename, content))
    return out.getvalue()


def stamp_docx(data: bytes, epoch: int, changed: dict[str, bytes] | None = None) -> bytes:
    """The DOCX with every date in it (zip entries, created and modified) set to
    `epoch`, and the parts in `changed` replaced (or added)."""
    stamp = datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    changed = changed or {}

    def change(name: str, content: bytes) -> bytes:
        if name == "docProps/core.xml":
            return re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*",
                          lambda m: m.group(1) + stamp, content)
        return changed.get(name, content)

    return _rezip(data, change, zip_time(epoch), changed)


def merge_docx(parts: Sequence[bytes], epoch: int, title: str,
               forms: Sequence[tuple[str, str, int]]) -> bytes:
    """One DOCX holding the bodies of `parts` (made by pandoc from the same reference
    document), after a contents page: the combined document of a unit, without
    converting its forms again. `forms` gives each part's name, contents entry and
    number of pages; footers.combined says how its pages are footed and numbered."""
    held = []
    for data, (name, entry, pages) in zip(parts, forms, strict=True):
        _head, body, section = _document_parts(data)
        held.append(footers.Part(name, entry, body, section, pages))
    head = _document_parts(parts[0])[0]
    with zipfile.ZipFile(io.BytesIO(parts[0])) as package:
        first = {name: package.read(name) for name in _PACKAGE_PARTS}
    return stamp_docx(parts[0], epoch, footers.combined(first, head, title, held))


def merge_typst(bodies: Sequence[str]) -> str:
    """The Typst bodies of several forms, each from a new page."""
    return _PAGEBREAK_TYPST.join(bodies)


def unit_typst(title: str, forms: Sequence[tuple[str, str]]) -> str:
    """A unit's document: its contents page, then its forms (each its contents entry
    and fitted Typst body)."""
    return typst_contents(title, [entry for entry, _body in forms]) + \
        merge_typst([body for _entry, body in forms])


# ------------------------------------------------------------- the reference document

_A4_SECTION = ('<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1021" '
               'w:right="1134" w:bottom="1021" w:left="1134" w:header="567" w:footer="567" '
               'w:gutter="0"/></w:sectPr>')
_FONTS = ('<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" '
          'w:eastAsia="SimSun" w:cs="Times New Roman" />')
_BORDERS = "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                   for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
_EXTRA_STYLES = """
  <w:style w:type="paragraph" w:customStyle="1" w:styleId="Center">
    <w:name w:val="Center" /><w:basedOn w:val="BodyText" /><w:qFormat />
    <w:pPr><w:jc w:val="center" /></w:pPr>
  </w:style>
  <w:style w:type="paragraph" w:customStyle="1" w:styleId="Right">
    <w:name w:val="Right" /><w:basedOn w:val="BodyText" /><w:qFormat />
    <w:pPr><w:jc w:val="right" /></w:pPr>
  </w:style>
</w:styles>"""
_HEADING1 = """<w:style w:type="paragraph" w:styleId="Heading1">
    <w:name w:val="heading 1" /><w:basedOn w:val="Normal" /><w:next w:val="BodyText" />
    <w:uiPriority w:val="9" /><w:qFormat />
    <w:pPr><w:keepNext /><w:spacing w:before="120" w:after="{after}" w:line="{line}"
      w:lineRule="exact" /><w:jc w:val="center" />
      <w:outlineLvl w:val="0" /></w:pPr>
    <w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="SimHei" />
      <w:b /><w:bCs /><w:color w:val="000000" /><w:sz w:val="32" /><w:szCs w:val="32" /></w:rPr>
  </w:style>"""


def _patch_styles(xml: str) -> str:
    xml = re.sub(r"<w:rPrDefault>\s*<w:rPr>\s*<w:rFonts[^>]*/>\s*<w:sz w:val=\"24\" />\s*"
                 r"<w:szCs w:val=\"24\" />",
                 f'<w:rPrDefault><w:rPr>{_FONTS}<w:sz w:val="21" /><w:szCs w:val="21" />', xml)
    xml = xml.replace('<w:spacing w:after="200" />', '<w:spacing w:after="0" />', 1)
    body_line = LINE.twips(10.5)
    xml = re.sub(r'<w:style w:type="paragraph" w:styleId="Heading1">.*?</w:style>',
                 _HEADING1.replace("{line}", str(LINE.twips(16)))
                 .replace("{after}", str(LINE.after(16, 12 / 16))), xml, count=1, flags=re.S)
    xml = re.sub(r'(<w:style w:type="paragraph" w:styleId="BodyText">.*?)<w:spacing [^>]*/>',
                 rf'\1<w:spacing w:before="0" w:after="{LINE.after(10.5, 0.5)}" '
                 f'w:line="{body_line}" w:lineRule="exact" />', xml, count=1, flags=re.S)
    xml = re.sub(r'(w:styleId="Compact">.*?)<w:spacing [^>]*/>', r'\1<w:spacing w:before="0" '
                 r'w:after="0" />', xml, count=1, flags=re.S)
    xml = re.sub(r'(<w:style w:type="table" w:default="1" w:styleId="Table">.*?<w:tblPr>)',
                 rf"\1<w:tblBorders>{_BORDERS}</w:tblBorders>", xml, count=1, flags=re.S)
    return xml.replace("</w:styles>", _EXTRA_STYLES)


def _patch_document(xml: str) -> str:
    xml = re.sub(r"<w:sectPr.*?</w:sectPr>", "", xml, flags=re.S)
    return xml.replace("</w:body>", _A4_SECTION + "</w:body>")


@functools.cache
def reference_data() -> bytes:
    """The reference DOCX: pandoc's own default, with an A4 page, 宋体 (SimSun) in the
    East Asian font slot, 五号 text, a centred 黑体 title and bordered tables."""
    fixed = {**os.environ, "SOURCE_DATE_EPOCH": _FIXED_EPOCH}  # else pandoc stamps it "now"
    default = subprocess.run([pandoc(), "--print-default-data-file", "reference.docx"],
                             capture_output=True, check=True, timeout=60, env=fixed).stdout
    patches = {"word/styles.xml": _patch_styles, "word/document.xml": _patch_document}

    def change(name: str, content: bytes) -> bytes:
        patch = patches.get(name)
        return patch(content.decode("utf-8")).encode("utf-8") if patch else content

    return _rezip(default, change)
