"""Export workers: the processes that turn forms' HTML into DOCX and PDF.

Each worker process keeps a pandoc server and a Typst compiler for all the work it is
given (both are costly to start; Typst holds Python's lock while it compiles, so threads
would not run two at once). Its unit of work is one unit's forms of one year: their HTML
goes through pandoc in one run and is split apart again, then each PDF is compiled, then
the unit's combined DOCX and PDF are assembled. The worker writes the files itself
(atomically) and reports what it wrote; the build records it.

A worker whose build is gone (killed: it can stop nobody) stops pandoc and exits at
once, rather than go on exporting into the build folder for minutes.
"""

from __future__ import annotations

import atexit
import hashlib
import multiprocessing
import multiprocessing.process
import multiprocessing.util
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import continuation, export, typeset
from .atomic import write_bytes
from .buildfolder import read_regular, regular
from .i18n import _
from .pages import contents_entry, fit_of, html_fitted, pages_of, typst_form
from .wrapping import balance_labels


@dataclass
class FormTask:
    stem: str
    html: str
    title: str
    epoch: int
    sources: list[str]
    stale: list[str]  # the formats to write: html, docx, pdf
    body: str  # where its Typst body is kept (by content)
    keys: dict[str, str]


@dataclass
class UnitTask:
    out: str
    forms: list[FormTask]  # all the unit's forms, in order (fresh ones too)
    stem: str
    title: str
    epoch: int
    stale: list[str]  # docx and/or pdf of the combined document
    keys: dict[str, str]
    sources: list[str] = field(default_factory=list)


@dataclass
class Written:
    path: str
    key: str
    sources: list[str]
    title: str
    sha256: str
    size: int


_tools: dict[str, object] = {}


def start(fonts: list[str], font_paths: list[str], system_fonts: bool,
          temp: str | None = None) -> None:
    """Sets a worker up (once per process); its temporary files go under `temp`."""
    converter = export.Converter(Path(temp) if temp else None)
    _tools["converter"] = converter
    typesetter = typeset.Typesetter(fonts, [Path(p) for p in font_paths], system_fonts,
                                   Path(temp) if temp else None)
    _tools["typesetter"] = typesetter
    parent = multiprocessing.parent_process()
    if parent is None:  # the build itself, exporting alone
        atexit.register(converter.close)
        atexit.register(typesetter.close)
        return
    # a worker process: it exits without running atexit, but runs these
    multiprocessing.util.Finalize(None, converter.close, exitpriority=10)
    multiprocessing.util.Finalize(None, typesetter.close, exitpriority=10)
    threading.Thread(target=_watch, args=(parent,), daemon=True).start()


def _watch(parent: multiprocessing.process.BaseProcess) -> None:
    """Waits for the build process to end (its end of a pipe made when this worker was
    started closes: no polling, and no race with a build killed before this worker set
    up), then ends the worker."""
    parent.join()
    _leave()


def _orphaned() -> bool:
    """Whether this is a worker whose build process is gone."""
    parent = multiprocessing.parent_process()
    return parent is not None and not parent.is_alive()


def _leave() -> None:
    converter = _tools.get("converter")
    if isinstance(converter, export.Converter):
        converter.kill()
    typesetter = _tools.get("typesetter")
    if isinstance(typesetter, typeset.Typesetter):
        typesetter.close()
    os._exit(1)


def stop() -> None:
    converter = _tools.pop("converter", None)
    if isinstance(converter, export.Converter):
        converter.close()
    typesetter = _tools.pop("typesetter", None)
    if isinstance(typesetter, typeset.Typesetter):
        typesetter.close()
    _tools.clear()


def _cut_html(form: FormTask) -> str:
    """The HTML a fitted form's body was made from: cut at its pages, or as rendered."""
    kept = Path(form.body).with_suffix(".html")
    return read_regular(kept).decode("utf-8") if regular(kept) else form.html


ROUNDS = 8
"""How often a form is cut again because a continuation page of it overflowed."""


