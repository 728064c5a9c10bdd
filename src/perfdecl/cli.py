"""The command line: options mapped to calls, errors mapped to exit codes.

Exit codes: 0 all good, 1 invalid input (findings with errors, or with warnings under
--strict), 2 wrong usage, 3 an internal error (a bug: please report it).
"""

from __future__ import annotations

import enum
import json
import os
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from . import __version__, api, i18n
from .errors import PerfdeclError
from .files import missing
from .i18n import _, ngettext
from .report import REPORTERS, SEVERITY_WORDS, plain_line, print_text, printable
from .usage import Command, Group

HELP = _("Compiler for budget performance-target declarations (绩效目标申报表): "
         "YAML files in a repository, checked against the schema and the budget rules.")

app = typer.Typer(
    name="perfdecl",
    cls=Group,
    help=HELP,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    add_completion=True,  # --install-completion / --show-completion (bash, zsh, fish, pwsh)
)

DEFAULT_FOLDER = Path("declarations")


def _console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False, soft_wrap=True)


@contextmanager
def _errors() -> Iterator[None]:
    """Turns the tool's own errors into a message and an exit code."""
    try:
        yield
    except PerfdeclError as exc:
        _console(stderr=True).print(_error_line(_shown(exc)))
        raise typer.Exit(exc.exit_code) from None


def _shown(text: object) -> str:
    """Text from outside (a path, a message quoting a name, a form's cell) for the
    console: control characters as visible escapes, rich's markup as text."""
    return escape(printable(str(text)))


def _error_line(message: str) -> str:
    """`perfdecl: error: message`, in red, for the console (message already escaped)."""
    return _("[bold red]perfdecl: error:[/] {message}").format(message=message)


def _paths(paths: list[Path] | None) -> list[Path]:
    if paths:
        return paths
    if not DEFAULT_FOLDER.is_dir():
        raise api.UsageError(_(
            "no path given and no declarations/ folder here; "
            "name the files or folders to check"))
    return [DEFAULT_FOLDER]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"perfdecl {__version__}")
        raise typer.Exit()


class Language(enum.StrEnum):
    zh = "zh"
    en = "en"


@app.callback(help=HELP)  # the app's own help: a callback's would replace it
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help=_("Print the version and exit."))] = False,
    lang: Annotated[Language | None, typer.Option(
        "--lang", envvar=i18n.ENV, show_default=False, show_envvar=False,
        help=_("The language of messages and help: zh (中文) or en. Default: Chinese "
               "when the locale is zh_*, else English; or set PERFDECL_LANG."))] = None,
) -> None:
    # perfdecl checks, builds and compares budget performance-target declarations.
    if lang is not None and lang != i18n.current():
        i18n.activate(lang, application=True)  # help was translated when the commands were defined


class Format(enum.StrEnum):
    text = "text"
    json = "json"
    github = "github"
    sarif = "sarif"


PathsArg = Annotated[
    list[Path] | None,
    # perfdecl reports unreadable and missing paths itself, with its own exit codes
    typer.Argument(help=_("Declaration files or folders (searched for *.yaml). "
                          "Default: declarations/"), show_default=False, readable=False),
]


@app.command(cls=Command, help=_(
    "Check declarations against the schema and the budget rules.\n"
    "\n"
    "Prints each finding as [bold]path:line:col: severity CODE: message[/], with a hint\n"
    "where one helps, and collects the findings of all files before exiting.\n"
    "Exit 0 without errors, 1 with errors (or warnings under --strict), 2 for wrong usage.\n"
    "`perfdecl rules` lists every rule."))
def check(
    paths: PathsArg = None,
    output_format: Annotated[Format, typer.Option(
        "--format", "-f", help=_("text for people; json, github (workflow annotations) or "
                                 "sarif for machines."))] = Format.text,
    strict: Annotated[bool, typer.Option(
        "--strict", help=_("Fail (exit 1) on warnings too, not only on errors."))] = False,
) -> None:
    with _errors():
        result = api.check(_paths(paths))
    if output_format == Format.text:
        print_text(result, _console())
    else:
        typer.echo(REPORTERS[output_format](result))
    raise typer.Exit(1 if result.failed(strict=strict) else 0)


@app.command("fmt", cls=Command, help=_(
    "Rewrite declarations in the canonical form.\n"
    "\n"
    "Keys in the schema's order, block style, two-space indentation, quotes only where\n"
    "YAML needs them; comments are kept. Running it twice changes nothing."))
