"""What a form prints of its declaration: the values its template read.

A layout prints what its template reads; whatever else the declaration holds is not on
the paper, and the user is told (L001). The template gets watched views of the data
(`data`, `get()`), of the typed model (`d`, and the amounts of earlier years) and of the
indicator rows, which record the data path of every value read. A value counts as
printed when it, or a part of it (a text's characters), was read; a template that reads
a value only to test it counts as printing it, which errs on the side of silence only
where the layout chose to look at the value.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from .errors import DataPath
from .unprinted import printable_values


class Reads:
    """The data paths a template read."""

    def __init__(self) -> None:
        self.paths: set[DataPath] = set()
        self.asked: set[DataPath] = set()
        """Paths the template asked for that the declaration does not hold: the form
        prints a cell or a box for them, left blank."""

    def add(self, path: DataPath) -> None:
        self.paths.add(path)

    def ask(self, path: DataPath) -> None:
        self.asked.add(path)

    def watch(self, value: Any, path: DataPath) -> Any:
        """`value` (found at `path`) as the template should see it: a container as a
        watched view, a single value as it is, recorded as read."""
        if isinstance(value, Mapping):
            return WatchedMapping(value, path, self)
        if isinstance(value, list | tuple):
            return WatchedList(value, path, self)
        self.add(path)
        return value

    def model(self, part: Any) -> Any:
        """A part of the typed model (a declaration, or anything with a data `path`) as a
        watched view."""
        if part is None or (not hasattr(part, "path") and not hasattr(part, "document")):
            return part
        return WatchedModel(part, self)

    def unprinted(self, data: Mapping[str, Any]) -> list[DataPath]:
        """The values of `data` the template did not read, in the data's order."""
        read = {p[:k] for p in self.paths for k in range(1, len(p) + 1)}
        return [p for p in printable_values(data) if p not in read]


class WatchedMapping(Mapping[str, Any]):
    """A mapping of the declaration's data that records what is looked up in it."""

    def __init__(self, data: Mapping[str, Any], path: DataPath, reads: Reads) -> None:
        self._data, self._path, self._reads = data, path, reads

    def __getitem__(self, key: str) -> Any:
        return self._reads.watch(self._data[key], (*self._path, key))

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)


class WatchedList(Sequence[Any]):
    """A list of the declaration's data that records which items are looked at."""

    def __init__(self, data: Sequence[Any], path: DataPath, reads: Reads) -> None:
        self._data, self._path, self._reads = data, path, reads

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(len(self._data))[index]]
        return self._reads.watch(self._data[index], (*self._path, index % len(self._data)))

    def __len__(self) -> int:
        return len(self._data)


DECLARATION_FIELDS: dict[str, DataPath] = {
    "unit_id": ("unit", "id"), "unit_name": ("unit", "name"), "amount": ("funding", "total")}
"""The typed declaration's own values that are named otherwise in the data."""


def _is_part(value: Any) -> bool:
    return hasattr(value, "path") and not isinstance(value, str)


class WatchedModel:
    """A part of the typed model that records the data path of each value read from it:
    its path and the field's name (a text's or month's own path is inside it). The
    declaration itself is the root: its data is watched as `data` is."""

    def __init__(self, part: Any, reads: Reads) -> None:
        self._part, self._reads = part, reads

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        value = getattr(self._part, name)
        path: DataPath = getattr(self._part, "path", ())
        if not path and name == "data":
            return self._reads.watch(value, ())
        if _is_part(value) or isinstance(value, tuple | dict):
            return self._view(value)
        self._reads.add((*path, name) if path else DECLARATION_FIELDS.get(name, (name,)))
        return value

    def _view(self, value: Any) -> Any:
        if isinstance(value, tuple):
            return tuple(self._view(v) for v in value)
        if isinstance(value, dict):  # the indicators, by term
            return {k: self._view(v) for k, v in value.items()}
        return WatchedModel(value, self._reads) if _is_part(value) else value

    def __bool__(self) -> bool:
        return bool(self._part)

    def __str__(self) -> str:
        return str(self._part)
