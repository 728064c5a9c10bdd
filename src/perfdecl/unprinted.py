"""What a form leaves out of its declaration (L001): the values it could print, a
field's shape whatever the item, and the finding that names the fields left out by
their titles. Said by `check` where the layout's record knows (domain.LAYOUT_RECORDS),
and by `build` from what each template read (printed.Reads)."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from .domain import FILING_FIELDS, KINDS
from .errors import DataPath, Finding, Severity, dotted
from .i18n import _, ngettext
from .schema import labelled, navigator


def printable_values(data: Mapping[str, Any]) -> list[DataPath]:
    """The paths of the values of `data` a form could print, in the data's order."""
    return [p for p in _values(data, ())
            if not any(p[:len(x)] == x for x in FILING_FIELDS)]


def values_of(data: Mapping[str, Any], fields: frozenset[str]) -> list[DataPath]:
    """The paths of the values of `data` whose field (`field_of`) is one of `fields`, in
    the data's order. The walk goes only where one of the fields lies: for a layout that
    leaves out little, checking costs little."""
    within = _prefixes(fields)
    found: list[DataPath] = []

    def walk(node: Any, path: DataPath, field: str) -> None:
        if field not in within:
            return
        if isinstance(node, Mapping):
            for key, value in node.items():
                part = "*" if _is_category((*path, key), len(path)) else key
                walk(value, (*path, key), f"{field}.{part}" if path else str(part))
        elif isinstance(node, list | tuple):
            for i, value in enumerate(node):
                walk(value, (*path, i), f"{field}.*")
        elif field in fields:
            found.append(path)

    walk(data, (), "")
    return found


@functools.cache
def _prefixes(fields: frozenset[str]) -> frozenset[str]:
    """Every field of `fields` and the fields it lies in, the whole (``) included."""
    out = {""}
    for field in fields:
        parts = field.split(".")
        out.update(".".join(parts[:k]) for k in range(1, len(parts) + 1))
    return frozenset(out)


def _values(node: Any, path: DataPath) -> Iterator[DataPath]:
    if isinstance(node, Mapping):
        for key, value in node.items():
            yield from _values(value, (*path, key))
    elif isinstance(node, list | tuple):
        for i, value in enumerate(node):
            yield from _values(value, (*path, i))
    else:
        yield path


def _is_category(path: DataPath, i: int) -> bool:
    """Whether path[i] names an indicator's level-1 or level-2 category."""
    return path[0] == "indicators" and i in (2, 3)


def shape(path: DataPath) -> tuple[str | int, ...]:
    """A field whatever the item: list positions and indicator categories left out."""
    return tuple("*" if isinstance(p, int) or _is_category(path, i) else p
                 for i, p in enumerate(path))


def field_of(path: DataPath) -> str:
    """A value's field, as layouts' records name it: `indicators.annual.*.*.*.target`."""
    return ".".join(str(p) for p in shape(path))


def label(kind: str, path: DataPath) -> str:
    """The titles of a field and the groups it is in: 年度绩效指标 › 备注."""
    return _label(navigator(kind) if kind in KINDS else None, path)


def _label(nav: Any, path: DataPath) -> str:
    titles: list[str] = []
    for i, part in enumerate(path):
        if isinstance(part, int) or _is_category(path, i):
            continue
        title = (nav.title(path[: i + 1]) if nav else None) or str(part)
        if not titles or titles[-1] != title:
            titles.append(title)
    return " › ".join(titles)


def finding(kind: str, layout: str, paths: Sequence[DataPath], document: Any) -> Finding | None:
    """L001 for a declaration whose layout leaves `paths` out; None when it prints all.
    The fields are named by their titles, each once with how many of its values."""
    if not paths:
        return None
    nav = navigator(kind) if kind in KINDS else None
    fields: dict[tuple[str | int, ...], list[DataPath]] = {}
    for path in paths:
        fields.setdefault(shape(path), []).append(path)
    names = []
    for group in fields.values():
        first = group[0]
        title = _label(nav, first)
        if len(group) > 1:
            names.append(_("{title} ×{count} (`{path}` …)").format(
                title=title, path=dotted(first), count=len(group)))
        else:
            names.append(labelled(title, dotted(first)))
    line, column = document.position(paths[0])
    message = ngettext("layout {layout} does not print {count} declared value: {fields}",
                       "layout {layout} does not print {count} declared values: {fields}",
                       len(paths)).format(layout=layout, count=len(paths),
                                          fields="; ".join(names))
    return Finding("L001", Severity.WARNING, message, document.file, line, column, paths[0],
                   _("print them in the layout, choose a layout that does "
                     "(`perfdecl layouts`), or leave them out of the declaration"))
