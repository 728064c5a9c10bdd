"""perfdecl fmt: one canonical form, comments kept, idempotent, --check changes nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

from .conftest import REPO

FMT = REPO / "tests" / "fmt"


def test_scrambled_file_becomes_canonical(tmp_path: Path, perfdecl, golden) -> None:  # type: ignore[no-untyped-def]
    work = tmp_path / "scrambled.yaml"
    shutil.copy(FMT / "scrambled.yaml", work)
    result = perfdecl("fmt", str(work))
    assert result.exit_code == 0
    assert f"reformatted {work}" in result.stdout
    text = work.read_text(encoding="utf-8")
    golden(FMT / "scrambled.expected.yaml", text)
    # schema order, block style, quotes only where YAML needs them, amounts as written
    assert text.index("kind:") < text.index("id:") < text.index("fiscal_year:") < \
        text.index("name:") < text.index("unit:") < text.index("leader:") < text.index("funding:")
    assert "fiscal: 74.00" in text and "{" not in text
    assert "name: 王谦" in text and "phone: '8177159'" in text
    # comments travel with their keys
    assert "name: 测试项目   # 项目名称" in text
    assert "# 标识在名称之前\nid: ceshi-xiangmu" in text


def test_formatting_twice_changes_nothing(tmp_path: Path, perfdecl) -> None:  # type: ignore[no-untyped-def]
    work = tmp_path / "scrambled.yaml"
    shutil.copy(FMT / "scrambled.yaml", work)
    perfdecl("fmt", str(work))
    once = work.read_bytes()
    result = perfdecl("fmt", str(work))
    assert result.exit_code == 0
    assert "0 reformatted, 1 already formatted" in result.stdout
    assert work.read_bytes() == once


def test_check_reports_and_changes_nothing(tmp_path: Path, perfdecl) -> None:  # type: ignore[no-untyped-def]
    work = tmp_path / "scrambled.yaml"
    shutil.copy(FMT / "scrambled.yaml", work)
    before = work.read_bytes()
    result = perfdecl("fmt", "--check", str(work))
    assert result.exit_code == 1
    assert f"would reformat {work}" in result.stdout
    assert work.read_bytes() == before


def test_byte_order_mark_is_removed(tmp_path: Path, perfdecl) -> None:  # type: ignore[no-untyped-def]
    work = tmp_path / "bom.yaml"
    shutil.copy(REPO / "tests" / "bad" / "bom.yaml", work)
    assert perfdecl("check", str(work)).exit_code == 1
    assert perfdecl("fmt", str(work)).exit_code == 0
    assert not work.read_bytes().startswith(b"\xef\xbb\xbf")
    assert "Y005" not in perfdecl("check", str(work)).stdout


def test_unloadable_file_is_left_untouched(tmp_path: Path, perfdecl) -> None:  # type: ignore[no-untyped-def]
    work = tmp_path / "syntax.yaml"
    shutil.copy(REPO / "tests" / "bad" / "syntax.yaml", work)
    before = work.read_bytes()
    result = perfdecl("fmt", str(work))
    assert result.exit_code == 1
    assert f"{work}:4:7: error Y001" in result.stdout
    assert work.read_bytes() == before


def _reverse_top_level(text: str) -> str:
    """The same declaration with its top-level fields in reverse order, each field
    moving with the comment lines just above it."""
    lines = text.splitlines(keepends=True)
    header = []
    while lines and lines[0].startswith("#"):
        header.append(lines.pop(0))
    blocks: list[list[str]] = []
    pending: list[str] = []
    for line in lines:
        if line.startswith("#"):
            pending.append(line)
        elif line[:1] not in (" ", "\n", "-") and not line.startswith("#"):
            blocks.append([*pending, line])
            pending = []
        else:
            blocks[-1].extend([*pending, line])
            pending = []
    return "".join(header) + "".join("".join(b) for b in reversed(blocks)) + "".join(pending)


def test_examples_come_back_from_reversed_field_order(tmp_path: Path, perfdecl) -> None:  # type: ignore[no-untyped-def]
    work = tmp_path / "declarations"
    shutil.copytree(REPO / "declarations", work)
    for file in work.rglob("*.yaml"):
        text = file.read_text(encoding="utf-8")
        scrambled = _reverse_top_level(text)
        assert scrambled != text
        file.write_text(scrambled, encoding="utf-8")
    result = perfdecl("fmt", str(work))
    assert result.exit_code == 0
    for original in (REPO / "declarations").rglob("*.yaml"):
        copy = work / original.relative_to(REPO / "declarations")
        comments = [x.strip() for x in original.read_text(encoding="utf-8").splitlines()
                    if x.strip().startswith("#")]
        text = copy.read_text(encoding="utf-8")
        assert all(c in text for c in comments), original
        keys = [x.split(":")[0] for x in text.splitlines() if x[:1].isalpha()]
        assert keys == [x.split(":")[0] for x in original.read_text(encoding="utf-8").splitlines()
                        if x[:1].isalpha()], original


def test_comment_lines_travel_with_the_field_below_them(tmp_path: Path, perfdecl) -> None:  # type: ignore[no-untyped-def]
    work = tmp_path / "comments.yaml"
    work.write_text("kind: project\nid: ceshi\nname: 测试  # eol\ngoals:\n  annual:\n"
                    "    - 第一条\n    # above the second item\n    - 第二条\n"
                    "# above fiscal_year\nfiscal_year: 2023\n", encoding="utf-8")
    assert perfdecl("fmt", str(work)).exit_code == 0
    assert work.read_text(encoding="utf-8") == (
        "kind: project\nid: ceshi\n# above fiscal_year\nfiscal_year: 2023\nname: 测试  # eol\n"
        "goals:\n  annual:\n    - 第一条\n    # above the second item\n    - 第二条\n")
