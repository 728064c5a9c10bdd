"""What a repository waives of `check`'s findings, and how it sees them.

In the configuration (perfdecl.toml, or [tool.perfdecl] in pyproject.toml), as ruff's:

    [check]
    select = ["A", "T", "I"]     # codes or their prefixes; default: every rule
    extend-select = ["W001"]     # added to select
    ignore = ["W003"]            # a more specific select wins over a broader ignore
    severity = { I006 = "error", X006 = "warning" }

On a declaration's line, or on a line of its own just above it, with the reason:

    target: 100元/人  # perfdecl: ignore[I006] 政策规定的固定标准

A waived finding is not counted and not printed as text, but it stays in the JSON and
SARIF reports, marked suppressed with its reason, so reviewers see what was waived. A
waiver that matches nothing, or gives no reason, is itself a finding (Q001, Q002). What
loading and validation find (Y, S, I001) cannot be waived or changed: a file that is not
a valid declaration is never built.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .config import CheckSettings, Config
from .errors import Finding, Severity, Waiver
from .i18n import _

INLINE = re.compile(r"#\s*perfdecl:\s*ignore\[([^\]]*)\]([^\n]*)")
"""`# perfdecl: ignore[I006, W001] reason` in a YAML comment."""


@dataclass(frozen=True)
class Inline:
    """One inline waiver: where it is written, the line it covers, its codes, reason."""

    file: Path
    line: int
    column: int
    covers: int
    codes: tuple[str, ...]
    reason: str


def inline_waivers(file: Path, text: str) -> list[Inline]:
    """The waivers written in a declaration's comments. A comment after a value covers
    its line; a comment on a line of its own covers the next line that is not a comment
    or blank."""
    if "perfdecl:" not in text:  # (most declarations waive nothing: no line to read)
        return []
    lines = text.split("\n")
    out = []
    for n, line in enumerate(lines, start=1):
        match = INLINE.search(line)
        if match is None or not _is_comment_start(line, match.start()):
            continue
        codes = tuple(c.strip().upper() for c in match.group(1).split(",") if c.strip())
        covers = n
        if not line[:match.start()].strip():  # a comment line: the value below it
            covers = next((k for k in range(n + 1, len(lines) + 1)
                           if lines[k - 1].strip() and not lines[k - 1].lstrip()
                           .startswith("#")), n)
        out.append(Inline(file, n, match.start() + 1, covers, codes, match.group(2).strip()))
    return out


def inline_of(texts: dict[Path, str]) -> list[Inline]:
    """The inline waivers of every declaration, by its text."""
    return [w for file, text in texts.items() for w in inline_waivers(file, text)]


def _is_comment_start(line: str, at: int) -> bool:
    """Whether the `#` at `at` starts a YAML comment: not inside a quoted value."""
    before = line[:at]
    return before.count('"') % 2 == 0 and before.count("'") % 2 == 0 and \
        (not before or before[-1] in " \t")


def matches(code: str, prefixes: Iterable[str]) -> int:
    """The length of the longest of `prefixes` that `code` starts with; -1 for none."""
    return max((len(p) for p in prefixes if code.startswith(p)), default=-1)


def selected(code: str, settings: CheckSettings) -> bool:
    """Whether the configuration keeps `code`: the most specific of select and ignore
    decides; between equals, ignore."""
    chosen = matches(code, (*settings.select, *settings.extend_select))
    return chosen >= 0 and chosen > matches(code, settings.ignore)


@dataclass
class Waived:
    """check's findings once the waivers are applied."""

    findings: list[Finding]
    suppressed: list[Finding]


def apply(findings: Sequence[Finding], config: Config | None, texts: dict[Path, str],
          known: Sequence[str], fixed: Sequence[str]) -> Waived:
    """The findings the repository keeps (their severities as configured) and those it
    waives (marked, with the reason), plus Q and C findings about the waivers
    themselves. `texts`: the declarations' text by file, for the inline waivers;
    `known`: every rule code; `fixed`: the codes that cannot be waived."""
    inline = inline_of(texts)
    used: set[tuple[int, str]] = set()
    waived = split(findings, config, inline, used, fixed)
    waived.findings += _about_inline(inline, used, known, fixed)
    waived.findings += _about_settings(config, known, fixed)
    waived.findings.sort(key=Finding.sort_key)
    return waived


