"""Render: a declaration → the HTML of its form, through the Jinja template of its layout.

A layout is `templates/<kind>/<layout>.html.j2`. The repository's own `templates/`
folder comes first, so a repository adds or overrides layouts without touching
perfdecl. Templates get the declaration's data, filters that print values as the paper
forms print them (万元 with fixed decimals, 2019.1, 2019年5月21日, □/√), the rows of
the indicator table with their spans, and the tables derived from the unit's other
declarations. Jinja runs in its sandbox, with StrictUndefined and autoescape: a missing
value is an error, text from a declaration can never become markup, and a template can
reach neither Python's internals nor the file system.
"""

from __future__ import annotations

import os
import re
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath
from types import ModuleType
from typing import Any

import jinja2
from jinja2.loaders import split_template_path
from jinja2.sandbox import ImmutableSandboxedEnvironment

from . import derive
from .config import Config
from .domain import GENERATED_LAYOUT
from .errors import DataPath, Finding, PerfdeclError
from .files import read_file, reason
from .formcontext import FILTERS, FormContext, blank, box
from .i18n import _
from .load import Document
from .model import Declaration
from .printed import Reads
from .repository import LAYOUT_SUFFIX
from .resources import data_dir
from .unprinted import finding as left_out_finding

SUFFIX = LAYOUT_SUFFIX
"""Forms computed from other declarations, rendered per unit and year."""


class TemplateError(PerfdeclError):
    """Raised when a layout's template cannot be read or rendered; the message names the
    template file and line."""


UNREACHABLE = (PurePath, Document, ModuleType)
"""What a template never gets hold of: the file system, the loaded file, Python's modules."""


class FormSandbox(ImmutableSandboxedEnvironment):
    """Jinja's sandbox, for templates from anyone's repository (a merge request's CI runs
    them): no attribute that starts with `_` (the way to Python's internals), no method
    that changes a list, dict or set, no format-string tricks, and nothing that leads to
    the file system — a declaration's file and document stay out of reach. What is
    refused renders as an undefined value, an error naming the template's file and line."""

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if isinstance(obj, UNREACHABLE) or isinstance(value, UNREACHABLE):
            return False
        return bool(super().is_safe_attribute(obj, attr, value))


class FormLoader(jinja2.FileSystemLoader):
    """Jinja's file loader, reading only regular files (files.py): a FIFO or a device
    named like a layout is an error naming it, never a read that waits or never ends.
    The first folder that holds anything of that name is the one used: a repository's
    layout that cannot be read is said, not passed by for the built-in one of its name."""

    def get_source(self, environment: jinja2.Environment,
                   template: str) -> tuple[str, str, Callable[[], bool]]:
        pieces = split_template_path(template)
        for folder in self.searchpath:
            path = Path(folder, *pieces)
            try:
                os.lstat(path)
            except (FileNotFoundError, NotADirectoryError):
                continue
            except OSError as exc:
                raise _unreadable(path, exc) from None
            try:
                text = read_file(path).decode("utf-8")
            except OSError as exc:
                raise _unreadable(path, exc) from None
            except UnicodeDecodeError as exc:
                raise TemplateError(_("{file}: cannot read the template: {error}").format(
                    file=path, error=exc)) from None
            return text, os.path.normpath(path), _unchanged(path)
        raise jinja2.TemplateNotFound(template)


def _unreadable(path: Path, exc: OSError) -> TemplateError:
    return TemplateError(_("{file}: cannot read the template: {error}").format(
        file=path, error=reason(exc)))


