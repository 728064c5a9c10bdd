"""The DOCX's page footers, and a unit's contents page: a form on more than one page
prints its name and 第 n 页 共 m 页 at the foot of each, as the PDF does, so that a loose
page can be put back. They go in footers, not in the body, where an import would read
them as part of a form.

A form's DOCX is one section with its own footer (`word/footer1.xml`), its pages counted
from 1 by a PAGE field. A unit's DOCX opens with a contents page (each form's name and
first page), then holds one section per page of a form cut at its pages (continuation.py),
so that each page's footer says its page of the form in letters, and one for a form that
is not; under all of them, the page's number in the unit's document (a PAGE field counted
from the first form), as the PDF prints them.
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .pages import CONTENTS, TEXT_WIDTH_PT

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
_ID = "rIdPerfdeclFooter"
_SIZE = 18  # 9 pt, as in the PDF
_RUN = f'<w:r><w:rPr><w:sz w:val="{_SIZE}" /><w:szCs w:val="{_SIZE}" /></w:rPr>{{}}</w:r>'
_BREAK_LINE = '<w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact" />'


_WIDTH = round(TEXT_WIDTH_PT * 20)
"""The page's text width in twips: where a footer's right tab stop and the contents'
page numbers stand."""

CONTINUED = re.compile(r"<w:p><w:pPr>" + re.escape(_BREAK_LINE) +
                       r'</w:pPr><w:r><w:br w:type="page"/></w:r></w:p>')
"""The break between two pages of a form cut at its pages (forms.lua, `continued`)."""


def _text(text: str) -> str:
    return _RUN.format(f'<w:t xml:space="preserve">{html.escape(text, quote=False)}</w:t>')


def _page_field() -> str:
    """The number of the page it is on (a PAGE field, showing 1 until computed)."""
    return "".join(_RUN.format(part) for part in (
        '<w:fldChar w:fldCharType="begin" />',
        '<w:instrText xml:space="preserve"> PAGE </w:instrText>',
        '<w:fldChar w:fldCharType="separate" />')) + _text("1") + \
        _RUN.format('<w:fldChar w:fldCharType="end" />')


def _footer(properties: str, runs: str) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<w:ftr xmlns:w="{_W}" xmlns:r="{_R}"><w:p><w:pPr>{properties}</w:pPr>{runs}'
            f"</w:p></w:ftr>").encode()


def footer(name: str, pages: int) -> bytes:
    """The footer of a form on `pages` pages: its name and 第 n 页 共 m 页 (n a PAGE
    field), centred; empty for a form on one page, as in the PDF."""
    line = _text(f"{name}\u3000第 ") + _page_field() + _text(f" 页 共 {pages} 页") \
        if pages > 1 else ""
    return _footer('<w:jc w:val="center" />', line)


def unit_footer(name: str, page: int | None, pages: int) -> bytes:
    """The footer of page `page` (in letters; None when the form's pages are not known
    apart) of a form on `pages` pages in a unit's document: the form's line centred, as
    `footer`, and at the right the page's number in the document (a PAGE field)."""
    line = ""
    if pages > 1:
        line = _text(f"{name}\u3000第 {page} 页 共 {pages} 页" if page is not None
                     else f"{name}\u3000共 {pages} 页")
    tab = _RUN.format("<w:tab />")
    tabs = (f'<w:tabs><w:tab w:val="center" w:pos="{_WIDTH // 2}" />'
            f'<w:tab w:val="right" w:pos="{_WIDTH}" /></w:tabs>')
    return _footer(tabs, tab + line + tab + _text("— ") + _page_field() + _text(" —"))


def contents(title: str, entries: Sequence[str], firsts: Sequence[int]) -> str:
    """A unit's contents page (pages.typst_contents in the PDF): its title, then each
    form's entry and first page, with a dotted leader. Not a heading Word would list."""
    def run(text: str, size: int | None = None) -> str:
        sized = f'<w:rPr><w:sz w:val="{size}" /><w:szCs w:val="{size}" /></w:rPr>' if size else ""
        return f'<w:r>{sized}<w:t xml:space="preserve">{html.escape(text, quote=False)}</w:t></w:r>'

    tabs = (f'<w:tabs><w:tab w:val="left" w:pos="567" />'
            f'<w:tab w:val="right" w:leader="middleDot" w:pos="{_WIDTH}" /></w:tabs>')
    tab = "<w:r><w:tab /></w:r>"
    out = [f'<w:p><w:pPr><w:pStyle w:val="Heading1" /><w:outlineLvl w:val="9" /></w:pPr>'
           f"{run(title)}</w:p>",
           f'<w:p><w:pPr><w:pStyle w:val="Center" /></w:pPr>{run(CONTENTS, 28)}</w:p>']
    for number, (entry, first) in enumerate(zip(entries, firsts, strict=True), start=1):
        out.append(f'<w:p><w:pPr><w:pStyle w:val="BodyText" />{tabs}</w:pPr>{run(str(number))}'
                   f"{tab}{run(entry)}{tab}{run(str(first))}</w:p>")
    return "".join(out)


