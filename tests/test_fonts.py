"""Where fonts are looked for on Windows, macOS and Linux, tested on a copy of each
platform's file tree: the folders each keeps fonts in, for the machine and for one user;
a Chinese font a user installed for themselves is found when Typst's own search of the
system finds none; and when there is none at all, the message names the folders looked
in and what to do on that platform. (The runners of those platforms are not reachable
from here: their logic is what is tested, on fake trees, with the real font reader.)"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path, PurePosixPath, PureWindowsPath

import pytest

from perfdecl import fonts

WINDOWS = {"WINDIR": r"C:\Windows", "LOCALAPPDATA": r"C:\Users\li\AppData\Local",
           "USERPROFILE": r"C:\Users\li"}
MACOS = {"HOME": "/Users/li"}
LINUX = {"HOME": "/home/li"}


def test_each_platform_s_font_folders() -> None:
    assert fonts.platform_folders("win32", WINDOWS) == [
        PureWindowsPath(r"C:\Windows\Fonts"),
        PureWindowsPath(r"C:\Users\li\AppData\Local\Microsoft\Windows\Fonts")]
    # without LOCALAPPDATA, the user's profile says where it is
    assert fonts.platform_folders("win32", {"USERPROFILE": r"D:\home\li"})[1] == \
        PureWindowsPath(r"D:\home\li\AppData\Local\Microsoft\Windows\Fonts")
    assert fonts.platform_folders("darwin", MACOS) == [
        PurePosixPath("/System/Library/Fonts"), PurePosixPath("/Library/Fonts"),
        PurePosixPath("/Users/li/Library/Fonts")]
    assert fonts.platform_folders("linux", LINUX) == [
        PurePosixPath("/home/li/.local/share/fonts"), PurePosixPath("/home/li/.fonts"),
        PurePosixPath("/usr/local/share/fonts"), PurePosixPath("/usr/share/fonts")]
    assert fonts.platform_folders("linux", {**LINUX, "XDG_DATA_HOME": "/data/li",
                                            "XDG_DATA_DIRS": "/opt/share"}) == [
        PurePosixPath("/data/li/fonts"), PurePosixPath("/home/li/.fonts"),
        PurePosixPath("/opt/share/fonts")]


@pytest.fixture
def no_system_chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    """Typst's own search of the system finds no Chinese face (as on a machine whose
    Chinese font was installed for one user only); folders given to it are read for real."""
    real = fonts._families
    monkeypatch.setattr(fonts, "_families", lambda paths, system: real(paths, False)
                        if paths else frozenset({"DejaVu Sans"}))


def _chinese_font() -> Path:
    found = subprocess.run(["fc-match", "-f", "%{file}", "Noto Serif CJK SC"],
                           capture_output=True, text=True, check=True).stdout
    assert "CJK" in found, found
    return Path(found)


@pytest.mark.parametrize(("platform", "environ", "user_folder"), [
    ("win32", WINDOWS, r"C:\Users\li\AppData\Local\Microsoft\Windows\Fonts"),
    ("darwin", MACOS, "/Users/li/Library/Fonts"),
    ("linux", LINUX, "/home/li/.local/share/fonts"),
])
def test_a_font_installed_for_one_user_is_found(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_system_chinese: None,
        platform: str, environ: dict[str, str], user_folder: str) -> None:
    for name in ("WINDIR", "SystemRoot", "LOCALAPPDATA", "USERPROFILE", "XDG_DATA_HOME",
                 "XDG_DATA_DIRS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    tree = tmp_path / "machine"
    pure = PureWindowsPath(user_folder) if platform == "win32" else PurePosixPath(user_folder)
    folder = fonts.on_this_machine(pure, tree)
    folder.mkdir(parents=True)
    for other in fonts.platform_folders(platform):  # the machine's folders, without Chinese
        fonts.on_this_machine(other, tree).mkdir(parents=True, exist_ok=True)

    with pytest.raises(fonts.FontError) as none:
        fonts.with_platform_folders(platform=platform, root=tree)
    said = str(none.value)
    assert str(fonts.platform_folders(platform)[0]) in said and user_folder in said
    assert {"win32": "SimSun", "darwin": "Songti SC", "linux": "apt-get install fonts-noto-cjk"
            }[platform] in said

    shutil.copy(_chinese_font(), folder)
    fonts.loaded.cache_clear()  # (a process reads a folder's fonts once)
    families, paths = fonts.with_platform_folders(platform=platform, root=tree)
    assert families[0] == "Noto Serif CJK SC"
    assert paths == (folder,)  # given to Typst with the build's own --font-path folders
    # --no-system-fonts keeps to the folders given: the user's folder is not looked in
    with pytest.raises(fonts.FontError, match="--no-system-fonts"):
        fonts.with_platform_folders(system=False, platform=platform, root=tree)