def fmt_command(
    paths: PathsArg = None,
    check_only: Annotated[bool, typer.Option(
        "--check", help=_("Change nothing; exit 1 if any file would be reformatted."))
    ] = False,
) -> None:
    console = _console()
    with _errors():
        outcome = api.format_paths(_paths(paths), write=not check_only)
    for finding in outcome.findings:
        console.print(_shown(plain_line(finding)))
    for file in outcome.changed:
        line = _("would reformat {file}") if check_only else _("reformatted {file}")
        console.print(line.format(file=_shown(file)))
    # a folder that could not be read is among the failed, not among the files
    unchanged = len(outcome.files) - len(outcome.changed) - len(
        set(outcome.failed) & set(outcome.files))
    if check_only:
        tally = _("{changed} to reformat, {unchanged} already formatted, "
                  "{failed} not loadable") if outcome.failed else \
            _("{changed} to reformat, {unchanged} already formatted")
    else:
        tally = _("{changed} reformatted, {unchanged} already formatted, "
                  "{failed} not loadable") if outcome.failed else \
            _("{changed} reformatted, {unchanged} already formatted")
    console.print(tally.format(changed=len(outcome.changed), unchanged=unchanged,
                               failed=len(outcome.failed)))
    failed = bool(outcome.failed) or (check_only and bool(outcome.changed))
    raise typer.Exit(1 if failed else 0)


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

    from .build import BuildOptions, BuildResult, parse_formats, parse_shard
    from .build import build as run_build

    console = _console()
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
                return run_build(options)
        return run_build(options)

    if watch:
        _watch(options, run_once, port)
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


def _watch(options: Any, run_once: Any, port: int) -> None:
    """Builds, serves build/ with live reload, and rebuilds on every save until Ctrl-C."""
    from .config import load_config
    from .render import Renderer
    from .watch import Preview, snapshot
    from .watch import watch as watch_loop

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
            watched = list(options.paths), Renderer(load_config()).folders
            before = snapshot(*watched)  # a save during the first build is built next
            rebuild()
            console.print(_("serving {url}  (rebuilding on save; Ctrl-C stops)").format(
                url=preview.url))
            watch_loop(rebuild, *watched, preview, since=before)
    except KeyboardInterrupt:
        console.print(_("stopped"))
    finally:
        preview.stop()


class DiffFormat(enum.StrEnum):
    text = "text"
    markdown = "markdown"
    html = "html"
    json = "json"
    docx = "docx"


@app.command(cls=Command, help=_(
    "Show what changed between two declarations, two folders or two git revisions.\n"
    "\n"
    "Declarations are matched by id, indicators by category and name (renamed ones are\n"
    "shown as renamed), lists by content (reordering is no change unless --order).\n"
    "Amounts show the difference and percentage, targets whether they tightened, texts\n"
    "their changed characters; changes that only move years on are counted, not listed."))
def diff(
    paths: Annotated[list[Path] | None, typer.Argument(
        help=_("OLD NEW: two declaration files or two folders. With --rev: the paths to "
               "compare (default declarations/)."), show_default=False, readable=False)
    ] = None,
    rev: Annotated[str | None, typer.Option(
        "--rev", help=_("Compare git revisions: A..B, or A against the working tree."),
        show_default=False)] = None,
    output_format: Annotated[DiffFormat, typer.Option(
        "--format", "-f", help=_("text (terminal), markdown (merge-request comment), html "
                                 "(redline page), json, or docx (the new form with Word "
                                 "tracked changes)."))
    ] = DiffFormat.text,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help=_("Write the report to this file (needed for docx)."),
        show_default=False)] = None,
    exit_code: Annotated[bool, typer.Option(
        "--exit-code", help=_("Exit 1 when there are differences, as `git diff --exit-code`."))
    ] = False,
    order: Annotated[bool, typer.Option(
        "--order", help=_("Report reordered lists too (by default order is no change)."))
    ] = False,
    textconv: Annotated[Path | None, typer.Option(
        "--textconv", help=_("Print FILE as one fact per line, for git's textconv driver."),
        show_default=False, readable=False)] = None,
) -> None:
    from .diff import report as diff_report

    console = _console()
    with _errors():
        if textconv is not None:
            from .diff.textconv import facts

            sys.stdout.write(facts(textconv))
            raise typer.Exit(0)
        result, old_side, new_side = api.diff(paths or [], rev, order=order)
        problems = old_side.problems + new_side.problems + result.problems
        for finding in problems:
            _console(stderr=True).print(_shown(plain_line(finding)))
        if out is not None:
            api.write_diff(result, output_format.value, out, old_side.label, new_side.label)
        elif output_format == DiffFormat.docx:
            raise api.UsageError(_("--format docx writes a Word file: name it with --out"))
        elif output_format == DiffFormat.text:
            diff_report.print_text(result, console)
        else:
            sys.stdout.write(diff_report.REPORTERS[output_format.value](
                result, old_side.label, new_side.label))
    failed = bool(problems)
    raise typer.Exit(1 if failed or (exit_code and result.changed) else 0)


