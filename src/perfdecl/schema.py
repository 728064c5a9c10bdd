"""The JSON Schemas of the declarations: their files, references followed one way
(`resolve`), a self-contained copy for tools (`bundled_schema`), the validators, and a
navigator that gives a data path's schema, title and fields. validate.py checks a
declaration against them."""

from __future__ import annotations

import functools
import json
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource

from .domain import KINDS
from .errors import DataPath, UsageError
from .i18n import _
from .resources import data_dir

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


def resolve(node: dict[str, Any], base: str) -> tuple[dict[str, Any], str]:
    """`node` of the schema file `base` with its `$ref` chain followed (sibling keys of a
    `$ref`, such as title and description, win over the target's), and the file the
    result's own references are relative to. The one way perfdecl follows references."""
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


def bundled_schema(kind: str) -> dict[str, Any]:
    """The schema of `kind` with the shared definitions copied in: one self-contained
    document for tools that do not follow references to other files."""
    if kind not in KINDS:
        raise UsageError(_("unknown kind {kind}; kinds: {kinds}").format(
            kind=repr(kind), kinds=", ".join(KINDS)))
    common = _parsed("common.json")["$defs"]
    text = json.dumps(schema_of(kind), ensure_ascii=False)
    text = text.replace('"common.json#/$defs/', '"#/$defs/')
    bundled: dict[str, Any] = json.loads(text)
    bundled["$defs"] = {**common, **bundled.get("$defs", {})}
    return bundled


@functools.cache
def _fast(kind: str) -> Any:
    """jsonschema-rs, for telling valid declarations (most of them) from invalid ones in
    microseconds; jsonschema then explains the invalid ones for people."""
    import jsonschema_rs

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
        return resolve(node, base)

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


def labelled(label: str, key: str) -> str:
    """A field as a clerk is shown it: the label the form prints, then the key to type,
    资金总额 (`funding.total`). Every message that names a field names it this way."""
    return _("{label} (`{key}`)").format(label=label, key=key)


def key_of(path: DataPath) -> str:
    """The key a message shows for the field at `path`: the names after the last list
    index, as the user types them where the finding points (`funding.total`, `target`);
    an item of a list is shown as its list (`goals.long_term`)."""
    while path and isinstance(path[-1], int):
        path = path[:-1]
    tail = path[max((i + 1 for i, p in enumerate(path) if isinstance(p, int)), default=0):]
    return ".".join(str(p) for p in tail)


def field_label(nav: SchemaNav, path: DataPath) -> str:
    """How a message names the field at `path`: its title and its key, 资金总额
    (`funding.total`); an item of a list is named by its list (长期目标 (`goals.long_term`))."""
    while path and isinstance(path[-1], int):
        path = path[:-1]
    if not path:
        return _("the declaration")
    key = key_of(path)
    title = nav.title(path)
    return labelled(title, key) if title and title != key else f"`{key}`"
