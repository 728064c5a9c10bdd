"""The rules' vocabulary: vocabulary.toml, beside this module, read once. The words are
data the team extends (the vague phrases of W001, the money, time and ecology names of
I010 and I014, the characters W004 lets stand doubled); the code reads them here."""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path
from typing import Any

FILE = Path(__file__).with_name("vocabulary.toml")


@functools.cache
def _table() -> dict[str, Any]:
    return tomllib.loads(FILE.read_text(encoding="utf-8"))


def words(section: str, key: str = "names") -> tuple[str, ...]:
    """A list of the vocabulary: words("vague", "phrases"), words("money")."""
    return tuple(_table()[section][key])


def characters(section: str, key: str) -> str:
    """A string of characters of the vocabulary (the doubled characters allowed)."""
    value: str = _table()[section][key]
    return value