@app.command(cls=Command, help=_(
    "Set up a declarations repository: perfdecl.toml, declarations/<year>/, .gitignore,\n"
    ".gitattributes (the diff driver), .pre-commit-config.yaml, .vscode/settings.json\n"
    "(the schema for declarations/**/*.yaml) and CI examples for GitHub Actions and GitLab\n"
    "CI. Existing files are never overwritten: nothing is written if any exists."))
def init(
    folder: Annotated[Path, typer.Argument(
        help=_("The folder to set up (created if missing; its parent must exist)."),
        show_default=False, readable=False)] = Path("."),
    year: Annotated[int | None, typer.Option(
        "--year", help=_("The fiscal year of the first declarations folder (default: this "
                         "year)."), show_default=False)] = None,
    source: Annotated[str | None, typer.Option(
        "--source", help=_("perfdecl's git URL, for the pre-commit hooks and the CI "
                           "examples (default: the git URL perfdecl was installed from, else the package's "
                           "Source URL)."),
        show_default=False)] = None,
    rev: Annotated[str | None, typer.Option(
        "--rev", help=_("The perfdecl tag or commit the hooks and CI use (default: the "
                        "commit perfdecl was installed from, else v<this version>)."),
        show_default=False)] = None,
) -> None:
    from .scaffold import PERFDECL_GIT
    from .scaffold import init as run_init

    console = _console()
    with _errors():
        result = run_init(folder, year=year, source=source, rev=rev)
    for file in result.written:
        console.print(_("wrote {file}").format(file=_shown(file)))
    if result.source == PERFDECL_GIT:
        console.print(_("[bold]note[/]: replace {placeholder} in .pre-commit-config.yaml and "
                        "the CI files with perfdecl's git URL (or run init with --source URL)"
                        ).format(placeholder=PERFDECL_GIT))
    console.print(_("next: git init; git config diff.perfdecl.textconv \"perfdecl diff "
                    "--textconv\"; pre-commit install; perfdecl new project --unit <unit-id> "
                    "--year {year}").format(year=result.year))


@app.command(cls=Command, help=_(
    "Start a declaration: a blank one of KIND, or last year's rolled forward (--from).\n"
    "\n"
    "[bold]perfdecl new KIND --unit U --year Y [--id ID] [--name NAME][/] writes every field\n"
    "of the kind and the whole indicator framework, commented in Chinese; `perfdecl check`\n"
    "lists the values still to fill. [bold]perfdecl new --from FILE --year Y[/] moves\n"
    "year-bound values on (the period, the schedule, deadlines such as 2023年底前), keeps\n"
    "last year's targets as the starting point and as history (近两年指标值), and removes\n"
    "the filing date; comments are kept."))
def new(
    kind: Annotated[str | None, typer.Argument(
        help=_("The kind of blank declaration to write: project, special_fund, department or "
               "expenditure_direction (or roll one forward with --from)."),
        show_default=False, autocompletion=lambda: list(api.KINDS))] = None,
    source: Annotated[Path | None, typer.Option(
        "--from", help=_("The declaration to roll forward (last year's)."), readable=False,
        show_default=False)] = None,
    year: Annotated[int | None, typer.Option(
        "--year", help=_("The (new) fiscal year."), show_default=False)] = None,
    unit: Annotated[str | None, typer.Option(
        "--unit", help=_("With KIND: the unit's id (the folder declarations/<year>/<unit>/)."),
        show_default=False)] = None,
    id_: Annotated[str | None, typer.Option(
        "--id", help=_("With KIND: the declaration's id (its file name); left to fill "
                       "without it."), show_default=False)] = None,
    name: Annotated[str | None, typer.Option(
        "--name", help=_("With KIND: the declaration's name (项目名称 …)."),
        show_default=False)] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help=_("Where to write it (default: declarations/<year>/<unit>/<id>.yaml;"
                              " with --from, beside the source's year folder)."),
        show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help=_("Replace an existing file."))
                     ] = False,
) -> None:
    with _errors():
        if (kind is None) == (source is None):
            raise api.UsageError(_("name a KIND for a blank declaration, or --from FILE to roll "
                                   "one forward (not both)"))
        if year is None:
            raise api.UsageError(_("--year is needed: the fiscal year of the new declaration"))
        if source is not None:
            from .rollforward import roll_forward

            for label, value in (("--unit", unit), ("--id", id_), ("--name", name)):
                if value is not None:
                    raise api.UsageError(_("{option} is for a blank declaration (KIND), "
                                           "not with --from").format(option=label))
            if missing(source):  # anything else there is said by roll_forward
                raise api.UsageError(_("path not found: {path}").format(path=source))
            written = roll_forward(source, year, out, force=force)
            _console().print(_("wrote {file}: check every value before filing").format(
                file=_shown(written)))
            return
        from .scaffold import new_declaration

        assert kind is not None
        if unit is None:
            raise api.UsageError(_("--unit is needed: the unit's id, e.g. --unit shigu-sbzx"))
        written = new_declaration(kind, unit, year, id_=id_, name=name, out=out, force=force)
    _console().print(_("wrote {file}: fill in every empty value, delete the "
                       "fields the form leaves blank, then run `perfdecl check "
                       "{file}`").format(file=_shown(written)))