@dataclass
class Laid:
    """A form laid out on its pages: its HTML (cut where its pages break), its fitted
    Typst body, its DOCX when asked for (to be finished at the body's level), and its
    PDF when it is on one page (made as it was fitted)."""

    html: str
    body: str
    docx: bytes | None
    pdf: bytes | None


def lay_out(forms: Sequence[tuple[str, str, int]], docx: bool, what: str) -> list[Laid]:
    """Forms (title, HTML, epoch) converted, fitted on their pages (pages.py) and, those
    too long for one, cut where their pages break (continuation.py)."""
    converter = _tools["converter"]
    typesetter = _tools["typesetter"]
    assert isinstance(converter, export.Converter)
    assert isinstance(typesetter, typeset.Typesetter)
    formats = ["typst", *(["docx"] if docx else [])]
    forms = [(title, balance_labels(html), epoch) for title, html, epoch in forms]
    converted = converter.forms([html for _title, html, _epoch in forms], formats, what)
    cutting = [_Cutting(title, html, epoch, out["typst"].decode("utf-8"), out.get("docx"))
               for (title, html, epoch), out in zip(forms, converted, strict=True)]
    long = []
    for form in cutting:
        form.level, one_page, pdf = typesetter.fit(form.title, form.body, form.epoch, what)
        if one_page:
            form.pdf = pdf
        else:
            long.append(form)
    _paginate(long, formats, what)
    return [Laid(c.html, typst_form(c.title, c.body, c.level, c.pages), c.docx, c.pdf)
            for c in cutting]


@dataclass
class _Cutting:
    """A form being fitted and cut at its pages: its HTML, Typst body, DOCX and PDF
    (when made) as last converted, the level it is set at and the pages it takes."""

    title: str
    html: str
    epoch: int
    body: str
    docx: bytes | None
    pdf: bytes | None = None
    level: int = 0
    pages: int = 1


def _paginate(forms: list[_Cutting], formats: list[str], what: str) -> None:
    """Forms too long for one page, cut where Typst breaks their pages until each page
    holds one table of them. The first layout is of them all together; after each cut,
    their new cuts go through pandoc in one run, and each is printed, the compile telling
    where its rows now fall (a continuation page that overflowed is cut again). A form
    whose rows cannot be told apart (a row with no cell of its own) is left to break
    where each format breaks it."""
    converter = _tools["converter"]
    typesetter = _tools["typesetter"]
    assert isinstance(converter, export.Converter)
    assert isinstance(typesetter, typeset.Typesetter)
    if not forms:
        return
    laid = typesetter.form_pages([typst_form(f.title, f.body, 0) for f in forms], what)
    for _round in range(ROUNDS):
        recut = []
        for form, (rows, pages) in zip(forms, laid, strict=True):
            form.pages = pages
            if len(rows) != continuation.row_count(form.html):
                continue
            breaks = [k for k in range(1, len(rows)) if rows[k][0] > rows[k - 1][0]]
            cut = continuation.cut(form.html, breaks) if breaks else form.html
            if cut != form.html:
                form.html = cut
                recut.append(form)
        if not recut:
            return
        for form, output in zip(recut, converter.forms([f.html for f in recut], formats,
                                                       what), strict=True):
            form.body, form.docx = output["typst"].decode("utf-8"), output.get("docx")
        forms, laid = recut, []
        for form in recut:
            form.pdf, paged = typesetter.printed(typst_form(form.title, form.body, 0),
                                                 form.title, form.epoch, what)
            laid.append(paged)
    for form, (_rows, pages) in zip(forms, laid, strict=True):  # cut again and again
        form.pages = pages


