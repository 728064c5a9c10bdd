"""Validate: a loaded declaration against the JSON Schema of its kind.

jsonschema's errors are rewritten for people: the field's Chinese title, the place it
points at (the offending value, or the key of a missing or unknown field), and a hint
where one helps (a near-miss field name, quoting a phone number, where a level-2
indicator category belongs). The invalid parts are then cut from the data, so that the
budget rules still run on everything that is valid.
"""

from __future__ import annotations

import copy
import difflib
import functools
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource

from .errors import DataPath, Finding, Severity
from .framework import ALIASES, LEVEL1, level1_of
from .load import Document
from .resources import data_dir

KINDS = ("project", "special_fund", "department", "expenditure_direction")
KIND_TITLES = {
    "project": "项目绩效目标申报表",
    "special_fund": "专项资金绩效目标申报表",
    "department": "部门整体支出绩效目标申报表",
    "expenditure_direction": "专项资金支出方向绩效目标表",
}


@functools.cache
def schema_texts() -> dict[str, str]:
    """File name → text of every schema file."""
    folder = data_dir("schema")
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.json"))}


@functools.cache
def _registry() -> Registry:
    resources = [(name, Resource.from_contents(json.loads(text)))
                 for name, text in schema_texts().items()]
    return Registry().with_resources(resources)


@functools.cache
def _parsed(file: str) -> dict[str, Any]:
    return json.loads(schema_texts()[file])  # type: ignore[no-any-return]


def schema_of(kind: str) -> dict[str, Any]:
    return _parsed(f"{kind}.json")


@functools.cache
def _fast(kind: str) -> Any:
    """jsonschema-rs, for telling valid declarations (most of them) from invalid ones in
    microseconds; jsonschema then explains the invalid ones for people."""
    import jsonschema_rs

    from .api import bundled_schema

    return jsonschema_rs.validator_for(bundled_schema(kind), validate_formats=True)


@functools.cache
def _validator(kind: str) -> Draft202012Validator:
    return Draft202012Validator(schema_of(kind), registry=_registry(),
                                format_checker=FormatChecker(["date"]))


