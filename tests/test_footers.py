"""A unit's DOCX: its contents page gives each form's first page, and each page's
footer says which form and page it is, whatever the forms' number, pages and cuts."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from perfdecl import footers

_PARTS = {"word/_rels/document.xml.rels": b"<Relationships></Relationships>",
          "[Content_Types].xml": b"<Types></Types>"}
_HEAD = "<w:document><w:body>"
_SECTION = '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1021"/></w:sectPr>'
_BREAK = ('<w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact" />'
          '</w:pPr><w:r><w:br w:type="page"/></w:r></w:p>')  # forms.lua's `continued`


def _words(xml: str) -> str:
    return "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", xml))


def _form(number: int, pages: int, cut: bool) -> footers.Part:
    """A form of `pages` pages, whose body says where each page starts when it was cut
    at its pages (continuation.py), else not."""
    texts = [f"<w:p><w:r><w:t>form {number} page {n}</w:t></w:r></w:p>"
             for n in range(1, pages + 1)]
    body = _BREAK.join(texts) if cut else "".join(texts)
    return footers.Part(f"表{number}", f"表{number}（项目支出绩效目标申报表）", body, _SECTION,
                        pages)


forms = st.lists(st.tuples(st.integers(1, 4), st.booleans()), min_size=1, max_size=6)


@given(forms)
def test_each_page_of_a_unit_s_docx_is_footed_with_its_form_and_number(
        shapes: list[tuple[int, bool]]) -> None:
    parts = [_form(i, pages, cut) for i, (pages, cut) in enumerate(shapes, start=1)]
    changed = footers.combined(_PARTS, _HEAD, "某单位 2024年度绩效目标申报表", parts)
    document = changed["word/document.xml"].decode("utf-8")
    sections = re.findall(r"<w:sectPr\b.*?</w:sectPr>", document, re.S)
    feet = [_words(changed[f"word/footer{i}.xml"].decode("utf-8"))
            for i in range(1, len(sections) + 1) if f"word/footer{i}.xml" in changed]
    # nothing of a form is lost, nor put out of order
    order = [f"form {i} page {n}" for i, (pages, _cut) in enumerate(shapes, start=1)
             for n in range(1, pages + 1)]
    assert re.findall(r"form \d+ page \d+", _words(document)) == order
    if len(parts) == 1:  # a unit of one form: the form's DOCX, with no contents
        assert "目" not in _words(document)
        assert len(sections) == len(feet) == 1 and 'w:start="1"' in sections[0]
        assert feet[0] == _words(footers.footer(parts[0].name, parts[0].pages).decode())
        return
    # the contents: each form's entry and first page, the pages counted from the first form
    firsts, page = [], 1
    for pages, _cut in shapes:
        firsts.append(page)
        page += pages
    entries = re.findall(r'<w:pStyle w:val="BodyText" />.*?</w:p>', document)
    assert [re.findall(r"<w:t[^>]*>([^<]*)</w:t>", e) for e in entries] == [
        [str(i), p.entry, str(first)] for i, (p, first) in
        enumerate(zip(parts, firsts, strict=True), 1)]
    assert "footerReference" not in sections[0] and 'w:start="1"' in sections[1]
    # a footer per page of a form known apart, one for a form that is not
    expected = []
    for part, (pages, cut) in zip(parts, shapes, strict=True):
        if pages == 1:
            expected.append("")
        elif cut:
            expected += [f"{part.name}\u3000第 {n} 页 共 {pages} 页" for n in range(1, pages + 1)]
        else:
            expected.append(f"{part.name}\u3000共 {pages} 页")
    assert [f.removesuffix("— 1 —") for f in feet] == expected
    assert all(f.endswith("— 1 —") for f in feet)  # the page's number: a PAGE field
    assert len(sections) == len(expected) + 1
    assert _BREAK not in document  # a cut form's page breaks are section breaks now