def split(findings: Iterable[Finding], config: Config | None, inline: Sequence[Inline],
          used: set[tuple[int, str]], fixed: Sequence[str]) -> Waived:
    """The findings kept (with their configured severities) and those waived; `used`
    gathers the inline waivers that waived something."""
    settings = config.check if config is not None else CheckSettings()
    out = Waived([], [])
    for f in findings:
        waiver = None if f.code in fixed else _inline_for(f, inline, used)
        if waiver is None and f.code not in fixed and not selected(f.code, settings):
            waiver = Waiver("config", _("not selected in {file}").format(
                file=config.source.name if config is not None and config.source else
                "perfdecl.toml"))
        if waiver is not None:
            out.suppressed.append(dataclasses.replace(f, waived=waiver))
            continue
        level = settings.severity.get(f.code) if f.code not in fixed else None
        out.findings.append(dataclasses.replace(f, severity=Severity(level)) if level else f)
    return out


def _inline_for(f: Finding, inline: Sequence[Inline], used: set[tuple[int, str]]
                ) -> Waiver | None:
    for n, w in enumerate(inline):
        if w.file == f.file and w.covers == f.line and f.code in w.codes and f.line:
            used.add((n, f.code))
            return Waiver("inline", w.reason)
    return None


def _about_inline(inline: list[Inline], used: set[tuple[int, str]], known: Sequence[str],
                  fixed: Sequence[str]) -> Iterable[Finding]:
    for n, w in enumerate(inline):
        if not w.codes:
            yield Finding("Q001", Severity.WARNING, _("perfdecl: ignore[] names no code"),
                          w.file, w.line, w.column,
                          hint=_("write the codes it waives: ignore[I006]"))
        for code in w.codes:
            if code in fixed:
                yield Finding("Q001", Severity.WARNING, _(
                    "{code} cannot be waived: the file must be a valid declaration").format(
                    code=code), w.file, w.line, w.column)
            elif code not in known:
                yield Finding("Q001", Severity.WARNING, _(
                    "no rule {code} (`perfdecl rules` lists them)").format(code=code),
                    w.file, w.line, w.column)
            elif (n, code) not in used:
                yield Finding("Q001", Severity.WARNING, _(
                    "ignore[{code}] waives nothing: no {code} finding on line {line}").format(
                    code=code, line=w.covers), w.file, w.line, w.column,
                    hint=_("take the waiver out, or move it to the line of the finding"))
        if w.codes and not w.reason:
            yield Finding("Q002", Severity.WARNING, _(
                "a waiver without its reason"), w.file, w.line, w.column,
                hint=_("say why after it: # perfdecl: ignore[{codes}] 政策规定的固定标准")
                .format(codes=",".join(w.codes)))


def _about_settings(config: Config | None, known: Sequence[str],
                    fixed: Sequence[str]) -> Iterable[Finding]:
    if config is None or config.source is None:
        return
    s = config.check
    for key, codes in (("select", s.select), ("extend-select", s.extend_select),
                       ("ignore", s.ignore), ("severity", tuple(s.severity))):
        for code in codes:
            if not any(k.startswith(code) for k in known):
                yield Finding("C002", Severity.WARNING, _(
                    "[check] {key}: no rule is {code} or starts with it (`perfdecl rules` "
                    "lists them)").format(key=key, code=code), config.source, 0, 0)
            elif key in ("ignore", "severity") and \
                    all(k in fixed for k in known if k.startswith(code)):
                yield Finding("C002", Severity.WARNING, _(
                    "[check] {key}: {code} cannot be waived or changed: the file must be a "
                    "valid declaration").format(key=key, code=code), config.source, 0, 0)
