"""The budget rules a reviewer applies beyond the schema.

Each rule has a code, a severity and one line of summary (`perfdecl rules` lists them).
A declaration rule looks at one declaration; a set rule looks at all the declarations
checked together (and their siblings in the same unit folder): copied texts, duplicate
ids, amounts one declaration states about another.

Rules look at what validated (model.Partial): a declaration with invalid or missing
fields is checked all the same. A rule that needs a value the schema cut out, or that
sums over parts of which one was cut, says nothing there (`Partial.lost`): the schema's
finding says what is wrong, and no finding is made up from the gap.

Errors are contradictions a reviewer would send back (totals that do not add up, a
wrong year); warnings are gaps and weak wording (a vague target, a missing goal).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from ..errors import DataPath, Finding, Severity
from ..i18n import N_
from ..model import Partial
from ..schema import navigator
from . import amounts, crossdecl, estimates, indicators, measures, terms, wording, years  # noqa: F401  (they register)
from .registry import RULES, Batch, Hit, Rule
from .registry import form_name as form_name  # how check names a declaration

ONE_PER_TARGET = ("I010", "I020", "I018", "I011", "I012", "I006", "I005", "I004", "I008", "W001",
                  "T006")
"""The rules whose fix is to rewrite an indicator's target, the most telling first. A clerk
rewrites a cell once: of those that find one target, the first is reported, and the next
when it is fixed or waived (where the indicator sits, or what its two tables say, are other
problems, reported beside it)."""


def run(declarations: list[Partial], unread: Sequence[Path] = ()) -> Iterator[Finding]:
    """Every finding of every rule on these declarations (`unread`: the files beside them
    that could not be modelled)."""
    batch = Batch(declarations, unread)
    for r in RULES:
        if r.check is not None:
            for declaration in declarations:
                for hit in r.check(declaration):
                    yield _finding(r, declaration, hit)
        elif r.check_set is not None:
            for hit in r.check_set(batch):
                assert hit.declaration is not None, f"set rule {r.code} must name a declaration"
                yield _finding(r, hit.declaration, hit)


def one_per_target(findings: Iterable[Finding]) -> list[Finding]:
    """`findings` with one finding of ONE_PER_TARGET per target, the first of that order."""
    rank = {code: i for i, code in enumerate(ONE_PER_TARGET)}
    first: dict[tuple[str, DataPath], Finding] = {}
    out: list[Finding] = []
    for f in findings:
        if f.code not in rank or f.path[-1:] != ("target",):
            out.append(f)
            continue
        cell = (os.path.normpath(f.file), f.path)
        if cell not in first or rank[f.code] < rank[first[cell].code]:
            first[cell] = f
    return sorted([*out, *first.values()], key=Finding.sort_key)


FILE_AND_SCHEMA = [
    Rule("Y001", Severity.ERROR, "yaml-syntax", N_("the file is valid YAML")),
    Rule("Y002", Severity.ERROR, "duplicate-key", N_("no field is written twice in one mapping")),
    Rule("Y003", Severity.ERROR, "tab-indent", N_("indentation uses spaces, not tabs")),
    Rule("Y004", Severity.ERROR, "encoding", N_("the file is UTF-8 text")),
    Rule("Y005", Severity.ERROR, "bom", N_("the file has no byte-order mark")),
    Rule("Y006", Severity.ERROR, "empty", N_("the file is not empty")),
    Rule("Y007", Severity.ERROR, "top-level-mapping", N_("the top level is a mapping of fields")),
    Rule("Y008", Severity.ERROR, "file-size", N_("the file is at most {file_mb} MB")),
    Rule("Y009", Severity.ERROR, "alias-expansion",
         N_("aliases expand to at most {values:,} values")),
    Rule("Y010", Severity.ERROR, "nesting-depth", N_("nesting is at most {depth} levels deep")),
    Rule("Y011", Severity.ERROR, "readable",
         N_("files and folders can be read; a declaration is a regular file")),
    Rule("Y012", Severity.ERROR, "text-keys", N_("field names are text")),
    Rule("Y013", Severity.ERROR, "declarations-found", N_("a folder holds declarations (*.yaml)")),
    Rule("Y014", Severity.ERROR, "printable-text",
         N_("no control or bidirectional-override characters (they cannot be printed)")),
    Rule("Y015", Severity.ERROR, "text-length", N_("a text value is at most {text:,} characters")),
    Rule("Y016", Severity.ERROR, "inside-repository",
         N_("declaration files and folders do not link outside the repository")),
    Rule("Y017", Severity.ERROR, "declaration-count",
         N_("one run takes at most {declarations:,} declarations")),
    Rule("Y018", Severity.ERROR, "number-length", N_("a number has at most {digits:,} digits")),
    Rule("S001", Severity.ERROR, "known-field", N_("every field is one the schema knows")),
    Rule("S002", Severity.ERROR, "required-field", N_("required fields are present")),
    Rule("S003", Severity.ERROR, "field-type", N_("each value has the right type")),
    Rule("S004", Severity.ERROR, "field-value", N_("each value is allowed (enum, pattern, range)")),
    Rule("S005", Severity.ERROR, "schema", N_("any other schema constraint")),
    Rule("I001", Severity.ERROR, "indicator-category",
         N_("level-2 indicator categories sit under their level-1 category")),
    Rule("L001", Severity.WARNING, "printed",
         N_("the form's layout prints every declared value (said by `check` for the built-in "
            "layouts, by `build` for all)")),
]
"""Codes given while loading and validating, and for what a form leaves out (L001):
listed with the rules, checked elsewhere."""

ABOUT_WAIVERS = [
    Rule("Q001", Severity.WARNING, "waiver-used",
         N_("an inline waiver (# perfdecl: ignore[CODE] reason) names rules that find "
            "something on its line")),
    Rule("Q002", Severity.WARNING, "waiver-reason", N_("an inline waiver says why")),
    Rule("C001", Severity.WARNING, "configuration-read",
         N_("the configuration, with its [check] settings, can be read")),
    Rule("C002", Severity.WARNING, "configuration-codes",
         N_("the [check] settings name rules there are, and waive none that must hold")),
]
"""Codes about the waivers themselves (waivers.py)."""

FIXED = tuple(sorted({r.code for r in [*FILE_AND_SCHEMA, *ABOUT_WAIVERS]} - {"L001"}))
"""What cannot be waived or changed: a file must be a valid declaration to be built,
and a waiver is itself checked."""


def all_rules() -> list[Rule]:
    return sorted([*FILE_AND_SCHEMA, *ABOUT_WAIVERS, *RULES], key=lambda r: r.code)


def codes() -> tuple[str, ...]:
    return tuple(r.code for r in all_rules())


def _finding(r: Rule, declaration: Partial, hit: Hit) -> Finding:
    doc = declaration.document
    if hit.missing:
        order = navigator(declaration.kind).properties(hit.path[:-1])
        line, column = doc.insertion_position(hit.path, order)
    else:
        line, column = doc.position(hit.path, key=hit.key)
    return Finding(r.code, r.severity, hit.message, declaration.file, line, column, hit.path,
                   hit.hint, related=hit.related)
