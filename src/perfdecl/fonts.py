"""Chinese fonts for the PDF: found on the system (or in --font-path folders) by Typst.

Serif faces first, as the paper forms are set in 宋体; a sans face only when no serif
one is installed. Where Typst's own search of the system finds none, the folders each
platform keeps fonts in, for the whole machine and for one user (PLATFORM_FOLDERS), are
looked in too: a font a user installed for themselves is still found, and the message
that no font was found names the folders looked in.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath

from .converters import missing
from .errors import PerfdeclError
from .i18n import N_, _

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


ADVICE = {
    "win32": N_("Windows has 宋体 (SimSun) in its Fonts folder: install it again if it was "
                "removed"),
    "darwin": N_("macOS has 宋体 (Songti SC): add it in Font Book if it was removed"),
    "": N_("Install one: on Debian/Ubuntu `apt-get install fonts-noto-cjk`"),
}
"""What to do, by platform, when no Chinese font is found ("": Linux and the others)."""


class FontError(PerfdeclError):
    """Raised when no Chinese font can be found for the PDF."""


def platform_folders(platform: str = sys.platform, environ: Mapping[str, str] = os.environ,
                     home: PurePath | None = None) -> list[PurePath]:
    """The folders `platform` (sys.platform's names) keeps fonts in, the machine's and the
    user's, as that platform writes them: Windows' Fonts folder and the per-user one a font
    installed "for me" goes to; macOS's system, library and user folders (宋体 is Songti SC,
    in /System/Library/Fonts/Supplemental); on Linux and the BSDs the XDG data folders'
    `fonts` and ~/.fonts."""
    if platform == "win32":
        home = home or PureWindowsPath(environ.get("USERPROFILE", r"C:\Users\Default"))
        windows = PureWindowsPath(environ.get("WINDIR") or environ.get("SystemRoot")
                                  or r"C:\Windows")
        local = PureWindowsPath(environ.get("LOCALAPPDATA") or home / "AppData" / "Local")
        return [windows / "Fonts", local / "Microsoft" / "Windows" / "Fonts"]
    home = home or PurePosixPath(environ.get("HOME", "/"))
    if platform == "darwin":
        return [PurePosixPath("/System/Library/Fonts"), PurePosixPath("/Library/Fonts"),
                home / "Library" / "Fonts"]
    data_home = PurePosixPath(environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    data_dirs = [PurePosixPath(d) for d in
                 (environ.get("XDG_DATA_DIRS") or "/usr/local/share:/usr/share").split(":") if d]
    return [data_home / "fonts", home / ".fonts", *(d / "fonts" for d in data_dirs)]


def on_this_machine(folder: PurePath, root: Path | None = None) -> Path:
    """A platform folder as a path here: itself, or (`root`) inside a copy of a machine's
    file tree, as the tests lay one out for each platform."""
    if root is None:
        return Path(folder)
    return root.joinpath(*[part.rstrip(":\\/") for part in folder.parts if part.strip(":\\/")])


@functools.cache
def loaded(font_paths: tuple[str, ...], system: bool) -> typst.Fonts:
    """The fonts Typst finds in `font_paths` (and on the system), loaded once per
    process: loading them takes a tenth of a second, and a process (the watch, the
    tests) may build many times; a Typst compiler given them is made in a millisecond."""
    return typst.Fonts(font_paths=list(font_paths), include_system_fonts=system)


def _families(font_paths: tuple[str, ...], system: bool) -> frozenset[str]:
    return frozenset(loaded(font_paths, system).families())


def cjk_fonts(font_paths: Sequence[Path] = (), *, system: bool = True,
              platform: str = sys.platform, root: Path | None = None) -> list[str]:
    """The Chinese font families Typst can use, best first; FontError when there is none.
    Without `system`, only the fonts in `font_paths` count (a build that is the same on
    every machine that has those folders). `platform` and `root` (a copy of a machine's
    file tree) say which platform's folders to look in when Typst finds no Chinese face
    (with_platform_folders)."""
    return with_platform_folders(font_paths, system=system, platform=platform, root=root)[0]


def with_platform_folders(font_paths: Sequence[Path] = (), *, system: bool = True,
                          platform: str = sys.platform, root: Path | None = None,
                          ) -> tuple[list[str], tuple[Path, ...]]:
    """The Chinese font families, best first, and the font folders to give Typst with
    them: `font_paths`, and, when the system's fonts count and Typst's own search finds no
    Chinese face, those of the platform's folders (platform_folders) that hold one."""
    for folder in font_paths:
        if not folder.is_dir():
            raise FontError(_("--font-path {folder}: not a folder").format(folder=folder))
    paths = tuple(font_paths)
    found = _chinese(paths, system)
    if not found and system:
        here = [on_this_machine(f, root) for f in platform_folders(platform)
                if root is not None or Path(f).is_absolute()]
        extra = tuple(f for f in here if f.is_dir() and _chinese((str(f),), False))
        paths += extra
        found = _chinese(paths, False) if extra else []
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
        folders = ", ".join(str(f) for f in platform_folders(platform))
        raise FontError(_(
            "no Chinese font found for the PDF (looked in the system's fonts and in "
            "{folders}). {advice}. Or pass --font-path DIR with a folder of .ttf/.otf/.ttc "
            "fonts.").format(folders=folders, advice=_(ADVICE[platform if platform in ADVICE else ""])))
    return found, paths


def _chinese(paths: tuple[str, ...] | tuple[Path, ...], system: bool) -> list[str]:
    available = _families(tuple(str(p) for p in paths), system)
    return [f for f in CJK_FAMILIES if f in available]
