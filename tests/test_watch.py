"""perfdecl build --watch: rebuilds on save, serves build/ on localhost with pages that
reload themselves, and stops cleanly on Ctrl-C."""

from __future__ import annotations

import hashlib
import http.client
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import DECLARATIONS


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


@dataclass
class Watch:
    """A `perfdecl build --watch` running on a copy of the 2024 examples: the preview's
    address, and once stopped (Ctrl-C), what it printed and its exit code."""

    repo: Path
    url: str = ""
    out: str = ""
    err: str = ""
    returncode: int | None = None


@contextmanager
def watching(tmp_path: Path) -> Iterator[Watch]:
    repo = tmp_path / "repo"
    shutil.copytree(DECLARATIONS / "2024", repo / "declarations" / "2024")
    (repo / "perfdecl.toml").write_text("", encoding="utf-8")
    watch = Watch(repo)
    process = subprocess.Popen([sys.executable, "-m", "perfdecl", "build", "--watch",
                                "--port", "0", "--to", "html"], cwd=repo, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env={**os.environ, "CI": "true"})
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + 120
        while not watch.url and time.monotonic() < deadline:
            line = process.stdout.readline()
            if line.startswith("serving "):
                watch.url = line.split()[1]
        assert watch.url.startswith("http://127.0.0.1:"), "the preview did not start"
        yield watch
        assert process.poll() is None, "the preview stopped by itself"
    finally:
        process.send_signal(signal.SIGINT)
        watch.out, watch.err = process.communicate(timeout=30)
        watch.returncode = process.returncode


@pytest.mark.slow
def test_watch_rebuilds_on_save_and_stops_cleanly(tmp_path: Path) -> None:
    with watching(tmp_path) as watch:
        url, repo = watch.url, watch.repo
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
    assert watch.returncode == 0, watch.err
    assert "stopped" in watch.out and "Traceback" not in watch.err


SECRET = b"not for the preview"


def served_folder(root: Path) -> tuple[Path, dict[str, bytes]]:
    """A build folder as a build leaves it (two forms, the bundles, the state), beside
    files the build did not write: the preview must serve the first only."""
    from perfdecl import buildfolder

    out = root / "build"
    files = {"2024/u/a.html": b"<html><body>a</body></html>", "2024/u/a.pdf": b"%PDF-a",
             "index.html": b"<html><body>index</body></html>", "manifest.json": b"{}",
             "2024.zip": b"PK"}
    for rel, data in files.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(data)
    (root / "secret.html").write_bytes(SECRET)
    (out / "2024/u/linked.html").symlink_to(root / "secret.html")
    (out / "2024/u/notes.html").write_bytes(SECRET)  # not recorded
    os.mkfifo(out / "2024/u/fifo.html")
    (out / ".perfdecl").mkdir()
    (out / ".perfdecl/secret.html").write_bytes(SECRET)
    recorded = {**files, "2024/u/linked.html": SECRET, "2024/u/fifo.html": b""}
    buildfolder.save_outputs(out, {rel: {"key": "k", "sources": [], "title": "",
                                         "sha256": hashlib.sha256(recorded[rel]).hexdigest(),
                                         "size": len(recorded[rel])}
                                   for rel in recorded if rel.startswith("2024/")})
    (out / ".perfdecl/zips.json").write_text('{"2024": "x"}', encoding="utf-8")
    return out, files


