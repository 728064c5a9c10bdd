"""perfdecl build, and its preview (--watch)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from .. import api
from ..errors import PerfdeclError
from ..i18n import _
from ..report import plain_line, print_text
from ..usage import Command
from .app import (
    PathsArg,
    _console,
    _error_line,
    _errors,
    _internal_error,
    _paths,
    _repository,
    _shown,
    app,
)


def _progress_wanted() -> bool:
    """A progress bar on a terminal; quiet in CI and when output is redirected."""
    return sys.stderr.isatty() and os.environ.get("CI", "").lower() not in ("true", "1")


@app.command(cls=Command, help=_(
    "Build the official forms as HTML, DOCX and PDF, and the bundles for submission.\n"
    "\n"
    "Writes build/<year>/<unit>/<id>.{html,docx,pdf}, a combined DOCX and PDF per unit and\n"
    "year (with the derived 专项资金绩效目标汇总表 where the unit has special funds),\n"
    "build/index.html, build/manifest.json and build/<year>.zip. Invalid declarations are\n"
    "not built: the findings of `perfdecl check` are printed and the exit code is 1.\n"
    "Unchanged forms are not rebuilt; the same inputs give byte-identical files."))
def build(
    paths: PathsArg = None,
    out: Annotated[Path, typer.Option("--out", "-o", help=_("The build folder."))
                   ] = Path("build"),
    to: Annotated[str, typer.Option(
        "--to", help=_("Formats to produce, comma-separated: html, docx, pdf."))
    ] = "html,docx,pdf",
    jobs: Annotated[int, typer.Option(
        "--jobs", "-j", min=0, help=_("Forms exported at once (0: one per CPU core)."))] = 0,
    layout: Annotated[str | None, typer.Option(
        "--layout", help=_("Print every form in this layout, whatever the declarations or "
                           "the configuration say (`perfdecl layouts` lists them)."),
        show_default=False)] = None,
    font_path: Annotated[list[Path] | None, typer.Option(
        "--font-path", help=_("A folder of fonts to use besides the system's (repeatable)."),
        show_default=False)] = None,
    keep_going: Annotated[bool, typer.Option(
        "--keep-going", help=_("Build the valid declarations even when others have errors "
                               "(the exit code is still 1)."))] = False,
    strict: Annotated[bool, typer.Option(
        "--strict", help=_("Exit 1 on warnings too: among them declared values a form's "
                           "layout does not print (L001)."))] = False,
    system_fonts: Annotated[bool, typer.Option(
        "--system-fonts/--no-system-fonts", help=_(
            "Look for fonts on the system; without, "
            "only in --font-path folders (PDFs identical on every machine)."))] = True,
    shard: Annotated[str | None, typer.Option(
        "--shard", help=_("Build only part I of N (whole units, the same split on every "
                          "runner), e.g. 2/4 in the second of four CI jobs; join the parts with "
                          "`perfdecl bundle --merge`."), show_default=False)] = None,
    watch: Annotated[bool, typer.Option(
        "--watch", help=_("Keep going: rebuild what changed on every save, and serve build/ "
                          "on localhost with pages that reload themselves. Ctrl-C stops."))
    ] = False,
    port: Annotated[int, typer.Option(
        "--port", min=0, max=65535,
        help=_("The preview's port with --watch (0: any free one)."))] = 8000,
) -> None:
    from rich.progress import Progress

    from ..api import BuildOptions, BuildResult, parse_formats, parse_shard
    from ..api import build as run_build

    console = _console()
    repo = _repository()
    with _errors():
        formats = parse_formats(to)
        options = BuildOptions(_paths(paths), out, formats, jobs, layout, font_path or [],
                               keep_going, strict, system_fonts=system_fonts,
                               shard=parse_shard(shard) if shard else None)

    def run_once() -> BuildResult:
        if _progress_wanted():
            with Progress(console=_console(stderr=True), transient=True) as bar:
                task = bar.add_task(_("exporting forms"), total=None)
                options.progress = lambda done, total: bar.update(task, completed=done,
                                                                  total=total)
                return run_build(options, repo)
        return run_build(options, repo)

    if watch:
        _watch(options, repo, run_once, port)
        raise typer.Exit(0)
    with _errors():
        result = run_once()
    _report_build(result, out, keep_going, console)
    raise typer.Exit(1 if result.failed else 0)


def _report_build(result: Any, out: Path, keep_going: bool, console: Console) -> None:
    for problem in result.ignored:
        console.print(_("[yellow]warning:[/] {problem}").format(problem=escape(problem)))
    if result.checked.errors:
        print_text(result.checked, console)
        if not keep_going:
            console.print(_("[bold red]nothing built[/]: fix the errors above, or build the "
                            "valid declarations with --keep-going"))
            return
    else:
        for finding in result.left_out:  # check does not render: only the build can say
            console.print(_shown(plain_line(finding)))
        if result.warnings:
            console.print(_("{warnings} warnings (see `perfdecl check`)").format(
                warnings=result.warnings))
    if result.up_to_date:
        console.print(_("{folder}/ is up to date: {declarations} declarations, "
                        "nothing changed").format(folder=_shown(out),
                                                  declarations=result.declarations))
    else:
        console.print(_("built {built} of {declarations} declarations into "
                        "{folder}/: {written} files written, "
                        "{unchanged} unchanged").format(
            built=len(result.built), declarations=result.declarations,
            folder=_shown(out), written=len(result.written),
            unchanged=len(result.unchanged)))


def _watch(options: Any, repo: api.Repository, run_once: Any, port: int) -> None:
    """Builds, serves build/ with live reload, and rebuilds on every save until Ctrl-C."""
    from ..api import Preview, snapshot
    from ..api import watch_and_rebuild as watch_loop

    console = _console()

    def rebuild() -> None:
        try:
            _report_build(run_once(), options.out, options.keep_going, console)
        except api.UsageError:  # a refused --out or layout: saving files will not mend it
            raise
        except PerfdeclError as exc:  # a broken template: say so, keep watching
            _console(stderr=True).print(_error_line(_shown(exc)))
        except Exception as exc:  # a fault in perfdecl: the next save may not meet it
            _internal_error(exc)

    try:  # before building: a busy port is said at once
        preview = Preview(options.out, port=port)
    except OSError as exc:
        _console(stderr=True).print(_error_line(_("cannot serve on port {port}: {reason}").format(
            port=port, reason=_shown(exc.strerror or str(exc)))))
        raise typer.Exit(2) from None
    preview.start()
    try:
        with _errors():
            watched = list(options.paths), api.template_folders(repo)
            before = snapshot(*watched)  # a save during the first build is built next
            rebuild()
            console.print(_("serving {url}  (rebuilding on save; Ctrl-C stops)").format(
                url=preview.url))
            watch_loop(rebuild, *watched, preview, since=before)
    except KeyboardInterrupt:
        console.print(_("stopped"))
    finally:
        preview.stop()
