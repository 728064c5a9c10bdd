"""The DOCX's page footers: a form on more than one page prints its name and 第 n 页
共 m 页 at the foot of each, as the PDF does, so that a loose page can be put back. They
go in footers, not in the body, where an import would read them as part of a form.

A form's DOCX is one section with its own footer (`word/footer1.xml`), its pages counted
from 1; a unit's combined DOCX holds one section per form, each with its form's footer
(an empty one for a form on one page, which would otherwise show the footer before it).
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
_ID = "rIdPerfdeclFooter"
_SIZE = 18  # 9 pt, as in the PDF
_RUN = f'<w:r><w:rPr><w:sz w:val="{_SIZE}" /><w:szCs w:val="{_SIZE}" /></w:rPr>{{}}</w:r>'
_BREAK_LINE = '<w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact" />'


def _text(text: str) -> str:
    return _RUN.format(f'<w:t xml:space="preserve">{html.escape(text, quote=False)}</w:t>')


def footer(name: str, pages: int) -> bytes:
    """The footer of a form on `pages` pages: its name and 第 n 页 共 m 页 (n a PAGE
    field), centred; empty for a form on one page, as in the PDF."""
    line = ""
    if pages > 1:
        field = "".join(_RUN.format(part) for part in (
            '<w:fldChar w:fldCharType="begin" />',
            '<w:instrText xml:space="preserve"> PAGE </w:instrText>',
            '<w:fldChar w:fldCharType="separate" />'))
        line = (_text(f"{name}\u3000第 ") + field + _text("1")
                + _RUN.format('<w:fldChar w:fldCharType="end" />') + _text(f" 页 共 {pages} 页"))
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<w:ftr xmlns:w="{_W}" xmlns:r="{_R}"><w:p><w:pPr><w:jc w:val="center" />'
            f"</w:pPr>{line}</w:p></w:ftr>").encode()


def _section(section: str, number: int) -> str:
    """A section's properties with footer `number` and its pages counted from 1."""
    section = re.sub(r"<w:footerReference\b[^>]*/>|<w:pgNumType\b[^>]*/>", "", section)
    section = re.sub(r"(<w:sectPr\b[^>]*>)", rf'\1<w:footerReference w:type="default" '
                     rf'r:id="{_ID}{number}" />', section, count=1)
    return re.sub(r"(<w:pgMar\b[^>]*/>)", r'\1<w:pgNumType w:start="1" />', section, count=1)


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
    document = re.sub(r"<w:sectPr\b.*?</w:sectPr>", lambda m: _section(m.group(0), 1),
                      document, flags=re.S)
    return {**_package(parts, [footer(name, pages)]), "word/document.xml": document.encode()}


def combined(parts: dict[str, bytes], head: str, forms: Sequence[tuple[str, str, bytes]]
             ) -> dict[str, bytes]:
    """The changed parts of a unit's DOCX made of `forms` (body, final section, footer
    of each, in order): each form a section of its own, from a new page."""
    out, count = [head], len(forms)
    for i, (body, section, _footer) in enumerate(forms, start=1):
        out.append(body)
        if i < count:  # a section ends with the paragraph that holds its properties
            out.append(f"<w:p><w:pPr>{_BREAK_LINE}{_section(section, i)}</w:pPr></w:p>")
        else:
            out.append(_section(section, i))
    document = "".join(out) + "</w:body></w:document>"
    return {**_package(parts, [f for _b, _s, f in forms]), "word/document.xml": document.encode()}