def export_unit(task: UnitTask) -> list[Written]:
    """Writes the stale outputs of one unit's forms and of its combined document."""
    converter = _tools["converter"]
    typesetter = _tools["typesetter"]
    assert isinstance(converter, export.Converter)
    assert isinstance(typesetter, typeset.Typesetter)
    out = Path(task.out)
    written: list[Written] = []

    def write(path: str, data: bytes, key: str, sources: list[str], title: str) -> None:
        if _orphaned():  # between two looks of the watch: write nothing more
            _leave()
        write_bytes(out / path, data)
        written.append(Written(path, key, sources, title, hashlib.sha256(data).hexdigest(),
                               len(data)))

    # every output of a form is set at the level its Typst body was fitted at, and cut
    # where its pages break (pages.py, continuation.py); the cut HTML is kept beside it
    work = [f for f in task.forms if f.stale or ("pdf" in task.stale
                                                 and not regular(Path(f.body)))]
    unfitted = [f for f in work if not regular(Path(f.body))]
    kept = [f for f in work if f not in unfitted]  # fitted and cut by an earlier build
    named = sorted({s for f in work for s in f.sources})
    what = _("{names} and {count} more").format(names=", ".join(named[:5]),
                                                 count=len(named) - 5) \
        if len(named) > 5 else ", ".join(named)
    docx = any("docx" in f.stale for f in work)
    sources = {f.stem: _cut_html(f) for f in kept}
    outputs: dict[str, dict[str, bytes]] = {f.stem: {} for f in work}
    if kept and docx:
        made = converter.forms([sources[f.stem] for f in kept], ["docx"], what or task.stem)
        outputs.update({f.stem: m for f, m in zip(kept, made, strict=True)})
    if unfitted:
        laid = lay_out([(f.title, f.html, f.epoch) for f in unfitted], docx, what or task.stem)
        for form, done in zip(unfitted, laid, strict=True):
            sources[form.stem] = done.html
            if done.docx is not None:
                outputs[form.stem]["docx"] = done.docx
            if done.pdf is not None:
                outputs[form.stem]["pdf"] = done.pdf
            if done.html != form.html:
                write_bytes(Path(form.body).with_suffix(".html"), done.html.encode("utf-8"))
            write_bytes(Path(form.body), done.body.encode("utf-8"))
    converted = [outputs[f.stem] for f in work]
    for form, output in zip(work, converted, strict=True):
        what = form.sources[0] if len(form.sources) == 1 else form.stem
        fitted = read_regular(Path(form.body)).decode("utf-8")
        fit = fit_of(fitted)
        if "html" in form.stale:
            page = html_fitted(sources[form.stem], fit, (form.title, pages_of(fitted) or 1))
            write(f"{form.stem}.html", page.encode("utf-8"),
                  form.keys["html"], form.sources, form.title)
        if "docx" in form.stale:
            footer = (form.title, pages_of(fitted) or 1)
            write(f"{form.stem}.docx", export.finish_docx(output["docx"], form.epoch, fit,
                                                          footer),
                  form.keys["docx"], form.sources, form.title)
        if "pdf" in form.stale:
            pdf = output.get("pdf") or typesetter.pdf(fitted, form.title, form.epoch, what,
                                                      footer=pages_of(fitted) != 1)
            write(f"{form.stem}.pdf", pdf,
                  form.keys["pdf"], form.sources, form.title)
    if not task.stale:  # the unit's document is up to date: its forms' bodies are not read
        return written
    bodies = [read_regular(Path(f.body)).decode("utf-8") for f in task.forms]
    entries = [contents_entry(f.title, f.html) for f in task.forms]
    if "docx" in task.stale:
        parts = [read_regular(out / f"{f.stem}.docx") for f in task.forms]
        forms = [(f.title, entry, pages_of(body) or 1)
                 for f, entry, body in zip(task.forms, entries, bodies, strict=True)]
        write(f"{task.stem}.docx", export.merge_docx(parts, task.epoch, task.title, forms),
              task.keys["docx"], task.sources, task.title)
    if "pdf" in task.stale:
        body = export.unit_typst(task.title, list(zip(entries, bodies, strict=True)))
        write(f"{task.stem}.pdf", typesetter.pdf(body, task.title, task.epoch, task.stem),
              task.keys["pdf"], task.sources, task.title)
    return written
