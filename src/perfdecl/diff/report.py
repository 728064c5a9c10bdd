"""Diff reporters: the terminal (rich), Markdown (a merge-request comment), a
self-contained HTML redline page, and JSON (stable; `schema/diff-report.json`).

Text changes show inline, character by character: on a terminal in colour, elsewhere
as [-old-]{+new+}. Changes that only move years on are counted, not listed. Names,
labels and values go through `printable` in every format: a control character shows as
`\x1b`, never as what it would do to a terminal or a page.
"""

from __future__ import annotations

import html
import io
import json
import re
from collections.abc import Callable, Iterable
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.text import Text

from .. import i18n
from ..domain import amount_text
from ..i18n import N_, _, ngettext
from ..report import printable
from .changes import ADDED, CHANGED, MOVED, REMOVED, RENAMED, REORDERED, Change
from .engine import DiffResult
from .text import Segment

SIGN = {"added": "+", "removed": "-", "changed": "~", "unchanged": "="}

KIND_WORDS = {ADDED: N_("added"), REMOVED: N_("removed"), RENAMED: N_("renamed"),
              MOVED: N_("moved"), REORDERED: N_("reordered"), CHANGED: N_("changed")}
"""What a declaration or a change that is not a new value is called, where it needs a
word; the reports speak the language of the run, like every other message."""


def title() -> str:
    return _("Changes to the performance-target declarations")


def summary(result: DiffResult) -> str:
    n = len(result.declarations)
    return ngettext("{n} declaration: {changed} changed, {added} added, {removed} removed, "
                    "{unchanged} unchanged",
                    "{n} declarations: {changed} changed, {added} added, {removed} removed, "
                    "{unchanged} unchanged", n).format(
        n=n, changed=result.count("changed"),
        added=result.count("added"), removed=result.count("removed"),
        unchanged=result.count("unchanged"))


def note_text(change: Change) -> str:
    return printable(change.note or "")


def _value(text: str | None) -> str:
    """A value as shown: a text of several lines keeps its lines."""
    return printable(text or "", lines=True)


def inline(segments: Iterable[Segment], delete: Callable[[str], str],
           insert: Callable[[str], str], equal: Callable[[str], str]) -> str:
    out = []
    for s in segments:
        out.append(delete(s.text) if s.op == "delete" else insert(s.text) if s.op == "insert"
                   else equal(s.text))
    return "".join(out)


def _asides(changes: list[Change]) -> list[str]:
    """What the report sums up instead of listing: years moving on, and last year's
    targets kept as history (what `perfdecl new --from` writes)."""
    out = []
    shifted = [c for c in changes if c.years]
    if shifted:
        moves = sorted({c.years for c in shifted if c.years})
        by = "/".join(f"{m:+d}" for m in moves)
        out.append(ngettext("{n} change only move years on ({by} year)",
                            "{n} changes only move years on ({by} year)",
                            len(shifted)).format(n=len(shifted), by=by))
    carried = sum(c.carried for c in changes)
    if carried:
        out.append(ngettext("{n} of last year's targets kept as 近两年指标值, as `perfdecl new "
                            "--from` writes them",
                            "{n} of last year's targets kept as 近两年指标值, as `perfdecl new "
                            "--from` writes them", carried).format(n=carried))
    return out


# ---------------------------------------------------------------------------- terminal


def print_text(result: DiffResult, console: Console) -> None:
    """For the terminal: colour on a TTY, [-old-]{+new+} otherwise."""
    colour = console.is_terminal and not console.no_color
    for d in result.declarations:
        if d.status == "unchanged":
            continue
        style = {"added": "green", "removed": "red", "changed": "yellow"}[d.status]
        console.print(f"[bold {style}]{SIGN[d.status]} {escape(printable(d.kind))} "
                      f"{escape(printable(d.label))}[/]  {escape(printable(d.name))}",
                      soft_wrap=True, highlight=False)
        for change in d.substantive:
            console.print(Text("    ") + _text_line(change, colour), soft_wrap=True)
        for aside in _asides(d.changes):
            console.print(f"    [dim]{escape(_('({note})').format(note=aside))}[/]",
                          soft_wrap=True, highlight=False)
    console.print(summary(result), soft_wrap=True, highlight=False)