def _mtime(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None


def _unchanged(path: Path) -> Callable[[], bool]:
    """Jinja's test of whether a loaded template is still the file's content."""
    mtime = _mtime(path)
    return lambda: _mtime(path) == mtime


class _Compiled(jinja2.BytecodeCache):
    """Templates compiled once per process, for every Renderer (the watch and the
    tests build many times; compiling the layouts takes a tenth of a second). Jinja
    compiles a template again when its source is not the one this was compiled from."""

    def __init__(self) -> None:
        self.buckets: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.buckets:
            bucket.bytecode_from_string(self.buckets[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.buckets[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _Compiled()


@dataclass(frozen=True)
class RenderedForm:
    html: str
    layout: str
    unprinted: tuple[DataPath, ...]
    """The declared values the layout does not print, by their data paths."""
    left_out: Finding | None
    """L001, naming the unprinted values; None when the layout prints all."""
    asked: tuple[DataPath, ...] = ()
    """What the layout prints a cell or a box for that the declaration leaves blank."""


@dataclass(frozen=True)
class Layout:
    kind: str
    name: str
    path: Path
    builtin: bool
    title: str
    made_from: str | None = None
    """The form a generated layout was made from (`perfdecl layout new`)."""

    @property
    def source(self) -> str:
        if self.builtin:
            return _("built-in")
        if self.made_from:
            return _("{path}, generated from {form}").format(path=self.path,
                                                              form=self.made_from)
        return str(self.path)


class Renderer:
    """Finds layouts and renders forms; one per build."""

    def __init__(self, config: Config,
                 wrap_filter: Callable[[Callable[..., Any]], Callable[..., Any]] | None = None,
                 ) -> None:
        self.config = config
        self.builtin = data_dir("templates")
        folders = [self.builtin]
        if config.templates.is_dir() and config.templates.resolve() != self.builtin.resolve():
            folders.insert(0, config.templates)
        self.folders = folders
        self.env = FormSandbox(
            loader=FormLoader([str(f) for f in folders]),
            undefined=jinja2.StrictUndefined,
            autoescape=True,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
            bytecode_cache=_COMPILED,
        )
        wrap = wrap_filter or (lambda f: f)
        self.env.filters.update({name: wrap(f) for name, f in FILTERS.items()})
        self.env.globals.update(box=box, blank=blank)

    def layouts(self) -> list[Layout]:
        """Every layout available, the repository's shadowing the built-in ones."""
        found: dict[tuple[str, str], Layout] = {}
        for folder in reversed(self.folders):
            for path in sorted(folder.glob(f"*/*{SUFFIX}")):
                kind, name = path.parent.name, path.name[: -len(SUFFIX)]
                if kind.startswith("_") or name.startswith("_"):
                    continue
                found[(kind, name)] = Layout(kind, name, path, folder == self.builtin,
                                             *_heading(path))
        return sorted(found.values(), key=lambda x: (x.kind, x.name))

    def layout_name(self, declaration: Declaration, override: str | None = None) -> str:
        return override or declaration.layout or self.config.layout_for(declaration.kind)

    def template(self, kind: str, layout: str) -> jinja2.Template:
        name = f"{kind}/{layout}{SUFFIX}"
        try:
            return self.env.get_template(name)
        except jinja2.TemplateNotFound:
            names = [x.name for x in self.layouts() if x.kind == kind]
            raise TemplateError(_("no layout {layout} for {kind}; layouts for {kind}: "
                                  "{layouts} (see `perfdecl layouts`)").format(
                layout=repr(layout), kind=kind,
                layouts=", ".join(names) or _("none"))) from None
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(_("{file}:{line}: template error: {error}").format(
                file=exc.filename or name, line=exc.lineno, error=exc.message)) from None

    def render(self, declaration: Declaration, unit: Sequence[Declaration],
               layout: str | None = None,
               earlier: Callable[[int], Declaration | None] | None = None) -> str:
        """The HTML form of `declaration`; `unit` is every declaration of its unit and
        year (for derived tables), `earlier` finds its declarations of earlier years (for
        the history columns)."""
        return self.render_form(declaration, unit, layout, earlier).html

    def render_form(self, declaration: Declaration, unit: Sequence[Declaration],
                    layout: str | None = None,
                    earlier: Callable[[int], Declaration | None] | None = None) -> RenderedForm:
        """As render(), with what the form leaves out of the declaration (L001)."""
        name = self.layout_name(declaration, layout)
        template = self.template(declaration.kind, name)
        reads = Reads()
        context = FormContext(declaration, unit, earlier, reads)
        summary = derive.fund_summary(unit) if derive.has_funds(unit) else None
        html = self._run(template, declaration.file, d=reads.model(declaration),
                         data=reads.watch(declaration.data, ()), get=context.get,
                         indicator_rows=context.indicator_rows,
                         indicator_pairs=context.indicator_pairs,
                         funding_in=context.funding_in, projects=derive.projects(unit),
                         summary=summary, layout=name)
        unprinted = reads.unprinted(declaration.data)
        left_out = left_out_finding(declaration.kind, name, unprinted, declaration.document)
        return RenderedForm(html, name, tuple(unprinted), left_out, tuple(sorted(
            reads.asked, key=str)))

    def render_fund_summary(self, unit: Sequence[Declaration], layout: str) -> str:
        """The 专项资金绩效目标汇总表 of one unit and year, derived from its special-fund
        and expenditure-direction declarations."""
        template = self.template("fund_summary", layout)
        summary = derive.fund_summary(unit)
        first = summary.declarations[0]
        return self._run(template, first.file, summary=summary, unit_name=first.unit_name,
                         fiscal_year=first.fiscal_year, layout=layout)

    def _run(self, template: jinja2.Template, source: Path, **context: Any) -> str:
        try:
            return template.render(**context)
        except jinja2.TemplateError as exc:
            raise TemplateError(_("{where}: {error} (rendering {source})").format(
                where=_where(exc, template), error=exc, source=source)) from None
        except (TypeError, ValueError, AttributeError, KeyError, ArithmeticError) as exc:
            raise TemplateError(_("{where}: {error_type}: {error} (rendering {source})").format(
                where=_where(exc, template), error_type=type(exc).__name__, error=exc,
                source=source)) from None


def _where(exc: BaseException, template: jinja2.Template) -> str:
    """template-file:line of the innermost template frame in the traceback."""
    place = f"{template.filename}"
    for frame, line in traceback.walk_tb(exc.__traceback__):
        filename = frame.f_code.co_filename
        if filename.endswith(SUFFIX):
            place = f"{filename}:{line}"
    return place


def _heading(path: Path) -> tuple[str, str | None]:
    """A layout's title, its first line when that is a Jinja comment `{# … #}`, and the
    form it was generated from, which a generated layout's second line names."""
    try:
        text = read_file(path).decode("utf-8", errors="replace")
    except OSError as exc:
        raise _unreadable(path, exc) from None
    lines = text.split("\n", 2)
    match = re.match(r"{#-?\s*(.*?)\s*-?#}$", lines[0].strip())
    made = re.match(r"{#-?\s*" + re.escape(GENERATED_LAYOUT) + r"\s+(.+?)\.?\s*(-?#})?$",
                    lines[1].strip()) if len(lines) > 1 else None
    return (match.group(1) if match else ""), (made.group(1) if made else None)