@app.command(cls=Command, help=_(
    "Join the build folders of `perfdecl build --shard I/N` runs into one, with the index,\n"
    "manifest and zips a single build gives (byte for byte)."))
def bundle(
    merge: Annotated[list[Path], typer.Option(
        "--merge", help=_("A shard's build folder (repeat for each shard)."), readable=False)],
    out: Annotated[Path, typer.Option("--out", "-o", help=_("The joined build folder."))
                   ] = Path("build"),
) -> None:
    from .bundle import merge as merge_shards

    with _errors():
        for folder in merge:
            if not folder.is_dir():
                raise api.UsageError(_("path not found: {path}").format(path=folder))
        taken, left_out = merge_shards(merge, out)
    console = _console()
    for problem in left_out:
        console.print(_("[yellow]warning:[/] {problem}").format(problem=_shown(problem)))
    console.print(_("joined {shards} shards ({files} files) into {folder}/").format(
        shards=len(merge), files=taken, folder=_shown(out)))


@app.command(cls=Command, help=_(
    "List the layouts: for each kind of form, the layouts available and where each\n"
    "comes from (built in, or the repository's templates/ folder)."))
def layouts() -> None:
    from .config import load_config
    from .render import Renderer

    with _errors():
        found = Renderer(load_config()).layouts()
    width = max((len(x.kind) for x in found), default=4) + 2
    for x in found:
        typer.echo(printable(f"{x.kind:<{width}}{x.name:<18}{x.title}  ({x.source})"))


@app.command(cls=Command, help=_(
    "Print the JSON Schema of a kind of declaration, self-contained.\n"
    "\n"
    "Without KIND, lists the kinds and their schema files."))
def schema(
    kind: Annotated[str | None, typer.Argument(
        help=_("project, special_fund, department or expenditure_direction."),
        show_default=False)] = None,
    path: Annotated[bool, typer.Option(
        "--path", help=_("Print the folder holding the schema files instead "
                         "(for an editor's yaml.schemas setting)."))] = False,
) -> None:
    with _errors():
        if path:
            typer.echo(str(api.schema_folder()))
        elif kind is None:
            for name, title, file in api.schema_kinds():
                typer.echo(f"{name:<22} {title}  ({file})")
        else:
            typer.echo(json.dumps(api.bundled_schema(kind), ensure_ascii=False, indent=2))


@app.command(cls=Command, help=_("List every rule: code, severity, name and what it checks."))
def rules() -> None:
    table = Table(box=None, show_header=True, header_style="bold", pad_edge=False)
    for column in (_("code"), _("severity"), _("name"), _("checks that")):
        table.add_column(column, overflow="fold")
    for r in api.rules():
        table.add_row(r.code, _(SEVERITY_WORDS[r.severity]), r.name, _(r.summary))
    Console(highlight=False, width=max(100, _console().width)).print(table)


@app.command("import", cls=Command, help=_(
    "Read filled forms (DOCX, XLSX) into YAML declarations, one per form.\n"
    "\n"
    "Cells are found by their labels, whatever the table's shape; the kind and layout\n"
    "come from each form's title. A value that had to be guessed carries a\n"
    "[bold]# unsure:[/] comment; text no field took, and formula cells saved without\n"
    "their values, are listed at the end of the file and here. Each form is matched to\n"
    "the declaration of --out it is (same kind and name, unit and year, where only one\n"
    "has them): only that declaration's file is replaced, with --force; anything else is a\n"
    "new file. Then `perfdecl check` says what is missing. Exit 0 when every form was\n"
    "imported, 1 when a file was refused or not written, 2 for wrong usage."))
