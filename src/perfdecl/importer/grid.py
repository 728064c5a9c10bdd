"""The shape every form is read into, whatever program made it: rows of cells.

A table row is a list of cells, left to right, each knowing the grid column it starts at
and how many it spans. A cell merged down several rows is the *same* object in each of
those rows, so a label that spans its section (项目实施进度计划, 年度绩效指标) is seen
beside every row of it. A paragraph outside a table is a row of one cell as wide as the
page. Forms are found in this sequence of rows by their titles.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

WIDE = 10_000
"""The span of a paragraph's one cell: wider than any table."""


@dataclass(eq=False)
class Cell:
    """One cell: its text (lines joined by newlines), where it starts and how far it
    reaches. Compared by identity: the same merged cell is one object."""

    text: str
    col: int
    span: int = 1
    row: int = 0
    """The index (in its Part) of the first row the cell is on."""
    rows: int = 1
    """How many rows it spans (vertical merges)."""
    formula: str | None = None
    """A spreadsheet formula whose value the file does not hold: the cell's text is
    empty, but it is not blank (openpyxl writes formulas without their values)."""

    @property
    def end(self) -> int:
        return self.col + self.span

    @property
    def lines(self) -> list[str]:
        return [line for line in self.text.split("\n")]

    def __repr__(self) -> str:
        return f"Cell({self.text!r}, col={self.col}, span={self.span}, row={self.row})"


def column_name(col: int) -> str:
    """A spreadsheet's name for the 0-based column `col`: A, B, … Z, AA …"""
    name = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        name = chr(ord("A") + rest) + name
    return name


@dataclass
class Row:
    """One row: its cells, left to right; `table` numbers the table it comes from in
    its part (None for a paragraph)."""

    cells: list[Cell]
    table: int | None = None
    index: int = 0
    where: str = ""
    """For messages: `table 2, row 5` or `paragraph 3` or `sheet 1, row 7`."""
    hidden: list[Cell] = field(default_factory=list)
    """Text the file holds on this row where no program shows it: in a Word cell merged
    into the one above or to its left. Never read; always reported."""

    @property
    def text(self) -> str:
        seen: list[Cell] = []
        for cell in self.cells:
            if cell not in seen and cell.text.strip():
                seen.append(cell)
        return " ".join(c.text for c in seen)

    @property
    def is_paragraph(self) -> bool:
        return self.table is None

    def starts(self, cell: Cell) -> bool:
        """Whether `cell` begins on this row (rather than being merged down from above)."""
        return cell.row == self.index


@dataclass
class Part:
    """A sequence of rows read from one document, or one sheet of a workbook."""

    name: str
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """What of the part was not read, and why (a hidden sheet, columns past the last
    one read)."""
    widths: dict[int, list[float]] = field(default_factory=dict)
    """The widths of each table's grid columns, by table number, in the file's own
    measure (twips, or a spreadsheet's characters): a layout made from the form keeps
    their proportions."""


def distinct(cells: Iterable[Cell]) -> list[Cell]:
    """Each cell once, in order: a cell merged across columns is in a row several times."""
    out: list[Cell] = []
    for c in cells:
        if (not out or out[-1] is not c) and c not in out:
            out.append(c)
    return out
