"""Chinese fonts for the PDF: found on the system (or in --font-path folders) by Typst.

Serif faces first, as the paper forms are set in 宋体; a sans face only when no serif
one is installed.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path

from .converters import missing
from .errors import PerfdeclError
from .i18n import _

try:
    import typst
except ModuleNotFoundError as error:  # perfdecl's `build` extra
    raise missing(error) from None

CJK_FAMILIES = (
    "Noto Serif CJK SC",  # Debian/Ubuntu: fonts-noto-cjk
    "Source Han Serif SC",
    "SimSun",  # Windows
    "NSimSun",
    "Songti SC",  # macOS
    "STSong",
    "AR PL UMing CN",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
)


class FontError(PerfdeclError):
    """Raised when no Chinese font can be found for the PDF."""


@functools.cache
def loaded(font_paths: tuple[str, ...], system: bool) -> typst.Fonts:
    """The fonts Typst finds in `font_paths` (and on the system), loaded once per
    process: loading them takes a tenth of a second, and a process (the watch, the
    tests) may build many times; a Typst compiler given them is made in a millisecond."""
    return typst.Fonts(font_paths=list(font_paths), include_system_fonts=system)


def _families(font_paths: tuple[str, ...], system: bool) -> frozenset[str]:
    return frozenset(loaded(font_paths, system).families())


def cjk_fonts(font_paths: Sequence[Path] = (), *, system: bool = True) -> list[str]:
    """The Chinese font families Typst can use, best first; FontError when there is none.
    Without `system`, only the fonts in `font_paths` count (a build that is the same on
    every machine that has those folders)."""
    for folder in font_paths:
        if not folder.is_dir():
            raise FontError(_("--font-path {folder}: not a folder").format(folder=folder))
    available = _families(tuple(str(p) for p in font_paths), system)
    found = [f for f in CJK_FAMILIES if f in available]
    if not found and not system:  # the system's fonts were left out on purpose
        installed = [f for f in CJK_FAMILIES if f in _families((), True)]
        raise FontError(_(
            "no Chinese font for the PDF in the --font-path folders ({folders}), and "
            "--no-system-fonts leaves out the system's ({installed}). Add a folder with a "
            "Chinese font (.ttf/.otf/.ttc) with --font-path, or build without "
            "--no-system-fonts.").format(
            folders=", ".join(map(str, font_paths)) or _("none given"),
            installed=", ".join(installed) or _("none installed")))
    if not found:
        raise FontError(_(
            "no Chinese font found for the PDF. Install one: on Debian/Ubuntu "
            "`apt-get install fonts-noto-cjk`; on Windows and macOS 宋体 (SimSun, Songti SC) "
            "is already there. Or pass --font-path DIR with a folder of .ttf/.otf/.ttc fonts."))
    return found
