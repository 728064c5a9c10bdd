"""perfdecl build --watch: rebuilds on save, serves build/ on localhost with pages that
reload themselves, and stops cleanly on Ctrl-C."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from .conftest import DECLARATIONS


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


def test_watch_rebuilds_on_save_and_stops_cleanly(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(DECLARATIONS / "2024", repo / "declarations" / "2024")
    (repo / "perfdecl.toml").write_text("", encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "perfdecl", "build", "--watch",
                                "--port", "0", "--to", "html"], cwd=repo, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env={**os.environ, "CI": "true"})
    try:
        assert process.stdout is not None
        url = ""
        deadline = time.monotonic() + 120
        while not url and time.monotonic() < deadline:
            line = process.stdout.readline()
            if line.startswith("serving "):
                url = line.split()[1]
        assert url.startswith("http://127.0.0.1:"), "the preview did not start"
        page = get(url + "2024/yangxin-ylbx/jihe-gongzuo.html")
        assert "稽核工作费用" in page and "/__perfdecl/rebuild" in page  # live reload
        on_disk = (repo / "build/2024/yangxin-ylbx/jihe-gongzuo.html").read_text("utf-8")
        assert "/__perfdecl/rebuild" not in on_disk  # the files stay as built
        assert get(url + "__perfdecl/rebuild") == "0"

        declaration = repo / "declarations/2024/yangxin-ylbx/jihe-gongzuo.yaml"
        declaration.write_text(declaration.read_text(encoding="utf-8").replace(
            "name: 稽核工作费用", "name: 稽核工作经费（修订）"), encoding="utf-8")
        deadline = time.monotonic() + 60
        while get(url + "__perfdecl/rebuild") == "0" and time.monotonic() < deadline:
            time.sleep(0.3)
        assert "稽核工作经费（修订）" in get(url + "2024/yangxin-ylbx/jihe-gongzuo.html")
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "stopped" in out and "Traceback" not in err
