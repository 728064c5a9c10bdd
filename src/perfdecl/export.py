"""Export: a form's HTML → DOCX (pandoc) and → PDF (pandoc → Typst → the typst wheel).

One HTML template per layout feeds all three formats; what HTML cannot say to pandoc
(page size, fonts, table borders, centred paragraphs, page breaks) comes from a
reference DOCX, a Typst preamble and a small Lua filter, all made here.

Every output is reproducible: pandoc gets SOURCE_DATE_EPOCH, Typst a fixed creation
timestamp, so the same inputs give the same bytes on any machine.
"""

from __future__ import annotations

import atexit
import functools
import io
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pypandoc
import typst

from .errors import PerfdeclError
from .resources import data_dir


class ExportError(PerfdeclError):
    """Raised when pandoc or Typst fails on a form; the message names the form."""


@functools.cache
def pandoc() -> str:
    """The pandoc of pypandoc-binary (3.x): Debian's 2.17 has no Typst writer."""
    return str(pypandoc.get_pandoc_path())


@functools.cache
def _workdir() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="perfdecl-export-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def lua_filter() -> Path:
    return data_dir("templates") / "_export" / "forms.lua"


def _run_pandoc(args: Sequence[str], html: str, epoch: int, what: str) -> bytes:
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(epoch), "LANG": "C.UTF-8"}
    try:
        done = subprocess.run([pandoc(), "--from", "html", "--lua-filter", str(lua_filter()),
                               *args], input=html.encode("utf-8"), capture_output=True,
                              env=env, timeout=300, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ExportError(f"{what}: pandoc could not run: {exc}") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", errors="replace").strip()
        raise ExportError(f"{what}: pandoc failed: {message}")
    return done.stdout


def to_docx(html: str, epoch: int, what: str) -> bytes:
    """The DOCX of a form, on the reference document's A4 page and styles."""
    return _run_pandoc(["--to", "docx", "--reference-doc", str(reference_docx()),
                        "--output", "-"], html, epoch, what)


def to_typst(html: str, epoch: int, what: str) -> str:
    """The Typst markup of a form's body (the preamble is added by to_pdf)."""
    return _run_pandoc(["--to", "typst"], html, epoch, what).decode("utf-8")


def to_pdf(body: str, title: str, fonts: Sequence[str], font_paths: Sequence[Path],
           epoch: int, what: str, *, system_fonts: bool = True) -> bytes:
    """The PDF of a form from its Typst body, the Chinese fonts embedded."""
    source = preamble(title, fonts) + body
    data: bytes = source.encode("utf-8")
    try:
        return bytes(typst.compile(data,  # type: ignore[misc]
                                   font_paths=[str(p) for p in font_paths],
                                   ignore_system_fonts=not system_fonts,
                                   timestamp=datetime.fromtimestamp(epoch, UTC)))
    except typst.TypstError as exc:
        raise ExportError(f"{what}: Typst failed: {exc}") from None


def _typst_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def preamble(title: str, fonts: Sequence[str]) -> str:
    """A4, the Chinese fonts, a centred form title, bordered tables that may break
    across pages (pandoc wraps tables in figures, which otherwise never break)."""
    families = ", ".join(_typst_string(f) for f in fonts)
    return f"""#set document(title: {_typst_string(title)})
#set page(paper: "a4", margin: (x: 2cm, y: 1.8cm))
#set text(font: ({families},), size: 10.5pt, lang: "zh", region: "cn")
#set par(justify: false, leading: 0.6em, spacing: 0.8em)
#show heading.where(level: 1): it => block(width: 100%, above: 0.6em, below: 0.8em,
  align(center, text(size: 16pt, weight: "bold", it.body)))
#show figure: set block(breakable: true)
#show figure: set align(left)
#set table(inset: (x: 4pt, y: 5pt), stroke: 0.5pt + black)
#show table.cell: it => {{ set align(horizon); it }}
#show table: set text(size: 10pt)
#show table.cell: set par(leading: 0.45em)

"""


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
    <w:pPr><w:keepNext /><w:spacing w:before="120" w:after="240" /><w:jc w:val="center" />
      <w:outlineLvl w:val="0" /></w:pPr>
    <w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="SimHei" />
      <w:b /><w:bCs /><w:color w:val="000000" /><w:sz w:val="32" /><w:szCs w:val="32" /></w:rPr>
  </w:style>"""


def _patch_styles(xml: str) -> str:
    xml = re.sub(r"<w:rPrDefault>\s*<w:rPr>\s*<w:rFonts[^>]*/>\s*<w:sz w:val=\"24\" />\s*"
                 r"<w:szCs w:val=\"24\" />",
                 f'<w:rPrDefault><w:rPr>{_FONTS}<w:sz w:val="21" /><w:szCs w:val="21" />', xml)
    xml = xml.replace('<w:spacing w:after="200" />', '<w:spacing w:after="0" />', 1)
    xml = re.sub(r'<w:style w:type="paragraph" w:styleId="Heading1">.*?</w:style>', _HEADING1,
                 xml, count=1, flags=re.S)
    xml = re.sub(r'(<w:style w:type="paragraph" w:styleId="BodyText">.*?)<w:spacing [^>]*/>',
                 r'\1<w:spacing w:before="60" w:after="60" />', xml, count=1, flags=re.S)
    xml = re.sub(r'(w:styleId="Compact">.*?)<w:spacing [^>]*/>', r'\1<w:spacing w:before="0" '
                 r'w:after="0" />', xml, count=1, flags=re.S)
    xml = re.sub(r'(<w:style w:type="table" w:default="1" w:styleId="Table">.*?<w:tblPr>)',
                 rf"\1<w:tblBorders>{_BORDERS}</w:tblBorders>", xml, count=1, flags=re.S)
    return xml.replace("</w:styles>", _EXTRA_STYLES)


def _patch_document(xml: str) -> str:
    xml = re.sub(r"<w:sectPr.*?</w:sectPr>", "", xml, flags=re.S)
    return xml.replace("</w:body>", _A4_SECTION + "</w:body>")


@functools.cache
def reference_docx() -> Path:
    """The reference DOCX: pandoc's own default, with an A4 page, 宋体 (SimSun) in the
    East Asian font slot, 五号 text, a centred 黑体 title and bordered tables."""
    fixed = {**os.environ, "SOURCE_DATE_EPOCH": "315532800"}  # else pandoc stamps it "now"
    default = subprocess.run([pandoc(), "--print-default-data-file", "reference.docx"],
                             capture_output=True, check=True, timeout=60, env=fixed).stdout
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(default)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/styles.xml":
                data = _patch_styles(data.decode("utf-8")).encode("utf-8")
            elif item.filename == "word/document.xml":
                data = _patch_document(data.decode("utf-8")).encode("utf-8")
            dst.writestr(item, data)
    path = _workdir() / "reference.docx"
    path.write_bytes(out.getvalue())
    return path
