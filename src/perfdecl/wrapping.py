"""Labels that wrap as on paper: a label too long for its column is broken into lines of
even length (年度主/要任务), never leaving one character alone on its last line (年度主要任/务).

The column widths are the form's own (its `<colgroup>`), the text width and cell padding
the page's (pages.py), and the size the tables' normal one: a form set smaller only
gets more room, so a label broken here still never leaves one character.
"""

from __future__ import annotations

import math
import re

from .continuation import cells_with_widths
from .pages import CELL_SIDE_PT, FITS, TEXT_WIDTH_PT

_CJK = re.compile(r"[\u3400-\u9fff（）、：，；]+")


def balanced(text: str, per_line: int) -> str:
    """`text` in lines of at most `per_line` characters and of even length, joined by
    `<br>`; as it was when it fits one line, or when a column holds fewer than three
    characters (a vertical label is set a character a line on purpose, and two a line
    cannot always avoid one alone)."""
    n = len(text)
    if per_line < 3 or n <= per_line or n % per_line != 1:
        return text
    lines = math.ceil(n / per_line)
    base, extra = divmod(n, lines)
    out, at = [], 0
    for i in range(lines):
        size = base + (1 if i < extra else 0)
        out.append(text[at:at + size])
        at += size
    return "<br>".join(out)


def balance_labels(html: str) -> str:
    """The form's HTML with every plain Chinese label that would wrap leaving one
    character broken evenly instead."""
    size = FITS[0].size

    def label(content: str, width: float) -> str:
        text = content.strip()
        if not _CJK.fullmatch(text):
            return content
        return balanced(text, math.floor((width * TEXT_WIDTH_PT - 2 * CELL_SIDE_PT) / size))

    return cells_with_widths(html, label)
