"""The rules' registry: what a rule is, what it finds (Hit), and the decorators that
register one. The rule modules (amounts, years, indicators, wording, crossdecl) register
here; the package runs them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ..domain import LIMITS, amount_text
from ..errors import DataPath, Severity
from ..i18n import _
from ..model import Partial


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


def on_form(d: Partial, field: str) -> bool:
    """Whether the declaration's form has a place for `field` (goals.long_term.*): False
    only where its layout is known never to print it; an unknown layout is assumed to."""
    return d.form is None or field not in d.form.leaves_out

