"""The command line's own words (Usage:, the --help line, usage errors) in the language
of the messages.

typer translates its panel titles (Options, Commands, Error) through gettext, but the
parser it carries writes the usage line, the help option's text and the usage errors in
English. These command classes put those through the catalog too. In English they
change nothing, so what typer prints stays exactly typer's.
"""

from __future__ import annotations

import re
from typing import Any

from typer.core import TyperCommand, TyperGroup

from . import i18n
from .i18n import N_, _

_EXTRA = re.compile(r"^Got unexpected extra arguments? \((?P<args>.*)\)$", re.S)
_CHOICE = re.compile(r"^(?:Value error, )?(?P<value>'.*') is not one of (?P<choices>.*)\.$", re.S)


_COMPLETION = {
    "install_completion": N_("Install completion for the current shell."),
    "show_completion": N_("Show completion for the current shell, to copy it or customize "
                          "the installation."),
}


def _hint(param: Any, ctx: Any) -> str:
    """How the error names the parameter: `'--format' / '-f'`."""
    try:
        return str(param.get_error_hint(ctx))
    except TypeError:  # typer's own parser asks no context
        return str(param.get_error_hint())


def _translate(error: Exception) -> None:
    """Gives a usage error (no such option, a missing or invalid value, extra arguments)
    its message in the current language."""
    message: str = getattr(error, "message", "")
    name = type(error).__name__
    if name == "NoSuchOption":
        text = _("No such option: {option}").format(option=getattr(error, "option_name", ""))
        if getattr(error, "possibilities", None):
            text += " " + _("(Possible options: {options})").format(
                options=", ".join(sorted(error.possibilities)))  # type: ignore[attr-defined]
    elif name == "MissingParameter":
        param = getattr(error, "param", None)
        hint = _hint(param, getattr(error, "ctx", None)) if param is not None else ""
        text = (_("Missing argument {name}.") if getattr(param, "param_type_name", "") ==
                "argument" else _("Missing option {name}.")).format(name=hint)
    elif name == "BadParameter":
        param = getattr(error, "param", None)
        if param is None:
            return
        choice = _CHOICE.match(message)
        if choice is not None:
            message = _("{value} is not one of {choices}.").format(
                value=choice.group("value"), choices=choice.group("choices"))
        text = _("Invalid value for {name}: {problem}").format(
            name=_hint(param, getattr(error, "ctx", None)), problem=message)
    elif (extra := _EXTRA.match(message)) is not None:
        text = _("Got unexpected extra arguments ({arguments})").format(
            arguments=extra.group("args"))
    else:
        return
    # the instance's method shadows the class's: typer shows error.format_message()
    error.format_message = lambda: text  # type: ignore[attr-defined]


def reflowed(text: str) -> str:
    """A help text's paragraphs (split by blank lines) each as one line, for the terminal
    to wrap at its width: rich markup keeps a text's own line breaks, and where its lines
    are longer than the terminal they broke again mid-sentence. A line that starts with
    white space or a list mark keeps its own line; Chinese lines join without a space."""
    out = []
    for paragraph in re.split(r"\n[ \t]*\n", text):
        joined = ""
        for line in paragraph.split("\n"):
            if not joined:
                joined = line.rstrip()
            elif line[:1] in (" ", "\t", "-", "•", "\b"):
                joined += "\n" + line.rstrip()
            else:
                cjk = "\u3000" <= joined[-1:] <= "\u9fff" and "\u3000" <= line.lstrip()[:1] <= "\u9fff"
                joined += ("" if cjk else " ") + line.strip()
        out.append(joined)
    return "\n\n".join(out)


class _Words:
    """What the command and the group both change."""

    help: str | None  # click's: the command's help text

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.help:
            self.help = reflowed(self.help)

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        if i18n.current() == "en":
            super().format_usage(ctx, formatter)  # type: ignore[misc]
            return
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=_("Usage: "))

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None and i18n.current() != "en":
            option.help = _("Show this message and exit.")
        return option

    def get_params(self, ctx: Any) -> list[Any]:
        params: list[Any] = super().get_params(ctx)  # type: ignore[misc]
        if i18n.current() != "en":
            for param in params:  # typer's completion options
                if param.name in _COMPLETION:
                    param.help = _(_COMPLETION[param.name])
        return params

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)  # type: ignore[misc, no-any-return]
        except Exception as error:
            if i18n.current() != "en" and hasattr(error, "format_message"):
                _translate(error)
            raise


class Command(_Words, TyperCommand):
    """A perfdecl command: typer's, speaking the current language."""


class Group(_Words, TyperGroup):
    """perfdecl itself, the group of the commands: typer's, speaking the current
    language."""
