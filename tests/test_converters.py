"""perfdecl without its `build` extra (pandoc and Typst), as its pre-commit hooks install
it: checking and formatting work, and `build` and a DOCX redline say what to install,
never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .conftest import REPO

WITHOUT_CONVERTERS = """
import importlib.abc, sys

class Without(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.partition(".")[0] in ("pypandoc", "typst"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)

sys.meta_path.insert(0, Without())
from perfdecl.__main__ import main
sys.argv[0] = "perfdecl"
main()
"""


def _without(*args: str) -> subprocess.CompletedProcess[str]:
    """perfdecl run where neither pypandoc nor typst can be imported."""
    return subprocess.run([sys.executable, "-c", WITHOUT_CONVERTERS, *args], cwd=REPO,
                          capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "PERFDECL_LANG": "en"})


def test_check_and_fmt_need_no_converters() -> None:
    checked = _without("check", "declarations/2024")
    assert checked.returncode == 0, checked.stderr
    assert "5 files checked: 0 errors" in checked.stdout
    formatted = _without("fmt", "--check", "declarations/2024")
    assert formatted.returncode == 0, formatted.stderr


def test_build_without_converters_says_what_to_install(tmp_path: Path) -> None:
    for args in (["build", "declarations/2024", "--out", str(tmp_path / "build")],
                 ["diff", "declarations/2024/yangxin-ylbx/jihe-gongzuo.yaml",
                  "declarations/2024/yangxin-ylbx/jihe-gongzuo.yaml", "--format", "docx",
                  "--out", str(tmp_path / "redline.docx")]):
        result = _without(*args)
        assert result.returncode == 1, (args, result.stderr)
        assert "needs pandoc and Typst, perfdecl's `build` extra" in result.stderr
        assert "pip install 'perfdecl[build]'" in result.stderr
        assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert not (tmp_path / "build").exists() and not (tmp_path / "redline.docx").exists()
