"""Typesetting: a form's Typst body → PDF, through the typst wheel, and the questions
asked of its layout (the level a form fits one page at, where its rows fall).

Every PDF is reproducible: Typst gets a fixed creation timestamp, so the same inputs
give the same bytes on any machine.
"""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from .converters import missing
from .export import ExportError, merge_typst
from .fonts import loaded
from .i18n import _
from .pages import LINE, PAGE_MARGIN_CM, typst_definitions, typst_form, typst_string
from .workspace import Workspace

try:
    import typst
except ModuleNotFoundError as error:  # perfdecl's `build` extra
    raise missing(error) from None

TITLE_FONTS = ("SimHei", "Heiti SC", "Noto Sans CJK SC", "Source Han Sans SC",
               "WenQuanYi Zen Hei", "Microsoft YaHei")
"""The form's title is set in 黑体 in every format (the HTML's h1, the DOCX's Heading 1);
the first of these installed, else the body's 宋体."""


def preamble(title: str, fonts: Sequence[str], footer: bool = True, rows: bool = False) -> str:
    """A4, the Chinese fonts, a centred form title, bordered tables that may break
    across pages (pandoc wraps tables in figures, which otherwise never break), the
    functions that fit a form on its pages (pages.typst_definitions). At the foot of a
    page: the form's name and 第 n 页 共 m 页 when the form takes several pages
    (pages.typst_form), and in a unit's document the page's number, counted from its
    first form (pages.typst_contents). No space is added between Chinese and Latin text
    (74万元, 2019年度), as on the paper and in the DOCX and HTML.

    A document that is only queried (where `rows` fall, the level a form fits at), or a
    form on one page, needs no `footer`: it is set in the page's margin and moves
    nothing, and the marks it reads cost Typst a second layout of the whole document."""
    families = ", ".join(typst_string(f) for f in fonts)
    titles = "".join(f"{typst_string(f)}, " for f in TITLE_FONTS)
    side, top = PAGE_MARGIN_CM
    return f"""#set document(title: {typst_string(title)})
#set page(paper: "a4", margin: (x: {side}cm, y: {top}cm){_FOOTER if footer else ""})
#set text(font: ({families},), size: 10.5pt, lang: "zh", region: "cn",
  cjk-latin-spacing: none, top-edge: {LINE.top}em, bottom-edge: -{LINE.bottom}em)
#set par(justify: false, leading: {LINE.leading}em, spacing: 0.5em)
#show heading.where(level: 1): it => block(width: 100%, above: 6pt, below: 12pt,
  align(center, text(font: ({titles}{families},), size: 16pt, weight: "bold", it.body)))
#show figure: set block(breakable: true)
#show figure: set align(left)
#set table(stroke: 0.5pt + black)
#show table.cell: it => {{ set align(horizon); it }}
{typst_definitions(ends=footer or rows, rows=rows)}
"""


_FOOTER = """, footer: context {
  let now = here().page()
  let starts = query(<form-start>)
  let ends = query(<form-end>)
  let k = starts.filter(s => s.location().page() <= now).len() - 1
  let form = if k >= 0 and k < ends.len() {
    let (first, last) = (starts.at(k).location().page(), ends.at(k).location().page())
    if last > first and now <= last [
      #starts.at(k).value　第 #(now - first + 1) 页 共 #(last - first + 1) 页]
  }
  let contents = query(<contents-end>)
  let numbered = contents.len() > 0 and now > contents.first().location().page()
  let number = if numbered [— #counter(page).display() —]
  set text(size: 9pt)
  grid(columns: (1fr, auto, 1fr), [], form, align(right, number))
}"""
"""The foot of every page: the form's name and 第 n 页 共 m 页 (a form on several pages),
the page's number (in a unit's document, after its contents page)."""


_LOCK = threading.Lock()
"""One compilation at a time in a process: the compilers are shared (_compiler)."""


@functools.cache
def _compiler(font_paths: tuple[str, ...], system_fonts: bool) -> typst.Compiler:
    """A Typst compiler with these fonts, made once per process. Compilations are
    serialised by the Typesetter's lock."""
    return typst.Compiler(font_paths=loaded(font_paths, system_fonts))


