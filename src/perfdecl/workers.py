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
from dataclasses import dataclass, field
from pathlib import Path

from . import export
from .atomic import write_bytes
from .buildfolder import read_regular, regular
from .i18n import _
from .pages import fit_of, html_fitted, typst_form


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
    typesetter = export.Typesetter(fonts, [Path(p) for p in font_paths], system_fonts,
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
    if isinstance(typesetter, export.Typesetter):
        typesetter.close()
    os._exit(1)


def stop() -> None:
    converter = _tools.pop("converter", None)
    if isinstance(converter, export.Converter):
        converter.close()
    typesetter = _tools.pop("typesetter", None)
    if isinstance(typesetter, export.Typesetter):
        typesetter.close()
    _tools.clear()


def export_unit(task: UnitTask) -> list[Written]:
    """Writes the stale outputs of one unit's forms and of its combined document."""
    converter = _tools["converter"]
    typesetter = _tools["typesetter"]
    assert isinstance(converter, export.Converter)
    assert isinstance(typesetter, export.Typesetter)
    out = Path(task.out)
    written: list[Written] = []

    def write(path: str, data: bytes, key: str, sources: list[str], title: str) -> None:
        if _orphaned():  # between two looks of the watch: write nothing more
            _leave()
        write_bytes(out / path, data)
        written.append(Written(path, key, sources, title, hashlib.sha256(data).hexdigest(),
                               len(data)))

    # every output of a form is set at the level its Typst body was fitted at (pages.py)
    work = [f for f in task.forms if f.stale or ("pdf" in task.stale
                                                 and not regular(Path(f.body)))]
    unfitted = [f for f in work if not regular(Path(f.body))]
    wanted = [fmt for fmt, wants in (("docx", any("docx" in f.stale for f in work)),
                                     ("typst", bool(unfitted))) if wants]
    named = sorted({s for f in work for s in f.sources})
    what = _("{names} and {count} more").format(names=", ".join(named[:5]),
                                                 count=len(named) - 5) \
        if len(named) > 5 else ", ".join(named)
    converted = converter.forms([f.html for f in work], wanted, what or task.stem) \
        if wanted else [{} for _form in work]
    if unfitted:
        bodies = [out["typst"].decode("utf-8") for f, out in zip(work, converted, strict=True)
                  if f in unfitted]
        fits = typesetter.fits([(f.title, b) for f, b in zip(unfitted, bodies, strict=True)],
                               what or task.stem)
        for form, body, fit in zip(unfitted, bodies, fits, strict=True):
            write_bytes(Path(form.body), typst_form(form.title, body, fit).encode("utf-8"))
    for form, output in zip(work, converted, strict=True):
        what = form.sources[0] if len(form.sources) == 1 else form.stem
        fitted = read_regular(Path(form.body)).decode("utf-8")
        fit = fit_of(fitted)
        if "html" in form.stale:
            write(f"{form.stem}.html", html_fitted(form.html, fit).encode("utf-8"),
                  form.keys["html"], form.sources, form.title)
        if "docx" in form.stale:
            write(f"{form.stem}.docx", export.finish_docx(output["docx"], form.epoch, fit),
                  form.keys["docx"], form.sources, form.title)
        if "pdf" in form.stale:
            write(f"{form.stem}.pdf", typesetter.pdf(fitted, form.title, form.epoch, what),
                  form.keys["pdf"], form.sources, form.title)
    if "docx" in task.stale:
        parts = [read_regular(out / f"{f.stem}.docx") for f in task.forms]
        write(f"{task.stem}.docx", export.merge_docx(parts, task.epoch), task.keys["docx"],
              task.sources, task.title)
    if "pdf" in task.stale:
        body = export.merge_typst([read_regular(Path(f.body)).decode("utf-8")
                                   for f in task.forms])
        write(f"{task.stem}.pdf", typesetter.pdf(body, task.title, task.epoch, task.stem),
              task.keys["pdf"], task.sources, task.title)
    return written
