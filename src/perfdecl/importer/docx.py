"""A DOCX → rows of cells, through python-docx (after safety.inspect has passed it).

The body is walked in order: paragraphs become one-cell rows, table rows keep their
cells with the grid columns they start at (gridBefore, gridSpan) and vertical merges
(vMerge) resolved to the same cell object. Text is what Word shows: runs, tabs as
spaces, line breaks as new lines, symbols from the Wingdings fonts that forms use for
tick boxes as their Unicode characters; deleted text of tracked changes and field codes
are left out. Content controls (w:sdt) are looked into.
"""

from __future__ import annotations

from typing import Any

from ..i18n import _
from .grid import WIDE, Cell, Part, Row
from .safety import MAX_ROWS, Container, ImportRefused

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

MAX_TABLE_ROWS = 5_000
"""Rows of one table: seed 000's nine forms stacked in one table would be 600."""
MAX_GRID_COLUMNS = 64
"""The grid columns whose widths are kept: a form has a dozen."""

# Wingdings / Wingdings 2 / Symbol code points that forms use for boxes and ticks.
_SYMBOLS = {
    ("wingdings 2", 0x52): "☑", ("wingdings 2", 0x54): "☒", ("wingdings 2", 0xA3): "□",
    ("wingdings 2", 0x2A): "□", ("wingdings 2", 0x50): "√", ("wingdings 2", 0x51): "×",
    ("wingdings 2", 0x4F): "×", ("wingdings 2", 0x99): "□", ("wingdings 2", 0xA2): "□",
    ("wingdings", 0xFE): "☑", ("wingdings", 0xFD): "☒", ("wingdings", 0xA8): "□",
    ("wingdings", 0x6F): "□", ("wingdings", 0x71): "□", ("wingdings", 0xFC): "√",
    ("wingdings", 0xFB): "×", ("symbol", 0xD6): "√",
}


def read(container: Container) -> Part:
    """The rows of a DOCX, in the order Word shows them."""
    import docx  # python-docx
    from docx.opc.exceptions import PackageNotFoundError

    path = container.path
    try:
        document = docx.Document(container.open())
    except PackageNotFoundError:
        raise ImportRefused(_("{path}: not a Word document").format(path=path)) from None
    except (ValueError, KeyError, AttributeError, TypeError) as exc:
        raise ImportRefused(_("{path}: cannot read it as a Word document: {error}")
                            .format(path=path, error=exc)) from None
    except Exception as exc:  # lxml's XMLSyntaxError and friends
        raise ImportRefused(_("{path}: cannot read it as a Word document: {error}").format(
            path=path, error=f"{type(exc).__name__}: {exc}")) from None
    part = Part(path.name)
    reader = _Reader(part)
    reader.blocks(document.element.body)
    return part


