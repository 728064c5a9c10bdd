"""The command line: options mapped to calls, errors mapped to exit codes.

Exit codes: 0 all good, 1 invalid input (findings with errors, or with warnings under
--strict), 2 wrong usage, 3 an internal error (a bug: please report it).
"""

from __future__ import annotations

import enum
import os
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from .. import __version__, api, i18n
from ..errors import PerfdeclError
from ..i18n import _
from ..report import printable
from ..usage import Group

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


def _repository() -> api.Repository:
    """The repository perfdecl was started in: made here, at the edge, and passed to the
    calls; nothing below reads the working folder or the environment."""
    return api.Repository.at(Path.cwd(), os.environ)


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
    except PerfdeclError as exc:  # raised before a command's own handling: on an import
        _console(stderr=True).print(_error_line(_shown(exc)))
        sys.exit(exc.exit_code)
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
