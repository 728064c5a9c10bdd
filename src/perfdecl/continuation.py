"""Continuation pages: a form too long for one page, cut into tables that each stand on
a page of their own, so that every format breaks at the same rows.

Typst decides where the pages of a form break (pages.py); the form's HTML is then cut
there, before it is converted, so that the DOCX and the HTML print their pages where
the PDF does instead of guessing. A cut is moved up so that no heading row (a row of
labels only: 一级指标 | 二级指标 | …) stands alone at the foot of a page, and no section
leaves a single row behind. The continuation table repeats the section's heading row and
its vertical label (年度绩效指标), as the paper forms do; a value cell cut in two keeps
its text on the first page only, so that an import reads every value once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

CONTINUED = '<div class="continued"></div>'
"""Between the tables of a cut form: a new page (templates/_export/forms.lua)."""

_TABLE = re.compile(r"(<table\b[^>]*>)(.*?)(</table>)", re.S)
_ROW = re.compile(r"<tr\b[^>]*>(.*?)</tr>", re.S)
_CELL = re.compile(r"<(td|th)\b([^>]*)>(.*?)</\1>", re.S)


@dataclass(frozen=True)
class Cell:
    tag: str
    attrs: str  # without rowspan
    content: str
    row: int  # the row it starts in
    col: int  # the first column it covers
    rowspan: int

    @property
    def label(self) -> bool:
        return self.tag == "th" or bool(re.search(r'class="[^"]*\blabel\b', self.attrs))

    @property
    def last(self) -> int:
        return self.row + self.rowspan - 1

    def html(self, *, rowspan: int | None = None, content: str | None = None) -> str:
        span = self.rowspan if rowspan is None else rowspan
        attrs = self.attrs + (f' rowspan="{span}"' if span > 1 else "")
        return f"<{self.tag}{attrs}>{self.content if content is None else content}</{self.tag}>"


@dataclass
class Table:
    head: str  # from <table> to the first row: the column widths
    rows: list[list[Cell]]
    tail: str

    def heading(self, index: int) -> bool:
        """Whether a row holds labels only (the heading of what follows)."""
        cells = self.rows[index]
        return bool(cells) and all(c.label for c in cells)

    def html(self, rows: Sequence[Sequence[str]]) -> str:
        return self.head + "".join(f"\n<tr>{''.join(r)}</tr>" for r in rows) + "\n" + self.tail


def _span(attrs: str) -> tuple[str, int]:
    match = re.search(r'\s*rowspan="(\d+)"', attrs)
    if match is None:
        return attrs, 1
    return attrs[:match.start()] + attrs[match.end():], max(1, int(match.group(1)))


def _colspan(attrs: str) -> int:
    match = re.search(r'colspan="(\d+)"', attrs)
    return max(1, int(match.group(1))) if match else 1


def parse(inner: str, head: str, tail: str) -> Table:
    """A table's rows and cells, each cell placed in the grid its spans make."""
    taken: set[tuple[int, int]] = set()
    rows: list[list[Cell]] = []
    first = _ROW.search(inner)
    head += inner[:first.start()] if first else inner
    for r, row in enumerate(_ROW.finditer(inner)):
        cells, col = [], 0
        for match in _CELL.finditer(row.group(1)):
            attrs, rowspan = _span(match.group(2))
            while (r, col) in taken:
                col += 1
            cell = Cell(match.group(1), attrs, match.group(3), r, col, rowspan)
            width = _colspan(attrs)
            taken |= {(r + i, col + j) for i in range(rowspan) for j in range(width)}
            cells.append(cell)
            col += width
        rows.append(cells)
    return Table(head, rows, tail)


def _readable(inner: str, table: Table) -> bool:
    """Whether the table's markup is read whole: every row and cell opened is one
    parsed, closed (a layout of the repository's own may leave end tags out, as HTML
    allows; such a table is neither cut nor changed, rather than lose a cell)."""
    return len(re.findall(r"<tr\b", inner)) == len(table.rows) and \
        len(re.findall(r"<t[dh]\b", inner)) == sum(map(len, table.rows))


def cells_with_widths(html: str, change: Callable[[str, float], str]) -> str:
    """The form's HTML with each label cell's content passed through `change`, with the
    share of the text width its columns take (from the table's `<colgroup>`; tables
    without one are left as they are)."""

    def table(match: re.Match[str]) -> str:
        widths = [float(w) for w in re.findall(r"<col\b[^>]*width:\s*([\d.]+)%",
                                                match.group(2))]
        if not widths:
            return match.group(0)
        parsed = parse(match.group(2), match.group(1), match.group(3))
        if not _readable(match.group(2), parsed):
            return match.group(0)
        cells = iter([c for row in parsed.rows for c in row])

        def cell(found: re.Match[str]) -> str:
            c = next(cells)
            if not c.label:
                return found.group(0)
            width = sum(widths[c.col:c.col + _colspan(c.attrs)]) / 100
            return f"<{found.group(1)}{found.group(2)}>{change(c.content, width)}</{found.group(1)}>"

        return _CELL.sub(cell, match.group(0))

    return _TABLE.sub(table, html)


