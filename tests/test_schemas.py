"""The schemas are standard JSON Schema (Draft 2020-12), usable outside perfdecl, and
say what every field means in Chinese for an editor's hover text."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from .conftest import DECLARATIONS, REPO, SEEDS

SCHEMA = REPO / "schema"
FILES = sorted(SCHEMA.glob("*.json"))


def check_jsonschema(*files: Path) -> subprocess.CompletedProcess[str]:
    """The independent validator: check-jsonschema, from its own package."""
    return subprocess.run([sys.executable, "-m", "check_jsonschema", "--schemafile",
                           str(SCHEMA / "declaration.json"), *map(str, files)],
                          capture_output=True, text=True, timeout=300)


def test_declarations_validate_with_check_jsonschema() -> None:
    files = sorted(DECLARATIONS.rglob("*.yaml"))
    assert len(files) == 22
    result = check_jsonschema(*files)
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_jsonschema_rejects_a_faithful_schema_error() -> None:
    result = check_jsonschema(SEEDS / "2019/shigu-sbzx/zx-jichu-yanglaojin-peitao.yaml")
    assert result.returncode == 1
    assert "'task' is a required property" in result.stdout


@pytest.mark.parametrize("file", FILES, ids=[f.name for f in FILES])
def test_schema_is_valid_draft_2020_12(file: Path) -> None:
    schema = json.loads(file.read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def _properties(node: Any, where: str) -> list[tuple[str, dict[str, Any]]]:
    found = []
    if isinstance(node, dict):
        for name, sub in node.get("properties", {}).items():
            found.append((f"{where}.{name}", sub))
        for key, sub in node.items():
            if key not in ("properties", "if"):  # an `if` names a property, defines none
                found += _properties(sub, f"{where}/{key}")
        for name, sub in node.get("properties", {}).items():
            found += _properties(sub, f"{where}.{name}")
    elif isinstance(node, list):
        for i, sub in enumerate(node):
            found += _properties(sub, f"{where}[{i}]")
    return found


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.mark.parametrize("file", FILES, ids=[f.name for f in FILES])
def test_every_property_has_chinese_title_and_description(file: Path) -> None:
    schema = json.loads(file.read_text(encoding="utf-8"))
    defs = json.loads((SCHEMA / "common.json").read_text(encoding="utf-8"))["$defs"]
    missing = []
    for where, sub in _properties(schema, file.name):
        target = sub
        if "$ref" in sub and ("title" not in sub or "description" not in sub):
            ref = sub["$ref"].split("#/$defs/")[-1].split("/")[0]
            target = {**defs.get(ref, {}), **sub}
        if not (_has_cjk(target.get("title", "")) and _has_cjk(target.get("description", ""))):
            missing.append(where)
    assert missing == []