def to_text(result: DiffResult) -> str:
    """The terminal report as plain text, for a file: [-old-]{+new+}, no colour."""
    out = io.StringIO()
    print_text(result, Console(file=out, width=200, no_color=True, force_terminal=False))
    return out.getvalue()


def _text_line(change: Change, colour: bool) -> Text:
    line = Text()
    # "{label}: {change}": the label, then what changed (a value, or a run of segments)
    labelled = _("{label}: {change}")
    label, old, new = printable(change.label), _value(change.old), _value(change.new)
    if change.kind == ADDED:
        line.append("+ " + labelled.format(label=label, change=new),
                    style="green" if colour else "")
    elif change.kind == REMOVED:
        line.append("- " + labelled.format(label=label, change=old),
                    style="red" if colour else "")
    elif change.kind == RENAMED:
        line.append(_("renamed {label} (was {old_name})").format(label=label, old_name=old))
    elif change.kind == MOVED:
        line.append(_("moved {label}: {old_place} → {new_place}").format(
            label=label, old_place=old, new_place=new))
    elif change.kind == REORDERED:
        line.append(_("reordered {label}: {old_order} → {new_order}").format(
            label=label, old_order=old, new_order=new))
    elif change.delta is not None or not change.segments:
        line.append(labelled.format(label=label, change=f"{old} → {new}"))
    else:
        before, _sep, after = labelled.partition("{change}")
        line.append(before.format(label=label))
        for s in change.segments:
            text = _value(s.text)
            if s.op == "equal":
                line.append(text)
            elif colour:
                line.append(text, style="red strike" if s.op == "delete" else "green")
            else:
                line.append(f"[-{text}-]" if s.op == "delete" else f"{{+{text}+}}")
        line.append(after.format(label=label))
    note = note_text(change)
    if note:
        line.append("  " + _("({note})").format(note=note), style="dim" if colour else "")
    return line


# ---------------------------------------------------------------------------- markdown


def _md(text: str | None) -> str:
    if not text:
        return ""
    text = printable(text, lines=True)
    for ch in "\\`*_[]|<>~":
        text = text.replace(ch, "\\" + ch)
    return text.replace("\n", "<br>")


def _code(text: str) -> str:
    """`text` as a Markdown code span, fenced by more backticks than it holds in a row."""
    text = printable(text)
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if "`" in text else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def to_markdown(result: DiffResult) -> str:
    """Tables for a merge-request comment."""
    lines = [f"## {_md(title())}", "", f"**{summary(result)}**", ""]
    for d in result.declarations:
        if d.status == "unchanged":
            continue
        word = _(KIND_WORDS[d.status])
        lines.append(f"### {SIGN[d.status]} {_md(d.name)} ({_code(d.label)}, "
                     f"{printable(d.kind)}, {word})")
        lines.append("")
        if d.status != "changed":
            continue
        heads = (_("Field"), _("Old"), _("New"), _("Note"))
        lines += ["| " + " | ".join(_md(h) for h in heads) + " |", "| --- | --- | --- | --- |"]
        for c in d.substantive:
            new = c.new
            if c.kind == CHANGED and c.segments and c.delta is None:
                new = inline(c.segments, lambda t: f"~~{_md(t)}~~", lambda t: f"**{_md(t)}**",
                             _md)
            else:
                new = _md(new)
            kind = _(KIND_WORDS[c.kind]) if c.kind != CHANGED else ""
            note = _("{first}; {second}").format(first=kind, second=note_text(c)) \
                if kind and note_text(c) else kind or note_text(c)
            lines.append(f"| {_md(c.label)} | {_md(c.old)} | {new} | {_md(note)} |")
        for aside in _asides(d.changes):
            lines += ["", f"_{_md(aside)}_"]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


# -------------------------------------------------------------------------------- html


