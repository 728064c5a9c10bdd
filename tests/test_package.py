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


def test_wheel_works_outside_the_repository(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "--quiet", "-w", str(dist), str(REPO)], check=True, timeout=300,
                   capture_output=True)
    wheel = next(dist.glob("perfdecl-*.whl"))
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
