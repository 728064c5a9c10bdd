"""Pages: how a form is fitted on A4, decided once and carried into every format.

A form whose tables fit on one page at a legible size prints on one page: its tables are
set smaller and tighter, level by level (FITS), down to 9 pt, before the form is allowed
to break. Three engines (Typst, Word or LibreOffice, a browser) guessing separately would
not agree, so the choice is made where the page geometry is known, in the Typst
compile (`perfdecl-form` measures the form at each level), read back by a query, and
carried into the DOCX (table text size and cell margins) and the HTML (a class its print
style sheet sizes by). The DOCX is set no taller than the PDF, so that what fits one
page in the PDF fits one page in Word and LibreOffice too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import unescape


@dataclass(frozen=True)
class Fit:
    """One level of fitting: the tables' text size and the cells' top and bottom padding,
    in points."""

    size: float
    padding: float


FITS = (Fit(10, 3), Fit(9.5, 2.5), Fit(9, 2), Fit(9, 1.5))
"""From the normal setting (level 0) to the tightest; 9 pt is the floor a form is read at."""


@dataclass(frozen=True)
class Line:
    """The height of a line of text, in ems, the same in every format. Typst sets a line
    from `top` above the baseline to `bottom` below it, lines `leading` apart; Word and
    LibreOffice set lines an exact `pitch` apart (their own single spacing follows each
    font's metrics, which differ from font to font and from Typst's)."""

    top: float = 0.9
    bottom: float = 0.25
    leading: float = 0.1

    @property
    def pitch(self) -> float:
        return self.top + self.bottom + self.leading

    def twips(self, size: float) -> int:
        """The DOCX line spacing (exact, in twentieths of a point) at `size` points."""
        return round(self.pitch * size * 20)

    def after(self, size: float, spacing: float) -> int:
        """The DOCX space after a paragraph at `size` points that Typst sets `spacing`
        ems from the next, in twips: the DOCX's last line holds the leading already."""
        return round((spacing - self.leading) * size * 20)


LINE = Line()

SLACK_PT = 12
"""What a form must leave free at the foot of its page to count as fitting it: the DOCX
sets each line a little apart from where Typst does, never by more than this on a page."""

BORDER_PT = 0.5
"""The width of the tables' rules, in every format."""

CELL_SIDE_PT = 4
"""A cell's left and right padding, in every format."""

PAGE_MARGIN_CM = (2.0, 1.8)
"""The A4 page's side and top/bottom margins, the same in every format."""

TEXT_WIDTH_PT = (21.0 - 2 * PAGE_MARGIN_CM[0]) / 2.54 * 72
"""The width of the page's text (and tables), in points."""


CONTENTS = "目\u3000录"
"""The heading of a unit's contents page."""


def _pt(value: float) -> str:
    return f"{value:g}pt"