class Typesetter:
    """The Typst compiler, shared by the workers: it loads the fonts once and keeps
    them; a lock lets one compilation run at a time (each takes milliseconds). Queries
    (where a form's pages fall) go to a second compiler, which reads its document from a
    file in a workspace under `temp`: Typst queries only a compiler's own input."""

    def __init__(self, fonts: Sequence[str], font_paths: Sequence[Path] = (),
                 system_fonts: bool = True, temp: Path | None = None) -> None:
        self.fonts = list(fonts)
        self.font_paths = [str(p) for p in font_paths]
        self.system_fonts = system_fonts
        self.temp = temp
        self._compiler: typst.Compiler | None = None
        self._querier: typst.Compiler | None = None
        self._workspace: Workspace | None = None
        self._lock = _LOCK

    def close(self) -> None:
        self._querier = None
        if self._workspace is not None:
            self._workspace.remove()
            self._workspace = None

    def _new_compiler(self, source: Path | None = None) -> typst.Compiler:
        return typst.Compiler(input=str(source) if source else None,
                              font_paths=loaded(tuple(self.font_paths), self.system_fonts))

    def pdf(self, body: str, title: str, epoch: int, what: str, footer: bool = True) -> bytes:
        """The PDF of a form (or of several, their bodies joined by merge_typst), with
        the Chinese fonts embedded; without a `footer` when it has none to print (a form
        on one page)."""
        data: bytes = (preamble(title, self.fonts, footer=footer) + body).encode("utf-8")
        with self._lock:
            if self._compiler is None:
                self._compiler = _compiler(tuple(self.font_paths), self.system_fonts)
            try:
                pdf = self._compiler.compile(input=data,
                                             timestamp=datetime.fromtimestamp(epoch, UTC))
            except typst.TypstError as exc:
                raise ExportError(_("{form}: Typst failed: {error}").format(
                    form=what, error=exc)) from None
        assert isinstance(pdf, bytes)  # one PDF, not pages of images
        return pdf

    def _query_input(self, data: bytes) -> typst.Compiler:
        """The compiler that queries, its input (a file: Typst queries only a
        compiler's own input) now `data`. Called under the lock."""
        if self._workspace is None:
            self._workspace = Workspace(self.temp)
        source = self._workspace.path / "query.typ"
        source.write_bytes(data)
        if self._querier is None:
            self._querier = self._new_compiler(source)
        return self._querier

    def query(self, body: str, selector: str, what: str, rows: bool = False) -> list[object]:
        """The values of the metadata labelled `selector` in the laid-out document (with
        its `rows` marked, when asked: see pages.typst_definitions)."""
        data = (preamble("", self.fonts, footer=False, rows=rows) + body).encode("utf-8")
        with self._lock:
            querier = self._query_input(data)
            try:
                found = json.loads(querier.query(selector, field="value"))
            except (typst.TypstError, RuntimeError) as exc:
                raise ExportError(_("{form}: Typst failed: {error}").format(
                    form=what, error=exc)) from None
        assert isinstance(found, list)
        return found

    def rows(self, body: str, what: str) -> list[tuple[int, str]]:
        """Where the table rows of a document (forms' Typst bodies) stand: the page of
        each and the start of its text, in the order of the rows (forms.lua marks
        them), which is not the order Typst lays their cells out in."""
        return self.pages(body, what)[0]

    def pages(self, body: str, what: str) -> tuple[list[tuple[int, str]], int]:
        """The rows of a document (rows) and the page its last form ends on."""
        found = self.query(body, _ROWS, what, rows=True)
        rows = [r for r in found if isinstance(r, dict)]
        ends = [int(str(e)) for e in found if not isinstance(e, dict)]
        return ([(int(r["page"]), str(r["text"])) for r in sorted(rows, key=lambda r: r["row"])],
                max(ends, default=1))

    def form_pages(self, bodies: Sequence[str], what: str) -> list[Paged]:
        """The rows of each of several forms (their bodies as typst_form makes them) and
        the pages each takes: one layout of them all, each from a new page."""
        found = self.query(merge_typst(bodies), _ROWS, what, rows=True)
        return _laid(found, len(bodies), what)

    def printed(self, body: str, title: str, epoch: int, what: str) -> tuple[bytes, Paged]:
        """The PDF of a form (its body as typst_form makes it), and where its rows fall
        and the pages it takes: one compile, which the query after it finds made (the
        marks it reads leave the PDF's bytes as they are)."""
        pdf, found = self._compile_and_query(preamble(title, self.fonts, rows=True) + body,
                                             epoch, _ROWS, what)
        return pdf, _laid(found, 1, what)[0]

    def fit(self, title: str, body: str, epoch: int, what: str) -> tuple[int, bool, bytes]:
        """A form (its Typst body) fitted on its page: the level (pages.FITS) it is set
        at, whether it fits one page there (the first level at which it does, else the
        normal one), and its PDF as a form on one page. One compile gives both, and the
        PDF is the same bytes as the fitted body's (typst_form with its level)."""
        pdf, found = self._compile_and_query(preamble(title, self.fonts, footer=False)
                                             + typst_form(title, body), epoch, "<form-fit>",
                                             what)
        if len(found) != 1 or not isinstance(found[0], dict):
            raise ExportError(_("{form}: Typst failed: {error}").format(
                form=what, error=f"{len(found)} fits for one form"))
        return int(found[0]["level"]), bool(found[0]["fits"]), pdf

    def _compile_and_query(self, source: str, epoch: int, selector: str,
                           what: str) -> tuple[bytes, list[object]]:
        """A document's PDF and the values of the metadata `selector` finds in it: the
        query lays nothing out again, finding the compile's layout in Typst's cache."""
        with self._lock:
            querier = self._query_input(source.encode("utf-8"))
            try:
                pdf = querier.compile(timestamp=datetime.fromtimestamp(epoch, UTC))
                found = json.loads(querier.query(selector, field="value"))
            except (typst.TypstError, RuntimeError) as exc:
                raise ExportError(_("{form}: Typst failed: {error}").format(
                    form=what, error=exc)) from None
        assert isinstance(pdf, bytes) and isinstance(found, list)
        return pdf, found


Paged = tuple[list[tuple[int, str]], int]
"""Where a form's rows fall (the page of each and the start of its text, in the order
of the rows) and the pages it takes."""

_ROWS = "selector(<row>).or(<form-end>)"


def _laid(found: list[object], count: int, what: str) -> list[Paged]:
    """The rows and pages of each of `count` forms laid out one after the other, each
    from a new page, from the marks of their rows and ends in the order of the document
    (a form's rows before its end), which is not the order Typst lays their cells out in."""
    laid: list[Paged] = []
    rows: list[dict[str, object]] = []
    first = 1
    for item in found:
        if isinstance(item, dict):
            rows.append(item)
            continue
        end = int(str(item))
        laid.append(([(int(str(r["page"])) - first + 1, str(r["text"]))
                      for r in sorted(rows, key=lambda r: int(str(r["row"])))],
                     end - first + 1))
        rows, first = [], end + 1
    if len(laid) != count or rows:
        raise ExportError(_("{form}: Typst failed: {error}").format(
            form=what, error=f"{len(laid)} form ends for {count} forms"))
    return laid
