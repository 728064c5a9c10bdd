"""Diff: what changed between two declarations, two folders or two git revisions."""

from __future__ import annotations

from .engine import Change, DeclarationDiff, DiffResult, compare, compare_pair

__all__ = ["Change", "DeclarationDiff", "DiffResult", "compare", "compare_pair"]
