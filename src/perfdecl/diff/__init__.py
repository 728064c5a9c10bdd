"""Diff: what changed between two declarations, two folders or two git revisions."""

from __future__ import annotations

from .changes import Change
from .engine import DeclarationDiff, DiffResult, compare, compare_pair

__all__ = ["Change", "DeclarationDiff", "DiffResult", "compare", "compare_pair"]
