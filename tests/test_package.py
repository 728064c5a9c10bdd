"""The wheel ships the schemas and templates: perfdecl works installed outside the repo."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import DECLARATIONS, REPO

pytestmark = pytest.mark.slow  # builds and installs the wheel


def _wheel(dist: Path) -> Path:
    """perfdecl's wheel, built from this checkout into `dist`."""
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "--quiet", "-w", str(dist), str(REPO)], check=True, timeout=300,
                   capture_output=True)
    return next(dist.glob("perfdecl-*.whl"))


def test_wheel_works_outside_the_repository(tmp_path: Path) -> None:
    wheel = _wheel(tmp_path / "dist")
    names = zipfile.ZipFile(wheel).namelist()
    for schema in (REPO / "schema").glob("*.json"):
        assert f"perfdecl/schema/{schema.name}" in names
    assert any(n.startswith("perfdecl/templates/") for n in names)
    assert "perfdecl/py.typed" in names  # its types, for a library user's type checker
    assert "perfdecl/locale/zh_CN/LC_MESSAGES/perfdecl.mo" in names
    metadata = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("/METADATA")))
    # the converters are the build extra: `pip install 'perfdecl[build]'`
    assert b"Provides-Extra: build" in metadata
    for converter in (b"typst", b"pypandoc-binary"):
        assert re.search(rb"Requires-Dist: " + converter + rb">=[\d.]+ ?; extra == .build.",
                         metadata), converter

    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    work = tmp_path / "elsewhere"
    shutil.copytree(DECLARATIONS / "2023", work / "declarations" / "2023")
    env = {**os.environ, "PYTHONPATH": str(site)}
    probe = subprocess.run([sys.executable, "-c", "import perfdecl.resources as r; "
                            "print(r.data_dir('schema'))"], cwd=work, env=env,
                           capture_output=True, text=True, timeout=60)
    assert probe.stdout.strip() == str(site / "perfdecl" / "schema")
    result = subprocess.run([sys.executable, "-m", "perfdecl", "check"], cwd=work, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "8 files checked: 0 errors" in result.stdout
    chinese = subprocess.run([sys.executable, "-m", "perfdecl", "--lang", "zh", "check"],
                             cwd=work, env=env, capture_output=True, text=True, timeout=120)
    assert "已检查 8 个文件" in chinese.stdout, chinese.stdout  # the catalog, from the wheel


NOT_FOR_CHECKING = {"pypandoc-binary", "typst"}
"""The build extra, the converters: left out here to keep the test short (`build` then
says how to add them). The rest of run.txt is perfdecl's dependencies and its build
backend, which an install from the git URL builds the wheel with."""


def _wheelhouse(folder: Path) -> Path:
    """The wheels of perfdecl's dependencies at the versions and hashes requirements/run.txt
    pins (pip's cache holds them after ./scripts/setup), for installs with --no-index."""
    blocks = re.split(r"\n(?=[a-z0-9])", (REPO / "requirements" / "run.txt").read_text())
    kept = [b for b in blocks if "==" in b.split("\n")[0]
            and b.split("==")[0] not in NOT_FOR_CHECKING]
    pins = folder / "pins.txt"
    folder.mkdir()
    pins.write_text("\n".join(kept) + "\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                    "--require-hashes", "--only-binary", ":all:", "-r", str(pins),
                    "-d", str(folder)], check=True, timeout=300, capture_output=True)
    return folder


def test_pipx_and_uv_tool_install_give_a_working_perfdecl(tmp_path: Path) -> None:
    """`pipx install` and `uv tool install` of the wheel, its dependencies from the pinned
    wheels and nothing else (--no-index): a `perfdecl` on the PATH that checks, speaks
    Chinese from its catalog, lists its layouts and schemas, and says how to add the
    converters when asked to build."""
    wheel = _wheel(tmp_path / "dist")
    wheels = _wheelhouse(tmp_path / "wheels")
    work = tmp_path / "work"
    shutil.copytree(DECLARATIONS / "2023", work / "declarations" / "2023")
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("PIP_", "VIRTUAL_ENV", "PERFDECL_", "UV_", "PIPX_"))}
    tools = {
        "pipx": ([sys.executable, "-m", "pipx", "install", "--python", sys.executable,
                  "--pip-args", f"--no-index --find-links {wheels}", str(wheel)],
                 {"PIPX_HOME": str(tmp_path / "pipx"), "PIPX_BIN_DIR": str(tmp_path / "pipx-bin"),
                  "PIPX_MAN_DIR": str(tmp_path / "pipx-man")}, tmp_path / "pipx-bin"),
        "uv": ([str(Path(sys.executable).parent / "uv"), "tool", "install", "--offline",
                "--no-index", "--find-links", str(wheels), "--python", sys.executable,
                str(wheel)],
               {"UV_TOOL_DIR": str(tmp_path / "uv"), "UV_TOOL_BIN_DIR": str(tmp_path / "uv-bin"),
                "UV_CACHE_DIR": str(tmp_path / "uv-cache")}, tmp_path / "uv-bin"),
        # from the git URL of this checkout (its HEAD), built by the pinned backend
        "uv from git": ([str(Path(sys.executable).parent / "uv"), "tool", "install",
                         "--offline", "--no-index", "--find-links", str(wheels), "--python",
                         sys.executable, f"perfdecl @ git+{(REPO).as_uri()}"],
                        {"UV_TOOL_DIR": str(tmp_path / "uv-git"),
                         "UV_TOOL_BIN_DIR": str(tmp_path / "uv-git-bin"),
                         "UV_CACHE_DIR": str(tmp_path / "uv-git-cache")},
                        tmp_path / "uv-git-bin"),
    }
    for tool, (command, own, bin_dir) in tools.items():
        env = {**base, **own}
        installed = subprocess.run(command, env=env, capture_output=True, text=True,
                                   timeout=300)
        assert installed.returncode == 0, (tool, installed.stdout, installed.stderr)
        perfdecl = str(bin_dir / "perfdecl")
        env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"

        def run(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run([perfdecl, *args], cwd=work, env=env,  # noqa: B023
                                  capture_output=True, text=True, timeout=120)

        checked = run("check")
        assert checked.returncode == 0 and "8 files checked: 0 errors" in checked.stdout, \
            (tool, checked.stdout, checked.stderr)
        assert "已检查 8 个文件" in run("--lang", "zh", "check").stdout, tool
        layouts = run("layouts").stdout
        assert "zhuzhou-2023" in layouts and "national" in layouts, (tool, layouts)
        assert "expenditure_direction" in run("schema").stdout, tool
        built = run("build", "declarations", "--to", "html", "--out", "build")
        assert built.returncode == 1 and "pipx install 'perfdecl[build]'" in built.stderr, \
            (tool, built.stdout, built.stderr)
        assert not (work / "build").exists() or not any((work / "build").iterdir()), tool
