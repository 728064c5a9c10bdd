"""The rules' registry: what a rule is, what it finds (Hit), and the decorators that
register one. The rule modules (amounts, years, indicators, wording, crossdecl) register
here; the package runs them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ..domain import KINDS, LIMITS, amount_text
from ..errors import DataPath, Severity
from ..i18n import _
from ..model import Partial
from ..schema import KIND_TITLES, field_label, key_of, labelled, navigator
from ..unprinted import field_of


@dataclass(frozen=True)
class Hit:
    """What a rule found: where, and what to say. Set rules name the declaration."""

    path: DataPath
    message: str
    hint: str | None = None
    declaration: Partial | None = None
    key: bool = False
    missing: bool = False
    """The path names a field that is absent: point at where it belongs."""
    related: tuple[Path, ...] = ()
    """The other declarations' files the finding is about (the one a text was copied
    from): the message names their forms, the reporters give their files."""


@dataclass(frozen=True)
class Batch:
    """The declarations checked together, and the files beside them that could not be
    modelled at all (unreadable, or of no known kind)."""

    declarations: list[Partial]
    unread: Sequence[Path] = ()


DeclarationCheck = Callable[[Partial], Iterable[Hit]]
SetCheck = Callable[[Batch], Iterable[Hit]]


@dataclass(frozen=True)
class Rule:
    code: str
    severity: Severity
    name: str
    summary: str
    check: DeclarationCheck | None = None
    check_set: SetCheck | None = None

    def describe(self) -> str:
        """The summary in the reader's language, with the limits it names filled in
        from domain.LIMITS (a limit is stated in one place)."""
        return _(self.summary).format_map(LIMITS)


RULES: list[Rule] = []


def rule(code: str, severity: Severity, name: str,
         summary: str) -> Callable[[DeclarationCheck], DeclarationCheck]:
    """Registers a declaration rule."""

    def register(fn: DeclarationCheck) -> DeclarationCheck:
        RULES.append(Rule(code, severity, name, summary, check=fn))
        return fn

    return register


def set_rule(code: str, severity: Severity, name: str,
             summary: str) -> Callable[[SetCheck], SetCheck]:
    """Registers a rule over all declarations checked together."""

    def register(fn: SetCheck) -> SetCheck:
        RULES.append(Rule(code, severity, name, summary, check_set=fn))
        return fn

    return register


def amount(value: Decimal | None) -> str:
    """An amount as a reviewer writes it: 7759.53, 25.5, 74 (万元)."""
    return "—" if value is None else amount_text(value)


def field_shown(d: Partial, *path: str | int) -> str:
    """A field as a message names it: the label the declaration's form prints beside it
    (its layout's record), else the schema's title, then the key to type, 资金总额
    (`funding.total`)."""
    printed = d.form.prints.get(field_of(path)) if d.form else None
    if printed:
        return labelled(printed, key_of(path))
    return field_label(navigator(d.kind), path) if d.kind in KINDS else f"`{key_of(path)}`"


def form_name(d: Partial) -> str:
    """What a clerk calls a declaration: its form and its name, 附件1-1 项目绩效目标申报表：
    代办经费 (its id, or its file's name, when it has no valid name). A number the paper
    gives each form by its place in the bundle (附表3-x) is left out: it is not known here."""
    title = d.form.title.split("（")[0].strip() if d.form else KIND_TITLES.get(d.kind, "")
    number, _sp, rest = title.partition(" ")
    if rest and "x" in number:
        title = rest
    name = d.name.value if d.name else (d.id or d.file.name)
    return f"{title}：{name}" if title else name


def on_form(d: Partial, field: str) -> bool:
    """Whether the declaration's form has a place for `field` (goals.long_term.*): False
    only where its layout is known never to print it; an unknown layout is assumed to."""
    return d.form is None or field not in d.form.leaves_out