def typst_definitions(ends: bool = True, rows: bool = False) -> str:
    """The Typst functions a form is set with: `perfdecl-form(title, fit: …)[body]`
    marks where the form starts (for the footer), picks the first level at which its
    body fits the page when `fit` is auto (recording the choice, and whether it fits at
    all, as `<form-fit>` metadata; in a document of that one form), sets the body at
    that level, and marks the page it
    ends on (`<form-end>`, when `ends`: the footer and the pages' queries read it).
    `perfdecl-row(n, text)`, at the start of each table row, marks the row's page
    (`<row>`) when `rows` is asked for. A mark that says its page makes Typst lay the
    whole document out again, so each is made only where it is read."""
    fits = ", ".join(f"({_pt(f.size)}, {_pt(f.padding)})" for f in FITS)
    _side, top = PAGE_MARGIN_CM
    row = ("context [#metadata((row: row, page: here().page(), text: text)) <row>]"
           if rows else "none")
    end = "[#context [#metadata(here().page()) <form-end>]]" if ends else "none"
    return f"""#let perfdecl-row(row, text) = {row}
#let perfdecl-fits = ({fits},)
#let perfdecl-styled(fit, body) = {{
  let (size, padding) = perfdecl-fits.at(fit)
  show table: set text(size: size)
  set table(inset: (x: {_pt(CELL_SIDE_PT)}, y: padding))
  body
}}
#let perfdecl-form(title, fit: auto, pages: auto, body) = {{
  [#metadata(title) <form-start>]
  if fit == auto {{
    // The level is chosen from Typst's previous layout pass (a query sees the pass
    // before): the level the body was set at and what was learnt (<form-level>), and
    // where a mark after the body (<form-probe>) stood: on the first page with
    // SLACK_PT to spare, or not. The first pass sets the normal level; a form that fits
    // there, as most do, keeps it, and the pass that checks it finds its layout made (a
    // measure would lay it out twice). One that does not is tried at the tightest level
    // (`probe`): if it fits at none, it is set at the normal level on several pages
    // (-1); else the levels between are tried in turn, up to the tightest (`best`). A
    // form more than twice the page's room fits at none (the tightest level sets a
    // table at least 0.7 times as tall as the normal one: 9 pt against 10 pt, less
    // padding). Typst lays a document out at most five times, which is enough: the last
    // pass is of a level known to fit, or of none. (For a document of one form: `fit:
    // auto` reads the first marks.)
    context {{
      let last = perfdecl-fits.len() - 1
      let tried = query(<form-level>)
      let probes = query(<form-probe>)
      let state = if tried.len() == 0 or probes.len() == 0 {{
        (level: 0, probe: false, best: none)
      }} else {{
        let was = tried.first().value
        let at = probes.first().location().position()
        let fits = at.page == 1 and at.y <= page.height - {top}cm - {SLACK_PT}pt
        if was.level < 0 or (fits and not was.probe) {{ was }}
        else if fits and last > 1 {{ (level: 1, probe: false, best: last) }}
        else if fits {{ (level: last, probe: false, best: none) }}
        else if was.probe or (was.level == 0 and at.page > 2) {{
          (level: -1, probe: false, best: none) }}
        else if was.level == 0 {{ (level: last, probe: true, best: none) }}
        else if was.level + 1 == was.best {{ (level: was.best, probe: false, best: none) }}
        else {{ (level: was.level + 1, probe: false, best: was.best) }}
      }}
      let level = calc.max(state.level, 0)
      [#metadata(state) <form-level>]
      [#metadata((level: level, fits: state.level >= 0)) <form-fit>]
      perfdecl-styled(level, body)
      [#metadata(none) <form-probe>]
    }}
  }} else {{
    perfdecl-styled(fit, body)
  }}
  {end}
}}
#let perfdecl-contents(title, entries) = {{
  heading(level: 1, outlined: false, bookmarked: false, title)
  align(center, text(size: 14pt, {typst_string(CONTENTS)}))
  v(6pt)
  context for (i, start) in query(<form-start>).enumerate() {{
    let first = counter(page).at(start.location()).first()
    block(above: 0.9em, link(start.location(), grid(columns: (2em, 1fr, auto),
      column-gutter: 0.4em, [#(i + 1)], [#entries.at(i, default: start.value) #box(
        width: 1fr, repeat[·])],
      [#first])))
  }}
  [#metadata(none) <contents-end>]
  pagebreak()
  counter(page).update(1)
}}
"""


def contents_entry(name: str, html: str) -> str:
    """A form's line in its unit's contents: its name, and the title it prints (its
    h1: 项目支出绩效目标申报表 …) unless the name is a title already (…汇总表)."""
    if name.endswith("表"):
        return name
    match = re.search(r"<h1\b[^>]*>(.*?)</h1>", html, re.S)
    title = "".join(unescape(re.sub(r"<[^>]*>", "", match.group(1))).split()) if match else ""
    return f"{name}（{title}）" if title else name


def typst_contents(title: str, entries: Sequence[str]) -> str:
    """What comes before a unit's forms in its document: a contents page with each
    form's entry and first page, the pages counted from the first form, as the footer
    numbers them; nothing for a unit of one form."""
    if len(entries) < 2:
        return ""
    listed = "".join(f"{typst_string(e)}, " for e in entries)
    return f"#perfdecl-contents({typst_string(title)}, ({listed}))\n"


