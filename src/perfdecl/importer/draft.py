"""A declaration as read from a form: its data, a note on every value that was guessed
(written as a YAML comment), what could not be placed anywhere, and notes about the form."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..i18n import _

if TYPE_CHECKING:
    from .forms import Form

Path_ = tuple[str | int, ...]


@dataclass
class Draft:
    """A declaration read from a form: its data, notes on what was guessed (by data
    path), what could not be placed, and notes about the form."""

    form: Form
    data: dict[str, Any] = field(default_factory=dict)
    unsure: dict[Path_, str] = field(default_factory=dict)
    unplaced: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    """Cells whose value the file does not hold (a formula without its value)."""
    notes: list[str] = field(default_factory=list)
    history_offsets: list[tuple[Path_, int]] = field(default_factory=list)
    """Indicator history written as 前年/上年: set to fiscal_year-2/-1 once it is known."""
    year_hint: tuple[int, str] | None = None
    """A fiscal year inferred from the form's content, and how."""

    def get(self, dotted: str) -> Any:
        node: Any = self.data
        for part in dotted.split("."):
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        return node

    def put(self, dotted: str | Path_, value: Any, unsure: str | None = None) -> None:
        path: Path_ = tuple(dotted.split(".")) if isinstance(dotted, str) else dotted
        node: Any = self.data
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = value
        if unsure:
            self.unsure[path] = unsure

    def doubt(self, dotted: str | Path_, why: str) -> None:
        path: Path_ = tuple(dotted.split(".")) if isinstance(dotted, str) else dotted
        self.unsure[path] = why if path not in self.unsure else \
            _("{reason}; {another_reason}").format(reason=self.unsure[path], another_reason=why)