class SchemaNav:
    """Walks a kind's schema along a data path, following `$ref`s: field titles for
    messages, property order for `fmt`."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def _resolve(self, node: dict[str, Any], base: str) -> tuple[dict[str, Any], str]:
        """Follows `$ref` chains; sibling keys of a `$ref` (title, description) win."""
        merged: dict[str, Any] = {}
        while "$ref" in node:
            for k, v in node.items():
                merged.setdefault(k, v)
            ref = node["$ref"]
            file, _, pointer = ref.partition("#")
            base = file or base
            target: Any = _parsed(base)
            for part in [p for p in pointer.split("/") if p]:
                target = target[part]
            node = target
        for k, v in node.items():
            merged.setdefault(k, v)
        merged.pop("$ref", None)
        return merged, base

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - one navigator per kind, kept for good
    def at(self, path: DataPath) -> dict[str, Any] | None:
        node, base = self._resolve(schema_of(self.kind), f"{self.kind}.json")
        for part in path:
            if isinstance(part, int):
                items = node.get("items")
                if not isinstance(items, dict):
                    return None
                node, base = self._resolve(items, base)
            else:
                props = node.get("properties", {})
                if part not in props:
                    return None
                node, base = self._resolve(props[part], base)
        return node

    def title(self, path: DataPath) -> str | None:
        node = self.at(path)
        return node.get("title") if node else None

    def properties(self, path: DataPath) -> list[str]:
        node = self.at(path)
        return list(node.get("properties", {})) if node else []


@functools.cache
def navigator(kind: str) -> SchemaNav:
    """The one SchemaNav of a kind: it remembers the paths it has walked."""
    return SchemaNav(kind)


def field_label(nav: SchemaNav, path: DataPath) -> str:
    """`funding.total` (资金总额): how a message names a field."""
    names = [p for p in path if isinstance(p, str)]
    if not names:
        return "the declaration"
    title = nav.title(path)
    name = names[-1]
    return f"`{name}` ({title})" if title and title != name else f"`{name}`"


def validate(doc: Document) -> tuple[list[Finding], dict[str, Any] | None]:
    """Schema findings for `doc`, and its data with the invalid parts cut out
    (None when what is left cannot make a declaration)."""
    data = doc.data
    kind = data.get("kind")
    if kind not in KINDS:
        return [_kind_finding(doc, kind)], None
    if _fast(kind).is_valid(data):
        return [], data
    nav = navigator(kind)
    findings: list[Finding] = []
    prune: list[tuple[DataPath, str | None]] = []
    for error in sorted(_validator(kind).iter_errors(data), key=lambda e: list(map(str, e.path))):
        for finding, cut in _explain(doc, nav, error):
            findings.append(finding)
            prune.append(cut)
    if not prune:
        return findings, data
    pruned = _prune(data, prune)
    required = schema_of(kind).get("required", [])
    if pruned is None or any(field not in pruned for field in required):
        return findings, None
    return findings, pruned


def _kind_finding(doc: Document, kind: Any) -> Finding:
    if kind is None:
        line, column = doc.insertion_position(("kind",), ["kind"])
        message = "missing field `kind` (表格种类)"
    else:
        line, column = doc.position(("kind",))
        message = f"unknown kind {_show(kind)}"
    hint = f"kind is one of: {', '.join(KINDS)}"
    if isinstance(kind, str):
        close = difflib.get_close_matches(kind, KINDS, n=1, cutoff=0.6)
        if close:
            hint = f"did you mean `{close[0]}`? ({hint})"
    return Finding("S004" if kind is not None else "S002", Severity.ERROR, message, doc.file,
                   line, column, ("kind",), hint)


def _explain(doc: Document, nav: SchemaNav,
             error: ValidationError) -> Iterator[tuple[Finding, tuple[DataPath, str | None]]]:
    path: DataPath = tuple(error.absolute_path)
    label = field_label(nav, path)
    v = error.validator
    value = error.instance

    def out(code: str, message: str, at: DataPath = path, hint: str | None = None,
            key: bool = False, cut: tuple[DataPath, str | None] | None = None,
            ) -> tuple[Finding, tuple[DataPath, str | None]]:
        line, column = doc.position(at, key=key)
        finding = Finding(code, Severity.ERROR, message, doc.file, line, column, at, hint)
        return finding, cut if cut is not None else (path, None)

    if v == "additionalProperties":
        allowed = list(error.schema.get("properties", {}))
        for name in [k for k in value if k not in allowed]:
            at = (*path, name)
            if _in_indicator_tree(path):
                message, hint = _category_message(path, name, allowed)
                yield out("I001", message, at=at, hint=hint, key=True, cut=(path, name))
                continue
            close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
            if close:
                title = nav.title((*path, close[0]))
                hint = f"did you mean `{close[0]}`" + (f" ({title})" if title else "") + "?"
            else:
                hint = "fields here: " + ", ".join(allowed)
            yield out("S001", f"unknown field `{name}`", at=at, hint=hint, key=True,
                      cut=(path, name))
        return
    if v == "required":
        missing = error.message.split("'")[1] if "'" in error.message else str(error.validator_value)
        title = nav.title((*path, missing))
        where = f" in {label}" if path else ""
        what = f"`{missing}`" + (f" ({title})" if title else "")
        line, column = doc.insertion_position((*path, missing), nav.properties(path))
        finding = Finding("S002", Severity.ERROR, f"missing field {what}{where}", doc.file,
                          line, column, (*path, missing))
        yield finding, (path, None)
        return
    if v == "type":
        yield out("S003", _type_message(label, value, error.validator_value),
                  hint=_type_hint(value, error.validator_value))
        return
    if v in ("minLength", "minItems", "minProperties") and not value:
        yield out("S004", f"{label} is empty",
                  hint="leave the field out when the form leaves it blank", key=True)
        return
    if v == "enum":
        options = [str(o) for o in error.validator_value]
        hint = "one of: " + ", ".join(options)
        close = difflib.get_close_matches(str(value), options, n=1, cutoff=0.3)
        if close:
            hint = f"did you mean `{close[0]}`? ({hint})"
        yield out("S004", f"{label}: {_show(value)} is not one of the allowed values", hint=hint)
        return
    if v == "pattern":
        reason = error.schema.get("patternErrorMessage") or f"must match {error.validator_value}"
        yield out("S004", f"{label}: {_show(value)} is not valid: {reason}")
        return
    if v == "format":
        yield out("S004", f"{label}: {_show(value)} is not a real date",
                  hint="write it as 2019-05-21 (year-month-day)")
        return
    if v in ("minimum", "maximum"):
        word = "below the minimum" if v == "minimum" else "above the maximum"
        yield out("S004", f"{label}: {_show(value)} is {word} {error.validator_value}")
        return
    if v == "maxLength":
        yield out("S004", f"{label} is longer than {error.validator_value} characters")
        return
    if v == "not":  # only file-name slugs use `not`: the Windows device names
        yield out("S004", f"{label}: {_show(value)} is a reserved device name on Windows",
                  hint="choose another name; it is used as a file name")
        return
    yield out("S005", f"{label}: {error.message}")


def _in_indicator_tree(path: DataPath) -> bool:
    """Whether `path` is an indicator tree (`indicators.annual`) or a level-1 node in one."""
    return len(path) in (2, 3) and path[0] == "indicators"


def _category_message(path: DataPath, name: str, allowed: list[str]) -> tuple[str, str]:
    if len(path) == 2:  # an unknown level-1 name
        owner = level1_of(name)
        if owner:
            return (f"`{name}` is a level-2 indicator (二级指标), not a level-1 one",
                    f"put it under `{owner}`")
        close = difflib.get_close_matches(name, LEVEL1, n=1, cutoff=0.4)
        return (f"`{name}` is not a level-1 indicator (一级指标) of the framework",
                f"did you mean `{close[0]}`?" if close else "level 1 is one of: " + ", ".join(LEVEL1))
    parent = str(path[2])
    if name in ALIASES and ALIASES[name] in allowed:
        return (f"`{name}` is the form's wording, not the framework's name",
                f"write `{ALIASES[name]}`; the layout prints the form's own wording")
    owner = level1_of(name)
    if owner and owner != parent:
        return (f"`{name}` does not belong under `{parent}`", f"it is a level-2 indicator of `{owner}`")
    close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.4)
    return (f"`{name}` is not a level-2 indicator (二级指标) of `{parent}`",
            f"did you mean `{close[0]}`?" if close else "level 2 here is one of: " + ", ".join(allowed))


_TYPE_WORDS = {"string": "text", "number": "a number", "integer": "a whole number",
               "object": "a set of fields", "array": "a list", "boolean": "true or false"}


def _kind_of(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | Decimal):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "a set of fields"


def _type_message(label: str, value: Any, expected: Any) -> str:
    if value is None:
        return f"{label} is empty"
    wanted = expected if isinstance(expected, list) else [expected]
    words = " or ".join(_TYPE_WORDS.get(str(w), str(w)) for w in wanted)
    return f"{label} must be {words}, not {_kind_of(value)} ({_show(value)})"


def _type_hint(value: Any, expected: Any) -> str | None:
    wanted = expected if isinstance(expected, list) else [expected]
    if value is None:
        return "fill it in, or leave the field out when the form leaves it blank"
    if "string" in wanted and isinstance(value, int | Decimal) and not isinstance(value, bool):
        return f"put it in quotes: '{value}'"
    if ("number" in wanted or "integer" in wanted) and isinstance(value, str):
        digits = "".join(ch for ch in value if ch.isdigit() or ch == ".")
        if digits:
            return f"write the bare number: {digits} (amounts are in 万元)"
    if "array" in wanted and not isinstance(value, list):
        return "write a list: each item on its own line, starting with `- `"
    return None


def _show(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    if len(text) > 40:
        text = text[:37] + "…"
    return f"`{text}`"


def _prune(data: dict[str, Any], cuts: list[tuple[DataPath, str | None]]) -> dict[str, Any] | None:
    """A copy of `data` without the invalid parts: unknown keys alone, other errors
    the whole value they are about."""
    out = copy.deepcopy(data)
    targets = sorted({(*p, k) if k is not None else p for p, k in cuts}, key=len, reverse=True)
    for target in targets:
        if not target:
            return None
        parent: Any = out
        for part in target[:-1]:
            try:
                parent = parent[part]
            except (KeyError, IndexError, TypeError):
                parent = None
                break
        if parent is None:
            continue
        last = target[-1]
        if isinstance(parent, dict):
            parent.pop(last, None)
        elif isinstance(parent, list) and isinstance(last, int) and last < len(parent):
            parent[last] = _CUT
    pruned: dict[str, Any] = _drop_cut(out)
    return pruned


_CUT = object()


def _drop_cut(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _drop_cut(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_drop_cut(v) for v in node if v is not _CUT]
    return node