_CSS = """body{font-family:"SimSun","Songti SC","Noto Serif CJK SC",serif;max-width:62em;
margin:2em auto;line-height:1.5}table{border-collapse:collapse;width:100%;margin:.5em 0 1.5em}
td,th{border:1px solid #999;padding:.25em .5em;vertical-align:top;text-align:left}
th{background:#f3f3f3}del{background:#fdd;color:#900}ins{background:#dfd;color:#060;
text-decoration:none}.note{color:#555}h2.added{color:#060}h2.removed{color:#900}"""


def to_html(result: DiffResult) -> str:
    """A self-contained redline page."""
    def e(text: str) -> str:
        return html.escape(printable(text, lines=True))

    lang = "zh-CN" if i18n.current() == "zh" else "en"
    out = ['<!DOCTYPE html>', f'<html lang="{lang}">', '<head>', '<meta charset="utf-8">',
           f"<title>{e(title())}</title>", f"<style>{_CSS}</style>", "</head>", "<body>",
           f"<h1>{e(title())}</h1>", f"<p>{e(summary(result))}</p>"]
    for d in result.declarations:
        if d.status == "unchanged":
            continue
        out.append(f'<h2 class="{d.status}">{SIGN[d.status]} {e(d.name)} '
                   f"<small>({e(d.label)}, {e(d.kind)})</small></h2>")
        if d.status != "changed":
            continue
        heads = (_("Field"), _("Change"), _("Note"))
        out.append("<table><tr>" + "".join(f"<th>{e(h)}</th>" for h in heads) + "</tr>")
        for c in d.substantive:
            if c.kind == ADDED:
                body = f"<ins>{e(c.new or '')}</ins>"
            elif c.kind == REMOVED:
                body = f"<del>{e(c.old or '')}</del>"
            elif c.segments and c.delta is None:
                body = inline(c.segments, lambda t: f"<del>{e(t)}</del>",
                              lambda t: f"<ins>{e(t)}</ins>", e)
            else:
                body = f"<del>{e(c.old or '')}</del> <ins>{e(c.new or '')}</ins>"
            note = note_text(c) or ("" if c.kind == CHANGED else _(KIND_WORDS[c.kind]))
            out.append(f"<tr><td>{e(c.label)}</td><td>{body}</td>"
                       f'<td class="note">{e(note)}</td></tr>')
        out.append("</table>")
        for aside in _asides(d.changes):
            out.append(f'<p class="note">{e(aside)}</p>')
    out += ["</body>", "</html>", ""]
    return "\n".join(out)


# -------------------------------------------------------------------------------- json


def to_json(result: DiffResult, old_label: str, new_label: str) -> str:
    """The stable JSON form, described by schema/diff-report.json."""
    def change(c: Change) -> dict[str, Any]:
        return {"label": printable(c.label), "where": [printable(w) for w in c.where],
                "key": printable(c.key), "kind": c.kind,
                "old": c.old and _value(c.old), "new": c.new and _value(c.new),
                "note": c.note and printable(c.note),
                "delta": None if c.delta is None else amount_text(c.delta),
                "percent": None if c.percent is None else format(c.percent, "f"),
                "years": c.years, "carried": c.carried,
                "segments": [{"op": s.op, "text": _value(s.text)} for s in c.segments]}

    doc = {
        "version": 1,
        "old": printable(old_label),
        "new": printable(new_label),
        "summary": {s: result.count(s) for s in ("changed", "added", "removed", "unchanged")},
        "declarations": [
            {"id": printable(d.id), "kind": printable(d.kind), "name": printable(d.name),
             "status": d.status, "fiscal_year": d.declaration.fiscal_year,
             "unit": printable(d.declaration.unit_id),
             "old_file": printable(str(d.old.file)) if d.old else None,
             "new_file": printable(str(d.new.file)) if d.new else None,
             "changes": [change(c) for c in d.changes]}
            for d in result.declarations],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


REPORTERS: dict[str, Callable[[DiffResult, str, str], str]] = {
    "text": lambda result, _old, _new: to_text(result),
    "markdown": lambda result, _old, _new: to_markdown(result),
    "html": lambda result, _old, _new: to_html(result),
    "json": to_json,
}
"""The text reports of a diff, by `--format`: each takes the result and the labels of
its two sides. (The Word redline is a document of its own: diff/redline.py.)"""
