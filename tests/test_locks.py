"""The locks that keep two builds out of one build folder and tell a killed build's
workspace from a running one's (locks.py): held until their file is closed."""

from __future__ import annotations

import ast
import os
import threading
from pathlib import Path

from perfdecl.locks import OPEN_FLAGS, try_lock

from .conftest import REPO


def test_a_lock_is_held_until_its_file_is_closed(tmp_path: Path) -> None:
    path = tmp_path / "lock"
    first = os.open(path, os.O_WRONLY | os.O_CREAT | OPEN_FLAGS, 0o600)
    second = os.open(path, os.O_WRONLY | OPEN_FLAGS)
    try:
        assert try_lock(first)
        assert not try_lock(second), "a held lock is not taken twice"
        os.close(first)
        assert try_lock(second), "closing the file releases the lock"
    finally:
        os.close(second)


def test_only_locks_py_names_the_platform_s_locking_module() -> None:
    """fcntl exists on POSIX only and msvcrt on Windows only: a module importing either
    outside locks.py would stop perfdecl on the other system."""
    found = []
    for file in (REPO / "src" / "perfdecl").rglob("*.py"):
        if file.name == "locks.py":
            continue
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            found += [(file.name, n) for n in names if n in ("fcntl", "msvcrt")]
    assert found == []


def test_a_sweep_removes_what_killed_exports_left_and_nothing_at_work(tmp_path: Path) -> None:
    """A process killed while it made its workspace leaves a folder without its lock: the
    next sweep removes it at once, as it removes a killed process's workspace; it never
    removes the workspace of a process at work, and waits while one is being made (the
    folder's own lock), so it never meets one half made."""
    from perfdecl.locks import hold_folder
    from perfdecl.workspace import Workspace, sweep

    alive = Workspace(tmp_path)
    left = tmp_path / f"{Workspace.MAKING}left"
    left.mkdir()
    dead = tmp_path / f"{Workspace.PREFIX}dead"
    dead.mkdir()
    (dead / "lock").write_bytes(b"")  # its owner gone: nobody holds the lock
    try:
        making = hold_folder(tmp_path)  # as a process making its workspace now
        sweeping = threading.Thread(target=sweep, args=(tmp_path,))
        sweeping.start()
        sweeping.join(0.5)
        assert sweeping.is_alive() and left.exists(), "the sweep waits for the maker"
        os.close(making)
        sweeping.join(30)
        assert not sweeping.is_alive()
        assert sorted(p.name for p in tmp_path.iterdir()) == [alive.path.name]
    finally:
        alive.remove()
    assert list(tmp_path.iterdir()) == []  # nothing of perfdecl's left in the folder