class _Reader:
    def __init__(self, part: Part) -> None:
        self.part = part
        self.tables = 0
        self.paragraphs = 0
        self.rows = 0

    def blocks(self, parent: Any) -> None:
        for child in parent.iterchildren():
            tag = child.tag
            if tag == f"{W}p":
                self.paragraph(child)
            elif tag == f"{W}tbl":
                self.table(child)
            elif tag in (f"{W}sdt", f"{W}customXml"):
                content = child.find(f"{W}sdtContent") if tag == f"{W}sdt" else child
                if content is not None:
                    self.blocks(content)

    def paragraph(self, p: Any) -> None:
        self.paragraphs += 1
        text = paragraph_text(p)
        index = len(self.part.rows)
        cell = Cell(text, 0, WIDE, index)
        where = _("paragraph {number}").format(number=self.paragraphs)
        self.part.rows.append(Row([cell], None, index, where))

    def table(self, tbl: Any) -> None:
        self.tables += 1
        number = self.tables
        trs = [tr for tr in _children(tbl, "tr")]
        if len(trs) > MAX_TABLE_ROWS:
            raise ImportRefused(_("table {number} has {rows} rows; a form has about 60 "
                                  "(at most {limit} are read)").format(
                number=number, rows=f"{len(trs):,}", limit=f"{MAX_TABLE_ROWS:,}"))
        self.rows += len(trs)
        if self.rows > MAX_ROWS:
            raise ImportRefused(_("more than {limit} table rows; a form has about 60")
                                .format(limit=f"{MAX_ROWS:,}"))
        grid = tbl.find(f"{W}tblGrid")
        if grid is not None:
            self.part.widths[number] = [_twips(col) for col in
                                        _children(grid, "gridCol")][:MAX_GRID_COLUMNS]
        above: dict[int, Cell] = {}  # grid column → the cell that may continue down
        row_label = _("table {table}, row {row}")  # (where a value was read)
        for r, tr in enumerate(trs, start=1):
            index = len(self.part.rows)
            col = _int(tr.find(f"{W}trPr/{W}gridBefore"), 0)
            cells: list[Cell] = []
            hidden: list[Cell] = []
            current: dict[int, Cell] = {}
            for tc in _children(tr, "tc"):
                pr = tc.find(f"{W}tcPr")
                span = max(1, _int(pr.find(f"{W}gridSpan") if pr is not None else None, 1))
                vmerge = pr.find(f"{W}vMerge") if pr is not None else None
                hmerge = pr.find(f"{W}hMerge") if pr is not None else None
                if hmerge is not None and hmerge.get(f"{W}val") != "restart" and cells:
                    cells[-1].span += span  # the legacy horizontal merge
                    self.hide(tc, col, span, index, hidden)
                    col += span
                    continue
                continued = vmerge is not None and vmerge.get(f"{W}val") != "restart"
                if continued and col in above:
                    cell = above[col]
                    cell.rows += 1
                    self.hide(tc, col, span, index, hidden)
                else:
                    cell = Cell(cell_text(tc), col, span, index)
                cells.append(cell)
                current[col] = cell
                col += span
            above = current
            self.part.rows.append(Row(cells, number, index,
                                      row_label.format(table=number, row=r), hidden))

    @staticmethod
    def hide(tc: Any, col: int, span: int, index: int, hidden: list[Cell]) -> None:
        """The text of a cell merged into another: Word shows only the first cell's."""
        text = cell_text(tc)
        if text.strip():
            hidden.append(Cell(text, col, span, index))


def _children(parent: Any, name: str) -> list[Any]:
    """The w:`name` children, looking through content controls and custom XML."""
    out = []
    for child in parent.iterchildren():
        if child.tag == f"{W}{name}":
            out.append(child)
        elif child.tag == f"{W}sdt":
            content = child.find(f"{W}sdtContent")
            if content is not None:
                out.extend(_children(content, name))
        elif child.tag == f"{W}customXml":
            out.extend(_children(child, name))
    return out


def _twips(col: Any) -> float:
    """A grid column's width (w:w, in twips); 0 when it is not a plain number."""
    raw = col.get(f"{W}w", "")
    return float(raw) if raw.isdigit() and len(raw) < 7 else 0.0


def _int(element: Any, default: int) -> int:
    if element is None:
        return default
    try:
        return int(element.get(f"{W}val", default))
    except ValueError:
        return default


def cell_text(tc: Any) -> str:
    """A cell's text: its paragraphs (and those of tables nested in it), one a line."""
    lines = [paragraph_text(p) for p in tc.iter(f"{W}p")]
    return "\n".join(lines).strip("\n")


def paragraph_text(p: Any) -> str:
    out: list[str] = []
    for el in p.iter():
        tag = el.tag
        if tag == f"{W}t":
            out.append(el.text or "")
        elif tag == f"{W}tab":
            out.append(" ")
        elif tag in (f"{W}br", f"{W}cr"):
            if el.get(f"{W}type") in (None, "textWrapping"):
                out.append("\n")
        elif tag == f"{W}noBreakHyphen":
            out.append("-")
        elif tag == f"{W}sym":
            out.append(_symbol(el))
    return "".join(out)


def _symbol(el: Any) -> str:
    font = (el.get(f"{W}font") or "").lower()
    try:
        code = int(el.get(f"{W}char") or "", 16)
    except ValueError:
        return ""
    if code >= 0xF000:
        code -= 0xF000
    return _SYMBOLS.get((font, code), "")
