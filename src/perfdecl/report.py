"""Reporters: findings → text (rich), JSON, GitHub workflow annotations or SARIF.

Each reporter is a function from a CheckResult to the text it prints; adding a
format is one entry in REPORTERS.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from rich.console import Console
from rich.markup import escape

from . import __version__
from .check import CheckResult
from .errors import Finding, Severity
from .rules import all_rules


def location(f: Finding) -> str:
    return f"{f.file}:{f.line}:{f.column}" if f.line else f"{f.file}"


def plain_line(f: Finding) -> str:
    """`path:line:col: severity CODE: message`, the line every reporter of text uses."""
    return f"{location(f)}: {f.severity} {f.code}: {f.message}"


def summary(result: CheckResult) -> str:
    files = len(result.files)
    noun = "file" if files == 1 else "files"
    counts = f"{result.errors} error{'s' * (result.errors != 1)}, " \
             f"{result.warnings} warning{'s' * (result.warnings != 1)}"
    return f"{files} {noun} checked: {counts}"


def print_text(result: CheckResult, console: Console) -> None:
    colour = {Severity.ERROR: "bold red", Severity.WARNING: "yellow"}
    for f in result.findings:
        console.print(f"[bold]{escape(location(f))}[/]: [{colour[f.severity]}]{f.severity}[/] "
                      f"[dim]{f.code}[/]: {escape(f.message)}", soft_wrap=True, highlight=False)
        if f.hint:
            console.print(f"    [cyan]hint:[/] {escape(f.hint)}", soft_wrap=True, highlight=False)
    style = "bold red" if result.errors else ("yellow" if result.warnings else "bold green")
    console.print(f"[{style}]{escape(summary(result))}[/]", soft_wrap=True, highlight=False)


def to_json(result: CheckResult) -> str:
    """The stable JSON form: version, counts and one object per finding."""
    doc = {
        "version": 1,
        "files": len(result.files),
        "errors": result.errors,
        "warnings": result.warnings,
        "findings": [
            {"file": str(f.file), "line": f.line, "column": f.column,
             "severity": str(f.severity), "code": f.code, "message": f.message,
             "hint": f.hint, "path": f.dotted_path}
            for f in result.findings
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2)


def _gh_escape(text: str, *, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
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
        message = f.message + (f" (hint: {f.hint})" if f.hint else "")
        level = "error" if f.severity == Severity.ERROR else "warning"
        lines.append(f"::{level} {','.join(props)}::{_gh_escape(message)}")
    lines.append(summary(result))
    return "\n".join(lines)


def to_sarif(result: CheckResult) -> str:
    """SARIF 2.1.0, for code-scanning dashboards."""
    known = all_rules()
    used = sorted({f.code for f in result.findings})
    rules_meta = [{"id": r.code, "name": r.name, "shortDescription": {"text": r.summary},
                   "defaultConfiguration": {"level": str(r.severity)}}
                  for r in known if r.code in used]
    results: list[dict[str, Any]] = []
    for f in result.findings:
        region = {"startLine": f.line, "startColumn": f.column} if f.line else None
        physical: dict[str, Any] = {"artifactLocation": {"uri": f.file.as_posix()}}
        if region:
            physical["region"] = region
        text = f.message + (f" (hint: {f.hint})" if f.hint else "")
        results.append({"ruleId": f.code, "level": str(f.severity), "message": {"text": text},
                        "locations": [{"physicalLocation": physical}]})
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
