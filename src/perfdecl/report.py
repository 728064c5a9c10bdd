"""Reporters: findings → text (rich), JSON, GitHub workflow annotations or SARIF.

Each reporter is a function from a CheckResult to the text it prints; adding a
format is one entry in REPORTERS. Every text that comes from outside (a file name, a
key, a value, a message that quotes them) goes through `printable` on its way out, in
these reporters, diff's and the command line's: a terminal, a log or a reader then
shows it as the characters it is, and no file name can retitle a window or colour a
report.
"""

from __future__ import annotations

import json
import os
import re
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

from . import __version__
from .check import CheckResult
from .errors import Finding, Severity
from .i18n import N_, _, ngettext
from .rules import all_rules

SEVERITY_WORDS = {Severity.ERROR: N_("error"), Severity.WARNING: N_("warning")}

_INVISIBLE = ("\x00-\x08\x0b-\x1f\x7f-\x9f"  # C0 but tab and newline, DEL, C1
              "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"  # bidirectional controls
              "\u2028\u2029"  # line and paragraph separators
              "\ud800-\udfff")  # lone surrogates: bytes of a name that is not UTF-8
_IN_LINE = re.compile(f"[\t\n{_INVISIBLE}]")
_IN_TEXT = re.compile(f"[{_INVISIBLE}]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def printable(text: str, *, lines: bool = False) -> str:
    """`text` with every character a terminal or a reader would not show as itself
    (control characters, which start escape sequences; bidirectional controls, which
    reorder what is shown; line separators) written as a visible escape: `\\x1b`,
    `\\u202e`, `\\n`. A file name's bytes that are not UTF-8 (decoded with
    surrogateescape) show as `\\xe9`. With `lines`, newlines and tabs are kept, for
    texts shown over several lines."""
    return (_IN_TEXT if lines else _IN_LINE).sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # surrogateescape's stand-in for an undecodable byte
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def location(f: Finding) -> str:
    file = printable(str(f.file))
    return f"{file}:{f.line}:{f.column}" if f.line else file


def severity(f: Finding) -> str:
    """`error` or `warning`, in the language of the messages."""
    return _(SEVERITY_WORDS[f.severity])


def with_hint(f: Finding) -> str:
    """The message and its hint on one line, for annotations."""
    message = printable(f.message)
    return _("{message} (hint: {hint})").format(message=message, hint=printable(f.hint)) \
        if f.hint else message


def plain_line(f: Finding) -> str:
    """`path:line:col: severity CODE: message`, the line every reporter of text uses."""
    return f"{location(f)}: {severity(f)} {f.code}: {printable(f.message)}"


def summary(result: CheckResult) -> str:
    files = ngettext("{n} file checked", "{n} files checked", len(result.files))
    errors = ngettext("{n} error", "{n} errors", result.errors)
    warnings = ngettext("{n} warning", "{n} warnings", result.warnings)
    line = _("{files}: {errors}, {warnings}").format(
        files=files.format(n=len(result.files)), errors=errors.format(n=result.errors),
        warnings=warnings.format(n=result.warnings))
    if result.suppressed:
        line += ngettext(" ({n} waived: see --format json)", " ({n} waived: see --format json)",
                         len(result.suppressed)).format(n=len(result.suppressed))
    return line


def print_text(result: CheckResult, console: Console) -> None:
    colour = {Severity.ERROR: "bold red", Severity.WARNING: "yellow"}
    # the hint's label in colour, where the language puts it: `hint: …`, `提示：…`
    label, _at, rest = _("hint: {hint}").partition("{hint}")
    label = f"[cyan]{escape(label.rstrip())}[/]{' ' * label.endswith(' ')}"
    heading: str | None = None
    forms = result.forms()
    for f in result.findings:
        form = forms.get(os.path.normpath(f.file))  # the form and its name first
        if form and form != heading:
            console.print(f"[bold]── {escape(printable(form))}[/]", soft_wrap=True,
                          highlight=False)
        heading = form
        console.print(f"[bold]{escape(location(f))}[/]: [{colour[f.severity]}]{severity(f)}[/] "
                      f"[dim]{f.code}[/]: {escape(printable(f.message))}", soft_wrap=True,
                      highlight=False)
        if f.label and f.label not in f.message:  # (a message that names it says it once)
            console.print("    " + escape(_("on the form: {label}").format(
                label=printable(f.label))), soft_wrap=True, highlight=False)
        for other in f.related:
            console.print("    " + escape(_("see: {file}").format(file=printable(str(other)))),
                          soft_wrap=True, highlight=False)
        if f.hint:
            console.print(f"    {label}{escape(printable(f.hint))}{escape(rest)}", soft_wrap=True,
                          highlight=False)
    style = "bold red" if result.errors else ("yellow" if result.warnings else "bold green")
    console.print(f"[{style}]{escape(summary(result))}[/]", soft_wrap=True, highlight=False)


def to_json(result: CheckResult) -> str:
    """The stable JSON form: version, counts and one object per finding."""
    doc = {
        "version": 1,
        "files": len(result.files),
        "errors": result.errors,
        "warnings": result.warnings,
        "suppressed": len(result.suppressed),
        "findings": [
            {"file": printable(str(f.file)), "line": f.line, "column": f.column,
             "severity": str(f.severity), "code": f.code, "message": printable(f.message),
             "hint": f.hint and printable(f.hint), "path": printable(f.dotted_path),
             "label": printable(f.label) if f.label else None,
             "related": [printable(str(p)) for p in f.related],
             "suppressed": {"by": f.waived.how, "reason": printable(f.waived.reason)}
             if f.waived else None}
            for f in sorted([*result.findings, *result.suppressed], key=Finding.sort_key)
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2)


def _gh_escape(text: str, *, prop: bool = False) -> str:
    """A workflow command's data (or, with `prop`, a property's value) as GitHub reads it
    back: one line, `%`, `:` and `,` encoded."""
    text = printable(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def to_github(result: CheckResult) -> str:
    """GitHub Actions workflow commands: one annotation per finding."""
    lines = []
    for f in result.findings:
        props = [f"file={_gh_escape(str(f.file), prop=True)}"]
        if f.line:
            props += [f"line={f.line}", f"col={f.column}"]
        props.append(f"title={_gh_escape(f.code, prop=True)}")
        message = with_hint(f)
        level = "error" if f.severity == Severity.ERROR else "warning"
        lines.append(f"::{level} {','.join(props)}::{_gh_escape(message)}")
    lines.append(summary(result))
    return "\n".join(lines)


def uri(file: Path) -> str:
    """A path as a URI reference (RFC 3986), for SARIF: every byte but letters, digits,
    `-._~` and `/` percent-encoded, so that a `#`, `?`, `%` or space in a name, or a first
    segment such as `c:x.yaml` (a scheme, unencoded), stays part of the path."""
    if file.is_absolute():
        return file.as_uri()
    raw = file.as_posix().encode("utf-8", errors="surrogateescape")
    return urllib.parse.quote_from_bytes(raw, safe="/")


def to_sarif(result: CheckResult) -> str:
    """SARIF 2.1.0, for code-scanning dashboards."""
    known = all_rules()
    reported = sorted([*result.findings, *result.suppressed], key=Finding.sort_key)
    used = sorted({f.code for f in reported})
    rules_meta = [{"id": r.code, "name": r.name, "shortDescription": {"text": r.describe()},
                   "defaultConfiguration": {"level": str(r.severity)}}
                  for r in known if r.code in used]
    results: list[dict[str, Any]] = []
    for f in reported:
        region = {"startLine": f.line, "startColumn": f.column} if f.line else None
        physical: dict[str, Any] = {"artifactLocation": {"uri": uri(f.file)}}
        if region:
            physical["region"] = region
        text = with_hint(f)
        found: dict[str, Any] = {"ruleId": f.code, "level": str(f.severity),
                                 "message": {"text": text},
                                 "locations": [{"physicalLocation": physical}]}
        if f.related:
            found["relatedLocations"] = [
                {"id": i, "physicalLocation": {"artifactLocation": {"uri": uri(p)}}}
                for i, p in enumerate(f.related, 1)]
        if f.waived:  # SARIF's own words: inSource for a comment, external for settings
            found["suppressions"] = [{
                "kind": "inSource" if f.waived.how == "inline" else "external",
                "justification": printable(f.waived.reason)}]
        results.append(found)
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "perfdecl", "version": __version__,
                                      "rules": rules_meta}},
                  "results": results}],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2)


REPORTERS: dict[str, Callable[[CheckResult], str]] = {
    "json": to_json,
    "github": to_github,
    "sarif": to_sarif,
}
"""Machine formats; `text` is printed through rich by print_text."""