def typst_form(title: str, body: str, fit: int | None = None, pages: int | None = None) -> str:
    """A form's Typst body, set at level `fit` (None: the first level that fits), and
    the number of pages it takes (when known: the DOCX's footer prints it)."""
    chosen = "auto" if fit is None else str(fit)
    count = "auto" if pages is None else str(pages)
    return f"#perfdecl-form({typst_string(title)}, fit: {chosen}, pages: {count})[\n{body}\n]\n"


_FITTED = re.compile(r"\A#perfdecl-form\(.*?, fit: (\d+), pages: (\d+|auto)\)\[", re.S)


def pages_of(form: str) -> int | None:
    """The pages a fitted form's Typst (typst_form with its pages) takes."""
    match = _FITTED.match(form)
    if match is None:
        raise ValueError(form[:80])
    return None if match.group(2) == "auto" else int(match.group(2))


def fit_of(form: str) -> int:
    """The level a fitted form's Typst (typst_form with a fit) was set at."""
    match = _FITTED.match(form)
    if match is None:
        raise ValueError(form[:80])
    return int(match.group(1))


def typst_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


# ------------------------------------------------------------------------------ DOCX

def _cell_padding(level: Fit) -> float:
    """A cell's top and bottom padding in the DOCX and the HTML, in points. Typst's
    first and last lines end at LINE's `top` and `bottom`, inside the pitch, and its
    borders lie on the cells' edges, where Word's, LibreOffice's and a browser's add to
    a row's height: their cells give back both, so that they are never the taller."""
    return max(0.0, level.padding - (LINE.leading * level.size) / 2 - BORDER_PT / 2)


def _twips(points: float) -> int:
    return round(points * 20)


def docx_fitted(document: bytes, fit: int) -> bytes:
    """word/document.xml with its tables set at level `fit`: the text of every table
    paragraph at the level's size (a run's own size, as pandoc writes none), and the
    cells' top and bottom margins at the level's padding. Outside tables nothing
    changes, as in the PDF."""
    level = FITS[fit]
    half_points = str(round(level.size * 2)).encode()
    size = b'<w:sz w:val="' + half_points + b'" /><w:szCs w:val="' + half_points + b'" />'
    padding = _cell_padding(level)
    margins = (f'<w:tblCellMar><w:top w:w="{_twips(padding)}" w:type="dxa" />'
               f'<w:left w:w="{_twips(CELL_SIDE_PT)}" w:type="dxa" />'
               f'<w:bottom w:w="{_twips(padding)}" w:type="dxa" />'
               f'<w:right w:w="{_twips(CELL_SIDE_PT)}" w:type="dxa" /></w:tblCellMar>'
               ).encode()
    spacing = f'<w:spacing w:before="0" w:after="0" w:line="{LINE.twips(level.size)}" ' \
        'w:lineRule="exact" />'

    def table(match: re.Match[bytes]) -> bytes:
        xml = match.group(0)
        xml = re.sub(rb"(<w:tblPr>.*?)(<w:tblLook\b|</w:tblPr>)",
                     lambda m: m.group(1) + margins + m.group(2), xml, count=1, flags=re.S)
        xml = re.sub(rb"<w:pPr>(.*?)</w:pPr>", lambda m: b"<w:pPr>" + _spaced(
            m.group(1), spacing.encode()) + b"</w:pPr>", xml, flags=re.S)
        xml = re.sub(rb"<w:r>(?!<w:rPr>)", b"<w:r><w:rPr>" + size + b"</w:rPr>", xml)
        return re.sub(rb"<w:r><w:rPr>(.*?)</w:rPr>", lambda m: b"<w:r><w:rPr>" + _sized(
            m.group(1), size) + b"</w:rPr>", xml, flags=re.S)

    return re.sub(rb"<w:tbl>.*?</w:tbl>", table, document, flags=re.S)


