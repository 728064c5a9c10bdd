"""What a clerk reads in a finding: the form's labels first. A finding's message and hint
may show a field's YAML key only after the label the form prints for it, in parentheses
(资金总额 (`funding.total`)), and never a declaration's file path, since the declaration
has a form name (附件1-1 项目绩效目标申报表：丧葬费补贴); the file is the finding's related
location instead.

`clerk_faults` lists what breaks this in one finding; the rule tests, the seeds and the bad
inputs run every finding they produce through it, in both languages."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

from perfdecl import i18n
from perfdecl.errors import Finding
from perfdecl.schema import schema_texts

_TICKED = re.compile(r"`([^`]+)`")
_LABELLED = re.compile(r"[^\s(（`]+ ?[(（]`([^`]+)`(?: …)?[)）]")
"""A label and, in parentheses right after it, the key: 资金总额 (`funding.total`), or the
first of its keys: 实施内容 ×2 (`schedule[0].task` …)."""
_BARE_PATH = re.compile(r"(?<![\w`./])([a-z_]+(?:\.[a-z_]+|\[\d+\])+)(?![\w`])")
"""A dotted data path written without backticks (goals.long_term, expenses.items[0])."""
_FILE = re.compile(r"[^\s（(“\"']+\.ya?ml\b")

_SUBJECT_IS_THE_KEY = {"S001", "Y002"}
"""An unknown field has no label, and a key written twice is read before the declaration's
kind is known: the key as the user wrote it is what these messages are about."""
_SUBJECT_IS_THE_FILE = {"P001"}
"""Where a file lives and what it is named is what P001 is about."""


@functools.cache
def _keys() -> frozenset[str]:
    """Every field name of the schemas that is written in ASCII (the indicator
    categories are Chinese: they are their own labels)."""
    names: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            names.update(k for k in node.get("properties", {}) if k.isascii())
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for text in schema_texts().values():
        walk(json.loads(text))
    return frozenset(names)


def _key_like(text: str) -> bool:
    """`funding.total`, `target`, `fiscal_year:`: a key or a path of keys."""
    parts = [p for p in re.split(r"[.\[\]:]+", text.strip()) if p and not p.isdigit()]
    return bool(parts) and all(p in _keys() for p in parts)


def clerk_faults(f: Finding) -> Iterator[str]:
    """What in the finding's message or hint shows a key without its label, or a file."""
    for which, text in (("message", f.message), ("hint", f.hint or "")):
        labelled = {m.start(1) for m in _LABELLED.finditer(text)}
        for m in _TICKED.finditer(text):
            if _key_like(m.group(1)) and m.start(1) not in labelled and not (
                    which == "message" and f.code in _SUBJECT_IS_THE_KEY):
                yield f"{f.code} {which} shows the key `{m.group(1)}` without its label: {text}"
        for m in _BARE_PATH.finditer(text):
            if _key_like(m.group(1)):
                yield f"{f.code} {which} shows the path {m.group(1)} bare: {text}"
        for m in _FILE.finditer(text) if f.code not in _SUBJECT_IS_THE_FILE else ():
            yield f"{f.code} {which} names the file {m.group()}: {text}"


def assert_clerk_words(findings: Iterable[Finding]) -> None:
    faults = [fault for f in findings for fault in clerk_faults(f)]
    assert not faults, "\n".join(faults)


class speaking:
    """`with speaking("zh"):` — the messages in that language, then back to English."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __enter__(self) -> None:
        i18n.activate(self.lang)

    def __exit__(self, *exc: object) -> None:
        i18n.activate("en")
