"""The straightforward pipeline perfdecl is measured against: for each declaration,
render its HTML, call pandoc once for DOCX and once for Typst, and compile the PDF with
a fresh `typst.compile` — what a script written in an afternoon would do.

    python benchmarks/baseline.py DECLARATIONS OUT
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import pypandoc
import typst

from perfdecl import export, fonts, typeset
from perfdecl.check import check
from perfdecl.config import load_config
from perfdecl.render import Renderer


def main(source: Path, out: Path) -> None:
    declarations = check([source]).declarations
    units = defaultdict(list)
    for d in declarations:
        units[(d.fiscal_year, d.unit_id)].append(d)
    renderer = Renderer(load_config())
    reference = str(export.reference_docx())
    families = fonts.cjk_fonts()
    for d in declarations:
        folder = out / str(d.fiscal_year) / d.unit_id
        folder.mkdir(parents=True, exist_ok=True)
        html = renderer.render(d, units[(d.fiscal_year, d.unit_id)])
        (folder / f"{d.id}.html").write_text(html, encoding="utf-8")
        pypandoc.convert_text(html, "docx", format="html", outputfile=str(folder / f"{d.id}.docx"),
                              extra_args=["--reference-doc", reference])
        body = pypandoc.convert_text(html, "typst", format="html")
        source_text = typeset.preamble(d.name.value, families) + body
        (folder / f"{d.id}.pdf").write_bytes(typst.compile(source_text.encode("utf-8")))


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