_AFTER_SPACING = re.compile(rb"<w:(?:ind|contextualSpacing|mirrorIndents|suppressOverlap|jc|"
                            rb"textDirection|textAlignment|textboxTightWrap|outlineLvl|divId|"
                            rb"cnfStyle|rPr|sectPr|pPrChange)\b")


def _spaced(properties: bytes, spacing: bytes) -> bytes:
    """A paragraph's properties with `spacing` in the place the schema gives it."""
    properties = re.sub(rb"<w:spacing [^>]*/>", b"", properties)
    after = _AFTER_SPACING.search(properties)
    at = after.start() if after else len(properties)
    return properties[:at] + spacing + properties[at:]


_AFTER_SIZE = re.compile(rb"<w:(?:highlight|u|effect|bdr|shd|fitText|vertAlign|rtl|cs|em|"
                         rb"lang|eastAsianLayout|specVanish|oMath)\b")


def _sized(properties: bytes, size: bytes) -> bytes:
    """A run's properties with `size` in the place the schema gives it (after the
    colour and spacing, before underline, vertical alignment and language)."""
    properties = re.sub(rb"<w:szCs? [^>]*/>", b"", properties)
    after = _AFTER_SIZE.search(properties)
    at = after.start() if after else len(properties)
    return properties[:at] + size + properties[at:]


# ------------------------------------------------------------------------------ HTML

def html_fitted(html: str, fit: int, footer: tuple[str, int] | None = None) -> str:
    """The form's HTML set as the PDF sets it when printed: its body marked with its
    level (`fit-N`), which a print style sheet added to its head (print_css) sets the
    tables' text, cells and lines by; a form on more than one page (`footer`: its name
    and pages) prints its name and 第 n 页 共 m 页 at the foot of each, as in the PDF. On
    screen it is as it was."""
    at = html.find("</head>")
    if at >= 0:
        html = html[:at] + f"<style>\n{print_css()}{_page_footer(footer)}</style>\n" + html[at:]
    start = html.find("<body>")
    end = html.rfind("</body>")
    if start < 0 or end < start:
        return html
    start += len("<body>")
    return f'{html[:start]}\n<div class="fit-{fit}">{html[start:end]}</div>\n{html[end:]}'


def _page_footer(footer: tuple[str, int] | None) -> str:
    if footer is None or footer[1] < 2:
        return ""
    # the name is the declaration's text: every ASCII sign in it escaped, so that it is
    # text in the CSS string whatever it holds (quotes, backslashes, </style>)
    name = "".join(f"\\{ord(c):x} " if ord(c) < 128 and not c.isalnum() else c
                   for c in footer[0])
    return ("@page { @bottom-center { font-size: 9pt; font-family: inherit; "
            f'content: "{name}\u3000第 " counter(page) " 页 共 " counter(pages) " 页"; }} }}\n')


def print_css() -> str:
    """The print style of every level, scoped by class, so that forms of several levels
    printed together (a unit's forms in one document) each keep their own. Lines are set
    LINE.pitch apart and cells padded as in the DOCX, never taller than in the PDF."""
    rules = [f"body {{ line-height: {LINE.pitch:g}; }}",
             f"p {{ margin: 0 0 {0.5 - LINE.leading:g}em; }}",
             f"h1 {{ line-height: {LINE.pitch:g}; margin: 6pt 0 {12 - LINE.leading * 16:g}pt; }}",
             "table { margin: 0; }"]
    for i, level in enumerate(FITS):
        padding = _cell_padding(level)
        rules.append(f".fit-{i} td, .fit-{i} th {{ font-size: {_pt(level.size)}; "
                     f"line-height: {LINE.pitch:g}; padding: {_pt(padding)} "
                     f"{_pt(CELL_SIDE_PT)}; }}")
        rules.append(f".fit-{i} td p, .fit-{i} th p {{ margin: 0; }}")
    return "@media print {\n" + "\n".join(f"  {r}" for r in rules) + "\n}\n"