def _section(section: str, number: int | None, restart: bool) -> str:
    """A section's properties with footer `number` (None: none of its own) and, when
    `restart`, its pages counted from 1."""
    section = re.sub(r"<w:footerReference\b[^>]*/>|<w:pgNumType\b[^>]*/>", "", section)
    if number is not None:
        section = re.sub(r"(<w:sectPr\b[^>]*>)", rf'\1<w:footerReference w:type="default" '
                         rf'r:id="{_ID}{number}" />', section, count=1)
    if restart:
        section = re.sub(r"(<w:pgMar\b[^>]*/>)", r'\1<w:pgNumType w:start="1" />', section,
                         count=1)
    return section


def _package(parts: dict[str, bytes], footers: Sequence[bytes]) -> dict[str, bytes]:
    """The DOCX parts that change when it holds `footers` (footer1.xml, …): the
    relationships and content types that name them, and the footers themselves."""
    rels = re.sub(rb'<Relationship [^>]*Id="' + _ID.encode() + rb'\d+"[^>]*/>', b"",
                  parts["word/_rels/document.xml.rels"])
    types = re.sub(rb'<Override PartName="/word/footer\d+\.xml"[^>]*/>', b"",
                   parts["[Content_Types].xml"])
    listed = "".join(f'<Relationship Id="{_ID}{i}" Type="{_REL}" Target="footer{i}.xml" />'
                     for i in range(1, len(footers) + 1)).encode()
    overrides = "".join(f'<Override PartName="/word/footer{i}.xml" ContentType="{_TYPE}" />'
                        for i in range(1, len(footers) + 1)).encode()
    changed = {"word/_rels/document.xml.rels": rels.replace(b"</Relationships>",
                                                            listed + b"</Relationships>"),
               "[Content_Types].xml": types.replace(b"</Types>", overrides + b"</Types>")}
    changed.update({f"word/footer{i}.xml": f for i, f in enumerate(footers, start=1)})
    return changed


def single(parts: dict[str, bytes], document: str, name: str, pages: int) -> dict[str, bytes]:
    """The changed parts of a form's DOCX (word/document.xml among them) given its
    footer."""
    document = re.sub(r"<w:sectPr\b.*?</w:sectPr>", lambda m: _section(m.group(0), 1, True),
                      document, flags=re.S)
    return {**_package(parts, [footer(name, pages)]), "word/document.xml": document.encode()}


@dataclass(frozen=True)
class Part:
    """A form in a unit's document: its name, its entry in the contents, the body and
    final section properties of its DOCX, and the pages it takes (the PDF's)."""

    name: str
    entry: str
    body: str
    section: str
    pages: int


def combined(parts: dict[str, bytes], head: str, title: str, forms: Sequence[Part]
             ) -> dict[str, bytes]:
    """The changed parts of a unit's DOCX made of `forms`, in order: the contents page
    (for more than one form), then each form from a new page, each of its pages a
    section with its own footer when they are known apart, the pages numbered from the
    first form."""
    numbered = len(forms) > 1
    sections: list[tuple[str, str, bytes]] = []  # body, section properties, footer
    for form in forms:
        cut = CONTINUED.split(form.body)
        if not numbered:
            sections.append((form.body, form.section, footer(form.name, form.pages)))
        elif len(cut) == form.pages:
            sections += [(page, form.section, unit_footer(form.name, n, form.pages))
                         for n, page in enumerate(cut, start=1)]
        else:
            sections.append((form.body, form.section, unit_footer(form.name, None, form.pages)))
    out = [head]
    if numbered:
        firsts = list(itertools.accumulate([1, *(f.pages for f in forms[:-1])]))
        out += [contents(title, [f.entry for f in forms], firsts),
                f"<w:p><w:pPr>{_BREAK_LINE}{_section(forms[0].section, None, False)}"
                "</w:pPr></w:p>"]
    for i, (body, section, _footer_part) in enumerate(sections, start=1):
        out.append(body)
        properties = _section(section, i, restart=i == 1)
        # a section ends with the paragraph that holds its properties; the last, the body,
        # after a paragraph (LibreOffice gives a last section that is only a table the
        # footer of the section before it; Word wants a paragraph after a table)
        out.append(f"<w:p><w:pPr>{_BREAK_LINE}{properties}</w:pPr></w:p>"
                   if i < len(sections) else
                   f"<w:p><w:pPr>{_BREAK_LINE}</w:pPr></w:p>{properties}")
    document = "".join(out) + "</w:body></w:document>"
    return {**_package(parts, [f for _b, _s, f in sections]),
            "word/document.xml": document.encode()}