def row_count(html: str) -> int:
    """The table rows of a form, in all its tables."""
    return sum(len(_ROW.findall(m.group(2))) for m in _TABLE.finditer(html))


def _clean_at(table: Table, at: int) -> bool:
    """Whether a page may end before row `at`: not after a heading row, nor after the
    first row of a section."""
    return not table.heading(at - 1) and not any(c.row == at - 1 and c.last >= at
                                                 for c in table.rows[at - 1])


def clean(table: Table, at: int, after: int) -> int:
    """Where a page should break in `table` that Typst broke before row `at`: moved up,
    not past row `after`, so that a group of rows under one label within a section (the
    rows of one 一级指标) starts a page rather than being cut, no heading row ends a page
    and no section leaves a single row at the foot of one."""
    crossing = [c for row in table.rows[:at] for c in row if c.last >= at and c.label]
    if crossing:
        outer = min(c.col for c in crossing)
        inner = [c.row for c in crossing if c.col > outer]
        if inner:
            at = max(after + 1, min(inner))
    while at - 1 > after and not _clean_at(table, at):
        at -= 1
    return at


def cut_table(table: Table, at: int) -> tuple[list[list[str]], list[list[str]]]:
    """The rows of `table` before row `at` and the rows of its continuation: the cells
    that span the cut are cut in two, and the section's heading row comes again."""
    crossing = [c for row in table.rows[:at] for c in row if c.last >= at]
    before = [[c.html(rowspan=min(c.rowspan, at - c.row)) for c in row]
              for row in table.rows[:at]]
    headings = [i for i in range(at) if table.heading(i)
                and any(c.row <= i for c in crossing)]
    first = table.rows[at] if at < len(table.rows) else []
    if not headings:
        carried = [replace(c, rowspan=c.last - at + 1, content=c.content if c.label else "")
                   for c in crossing]
        after = [[c.html() for c in sorted([*carried, *first], key=lambda c: c.col)]]
    else:  # the heading row again, with the labels that span it; then the row cut at
        h = headings[-1]
        repeated = [replace(c, rowspan=1) for c in table.rows[h] if c not in crossing]
        over = [replace(c, rowspan=c.last - at + 2, content=c.content if c.label else "")
                for c in crossing if c.row <= h]
        under = [replace(c, rowspan=c.last - at + 1, content=c.content if c.label else "")
                 for c in crossing if c.row > h]
        after = [[c.html() for c in sorted([*over, *repeated], key=lambda c: c.col)],
                 [c.html() for c in sorted([*under, *first], key=lambda c: c.col)]]
    after += [[c.html() for c in row] for row in table.rows[at + 1:]]
    return before, after


def cut(html: str, breaks: Sequence[int]) -> str:
    """The form's HTML with a new page and a continuation table before each row in
    `breaks` (indices over all its tables' rows, as Typst counted them), each moved up
    as `clean` says. A break before a table's first row becomes a new page before the
    table; one that cannot be moved up enough within its table takes the whole table to
    the next page (or, for the form's first table, is left to the page)."""
    found = list(_TABLE.finditer(html))
    tables = [parse(m.group(2), m.group(1), m.group(3)) for m in found]
    starts, total = [], 0
    for table in tables:
        starts.append(total)
        total += len(table.rows)
    wanted: dict[int, list[int]] = {}
    ahead: set[int] = set()  # tables that start a new page as a whole
    for index in sorted(set(breaks)):
        t = max(i for i, s in enumerate(starts) if s <= index) if starts else 0
        local = index - starts[t] if tables else 0
        if tables and local == 0 and t > 0:  # between tables: in every format alike
            previous_end = found[t - 1].end()
            if CONTINUED not in html[previous_end:found[t].start()]:
                ahead.add(t)
        elif tables and 0 < local < len(tables[t].rows) and _readable(found[t].group(2),
                                                                        tables[t]):
            previous = wanted.get(t, [0])[-1]
            at = clean(tables[t], local, previous)
            if not _clean_at(tables[t], at):  # the table's own heading: the table moves
                if previous == 0 and t > 0:
                    ahead.add(t)
            elif at > previous:
                wanted.setdefault(t, []).append(at)
    out, last = [], 0
    for t, match in enumerate(found):
        out.append(html[last:match.start()])
        if t in ahead:
            out.append(f"{CONTINUED}\n")
        out.append(_cut_all(tables[t], wanted[t]) if t in wanted else match.group(0))
        last = match.end()
    out.append(html[last:])
    return "".join(out)


def _cut_all(table: Table, cuts: Sequence[int]) -> str:
    """The table cut before each row of `cuts`, last cut first."""
    pieces: list[list[list[str]]] = []
    current = table
    for at in sorted(cuts, reverse=True):
        before, after = cut_table(current, at)
        pieces.insert(0, after)
        current = parse("".join(f"<tr>{''.join(r)}</tr>" for r in before), table.head,
                        table.tail)
    pieces.insert(0, [[c.html() for c in row] for row in current.rows])
    return f"\n{CONTINUED}\n".join(table.html(rows) for rows in pieces)