def import_forms(
    files: Annotated[list[Path], typer.Argument(
        help=_("Filled forms: Word (.docx) or Excel (.xlsx) files."), show_default=False,
        readable=False)],
    kind: Annotated[str | None, typer.Option(
        "--kind", help=_("Read every form as this kind (project, special_fund, department, "
                         "expenditure_direction) instead of telling it from the title."),
        show_default=False)] = None,
    layout: Annotated[str | None, typer.Option(
        "--layout", help=_("The layout to record, instead of telling it from the form "
                           "(`perfdecl layouts` lists them)."), show_default=False)] = None,
    out: Annotated[Path, typer.Option(
        "--out", "-o", help=_("The declarations folder to write into: "
                              "<out>/<year>/<unit>/<id>.yaml."))] = DEFAULT_FOLDER,
    force: Annotated[bool, typer.Option(
        "--force", help=_("Replace the file of the declaration a form matched (never a "
                          "file that holds another declaration)."))] = False,
) -> None:
    from .importer import import_files

    console = _console()
    with _errors():
        result = import_files(files, kind, layout, out, force=force)
    unsure = unplaced = unreadable = written = replaced = 0
    for outcome in result.files:
        name = _shown(outcome.source)
        if outcome.error:
            _console(stderr=True).print(_error_line(_shown(outcome.error)))
            continue
        forms = len(outcome.imported)
        console.print(ngettext("[bold]{file}[/]: {n} form", "[bold]{file}[/]: {n} forms",
                               forms).format(file=name, n=forms))
        for note in outcome.notes:
            console.print("  " + _("note: {note}").format(note=_shown(note)))
        for item in outcome.imported:
            what = _shown(item.data.get("name") or item.form.title or item.form.kind)
            doubts = len(item.draft.unsure)
            unsure += doubts
            unplaced += len(item.draft.unplaced)
            unreadable += len(item.draft.unreadable)
            matched = "    " + _("matched {what}").format(
                what=_shown(item.placement.matched if item.placement else "?"))
            if item.skipped:
                err = _console(stderr=True)
                err.print("  " + _("[bold red]not written[/]: {reason}").format(
                    reason=_shown(item.skipped)))
                err.print(matched)
                continue
            written += 1
            replacing = item.placement is not None and item.placement.replaces
            replaced += replacing
            wrote = (_("replaced {file}  ({form}; {unsure} unsure)") if replacing else
                     _("new file {file}  ({form}; {unsure} unsure)")) if doubts else \
                (_("replaced {file}  ({form})") if replacing else _("new file {file}  ({form})"))
            console.print("  " + wrote.format(file=_shown(item.file), form=what,
                                              unsure=doubts))
            console.print(matched)
            for line in item.draft.unreadable:
                console.print("    " + _("[bold]not read[/]: {text}").format(text=_shown(line)))
            for line in item.draft.unplaced:
                console.print("    " + _("not placed: {text}").format(text=_shown(line)))
            for note in item.draft.notes:
                console.print("    " + _("note: {note}").format(note=_shown(note)))
    tally = _("{written} declarations written ({new} new, {replaced} replaced), {unsure} "
              "values marked unsure, {unplaced} texts not placed, {unreadable} cells not "
              "read; now run `perfdecl check {folder}`") if written else \
        _("{written} declarations written, {unsure} values marked unsure, "
          "{unplaced} texts not placed, {unreadable} cells not read")
    console.print(tally.format(written=written, new=written - replaced, replaced=replaced,
                               unsure=unsure, unplaced=unplaced, unreadable=unreadable,
                               folder=_shown(out)))
    raise typer.Exit(1 if result.failed else 0)


def main() -> None:
    """Entry point: runs the app; a bug prints a short report, not a traceback."""
    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write("perfdecl: " + _("interrupted") + "\n")
        sys.exit(130)
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    except Exception as exc:  # the last line of defence against tracebacks
        _internal_error(exc)
        sys.exit(3)


def _internal_error(exc: Exception) -> None:
    """Says a fault in perfdecl in two lines instead of a traceback (and the traceback too,
    with PERFDECL_DEBUG)."""
    sys.stderr.write("perfdecl: " + _("internal error: {error_type}: {error}").format(
        error_type=type(exc).__name__, error=printable(str(exc))) + "\n"
        + _("This is a bug in perfdecl; set PERFDECL_DEBUG=1 to see the traceback.") + "\n")
    if os.environ.get("PERFDECL_DEBUG"):
        traceback.print_exc()
