"""The git textconv driver: a declaration as one fact per line, for `git diff`.

git turns both versions of a file into these lines and compares them line by line, so
`git diff` and `git log -p` show amounts, targets and indicators by their names rather
than YAML indentation. Lists are sorted: reordering them shows no change. git prints
these lines on a terminal: they go through `printable`, as every report does.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..check import read
from ..domain import KINDS
from ..errors import Severity
from ..files import MAX_FILE_BYTES, read_file
from ..i18n import _
from ..report import printable
from ..schema import SchemaNav, navigator
from .changes import show
from .engine import identity


def facts(path: Path) -> str:
    """The lines git compares; a file that is not a readable declaration comes out as it
    is (its first MAX_FILE_BYTES), after one line saying why, so git still shows
    something. A value that did not validate is not among the facts: a line before them
    says where it is."""
    declaration, findings = read(path)
    if declaration is None:
        reason = _("not a declaration")
        if findings:  # located as the notes on a declaration's values are
            first = findings[0]
            reason = f"{first.line}:{first.column}: {first.message}" if first.line \
                else first.message
        try:  # a FIFO or a device is said in `reason`, never read: git would wait forever
            raw = read_file(path, limit=MAX_FILE_BYTES, head=True).decode("utf-8",
                                                                          errors="replace")
        except OSError:
            raw = ""
        return f"# perfdecl: {printable(reason)}\n{printable(raw, lines=True)}"
    data = declaration.data
    nav = navigator(data["kind"]) if data["kind"] in KINDS else None
    notes = [f"# perfdecl: {f.line}:{f.column}: {printable(f.message)}" for f in findings
             if f.severity == Severity.ERROR]
    lines = [printable(line, lines=True) for line in _lines(data, (), (), nav)]
    return "\n".join([*notes, *lines]) + "\n"


def _title(nav: SchemaNav | None, path: tuple[str | int, ...]) -> str:
    title = nav.title(path) if nav else None
    return title or str(path[-1])


def _lines(node: Any, path: tuple[str | int, ...], where: tuple[str, ...],
           nav: SchemaNav | None) -> Iterator[str]:
    if isinstance(node, dict):
        if path and path[0] == "indicators" and len(path) == 2:
            yield from _indicators(node, path, where, nav)
            return
        order = nav.properties(path) if nav else []
        keys = [k for k in order if k in node] + sorted(set(node) - set(order))
        for k in keys:
            here = (*path, k)
            yield from _lines(node[k], here, (*where, _title(nav, here)), nav)
    elif isinstance(node, list):
        name = next((p for p in reversed(path) if isinstance(p, str)), "")
        ident = identity(name)
        for item in sorted(node, key=ident):
            if isinstance(item, dict):
                yield from _lines(item, (*path, 0), (*where, ident(item)), nav)
            else:
                yield f"{' › '.join(where)}: {show(item)}"
    else:
        yield f"{' › '.join(where)}: {show(node)}"


def _indicators(tree: dict[str, Any], path: tuple[str | int, ...], where: tuple[str, ...],
                nav: SchemaNav | None) -> Iterator[str]:
    """One line an indicator: its target, then its other values by their titles, in the
    words of the form (（指标值确定依据：计划标准；近两年指标值：2023年 ≥95%）)."""
    for level1 in sorted(tree):
        for level2 in sorted(tree[level1]):
            for item in sorted(tree[level1][level2], key=lambda i: str(i["name"])):
                head = " › ".join((*where, level1, level2, str(item["name"])))
                here = (*path, level1, level2, 0)
                extras = [f"{_title(nav, (*here, k))}：{_extra(v)}"
                          for k, v in sorted(item.items()) if k not in ("name", "target")]
                target = show(item.get("target")) if "target" in item else "—"
                yield f"{head}: {target}" + (f"  （{'；'.join(extras)}）" if extras else "")


def _extra(value: Any) -> str:
    """An indicator's value other than its target; its history as 2023年 ≥95%、2024年 …"""
    if isinstance(value, list) and all(isinstance(h, dict) and "year" in h for h in value):
        return "、".join(f"{h['year']}年 {show(h.get('value'))}" for h in value)
    return show(value)