def ask(port: int, path: str, host: str | None) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.putrequest("GET", path, skip_host=True)
        if host is not None:
            connection.putheader("Host", host)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_preview_serves_the_outputs_only_to_this_machine(
        tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    from perfdecl.watch import Preview

    out, files = served_folder(tmp_path)
    preview = Preview(out)
    preview.start()
    try:
        port = preview.server.server_address[1]
        for host in (f"localhost:{port}", f"127.0.0.1:{port}", f"[::1]:{port}",
                     f"LOCALHOST:{port}"):
            status, body = ask(port, "/2024/u/a.pdf", host)
            assert (status, body) == (200, files["2024/u/a.pdf"]), host
        for host in (f"attacker.example:{port}", f"localhost.attacker.example:{port}",
                     "localhost", f"localhost:{port + 1}", f"127.0.0.1.nip.io:{port}", "", None):
            assert ask(port, "/2024/u/a.pdf", host)[0] == 403, host
        here = f"localhost:{port}"
        status, page = ask(port, "/", here)
        assert status == 200 and b"index" in page and b"/__perfdecl/rebuild" in page
        for path in ("/2024.zip", "/manifest.json", "/2024/u/a.html", "/2024/u/a%2Ehtml"):
            assert ask(port, path, here)[0] == 200, path
        for path in ("/2024/", "/2024/u/", "/.perfdecl/cache.json", "/.perfdecl/secret.html",
                     "/2024/u/linked.html", "/2024/u/notes.html", "/2024/u/fifo.html",
                     "/%00", "/2024/u/a.pdf%00", "/../secret.html", "/2024/u/../../../secret.html",
                     "/%2e%2e/secret.html", "//etc/passwd", "/2024%2Fu%2F..%2F..%2F..%2Fsecret.html"):
            status, body = ask(port, path, here)
            assert status == 404 and SECRET not in body, path
    finally:
        preview.stop()
    captured = capfd.readouterr()
    assert captured.err == "" and captured.out == ""


def test_a_port_out_of_range_is_wrong_usage_said_before_building(tmp_path: Path) -> None:
    folder = tmp_path / "declarations/2024/yangxin-ylbx"
    folder.mkdir(parents=True)
    shutil.copy(DECLARATIONS / "2024/yangxin-ylbx/jihe-gongzuo.yaml", folder)
    (tmp_path / "perfdecl.toml").write_text("", encoding="utf-8")
    for port in ("70000", "-1"):
        result = subprocess.run([sys.executable, "-m", "perfdecl", "build", "--watch", "--port",
                                 port, "--to", "html"], cwd=tmp_path, capture_output=True,
                                text=True, timeout=60, env={**os.environ, "COLUMNS": "200"})
        assert result.returncode == 2, result.stderr
        assert "Invalid value for '--port'" in result.stderr
        assert "internal error" not in result.stderr and not (tmp_path / "build").exists()


BAD_VALUES = [("  total: 80", "  total: " + "9" * 5000),  # past Python's int limit
              ("fiscal_year: 2024", "fiscal_year: 2024.0"),  # passed check, broke build
              ("name: 稽核工作费用", 'name: "\\u3164"'),  # blank to the eye
              ("  total: 80", "  total: 1.0e+99999999999999999999"),
              ("  total: 80", "  total: -0.0")]


@pytest.mark.slow
def test_watch_outlives_any_bad_value_and_builds_the_next_good_one(tmp_path: Path) -> None:
    """Each bad value saved into a watched declaration is reported and the preview goes
    on serving; the good value saved after them is built and served."""
    with watching(tmp_path) as watch:
        url = watch.url
        declaration = watch.repo / "declarations/2024/yangxin-ylbx/jihe-gongzuo.yaml"
        good = declaration.read_text(encoding="utf-8")
        page = url + "2024/yangxin-ylbx/jihe-gongzuo.html"
        for i, (line, bad) in enumerate([*BAD_VALUES, ("name: 稽核工作费用", "name: 稽核工作经费（又改）")]):
            assert line in good
            declaration.write_text(good.replace(line, bad, 1), encoding="utf-8")
            deadline = time.monotonic() + 60
            while get(url + "__perfdecl/rebuild") == str(i) and time.monotonic() < deadline:
                time.sleep(0.3)
            assert get(url + "__perfdecl/rebuild") == str(i + 1), bad[:40]
            assert "稽核工作" in get(page)  # the last good build stays served
        assert "稽核工作经费（又改）" in get(page)
    out, err = watch.out, watch.err
    assert watch.returncode == 0, err
    assert "internal error" not in err and "Traceback" not in err, err
    assert "error Y018: a number of more than 1,000 digits" in out
    assert "must be a whole number, not a decimal number (`2024.0`)" in out
    assert "is blank: it holds only spaces or invisible characters (U+3164)" in out
