"""perfdecl fmt: one canonical form, comments kept, idempotent, --check changes nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

from .conftest import REPO, at_length

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


# ------------------------------------------------ check and fmt read one scalar alike

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from perfdecl.fmt import format_file  # noqa: E402
from perfdecl.load import load  # noqa: E402

_DIGITS = st.text("0123456789", min_size=1, max_size=6)
SPELLINGS = st.one_of(
    _DIGITS,
    st.builds(lambda s, a, b: f"{s}{a}.{b}", st.sampled_from(["", "-", "+"]), _DIGITS,
              _DIGITS),
    st.builds(lambda a, e, x: f"{a}{e}{x}", _DIGITS,
              st.sampled_from(["e", "E", "e+", "e-", ".e", ".0e"]),
              st.text("0123456789", min_size=1, max_size=3)),
    st.builds(lambda p, d: p + d, st.sampled_from(["0o", "0x", "0b", "0", "+", "-", ".", "+."]),
              st.text("0123456789abcdef_", min_size=1, max_size=5)),
    st.sampled_from(["yes", "no", "on", "off", "true", "True", "FALSE", "null", "~", "Null",
                     ".nan", ".inf", "-.inf", "1_000", "7_4", "1:30", "2024-01", "2024-01-05",
                     "0.", "1e3", "0o112", "+.5", "'12'", '"1e3"', "!!str 12", "010", "0x4A",
                     "1,200", "约74"]),
    st.text(st.sampled_from("0123456789.eE+-_oxb:约万元 '\"#"), min_size=1, max_size=8),
)


@settings(max_examples=at_length(150), deadline=None, suppress_health_check=list(HealthCheck))
@given(scalar=SPELLINGS, key=st.sampled_from(["total", "overview", "name", "target", "class", "order",
                                             "phone"]))
def test_fmt_never_changes_what_check_reads(tmp_path: Path, scalar: str, key: str) -> None:
    """fmt (ruamel, round trip) and check (libyaml, then perfdecl's reading of scalars) are
    two readers: whatever a value's spelling, the data check reads is the same before and
    after fmt, and a file one of them cannot read stays as it is."""
    example = "2019/shigu-sbzx/jichu-yanglaojin-peitao" if key == "phone" else \
        "2024/yangxin-ylbx/jihe-gongzuo"
    source = (REPO / f"declarations/{example}.yaml").read_text(encoding="utf-8")
    lines = source.split("\n")
    at = next(i for i, line in enumerate(lines) if line.lstrip().startswith(f"{key}:"))
    lines[at] = lines[at][:lines[at].index(f"{key}:")] + f"{key}: {scalar}"
    work = tmp_path / "jihe-gongzuo.yaml"
    work.write_text("\n".join(lines), encoding="utf-8")
    before, _ = load(work)
    written = work.read_bytes()
    _changed, findings = format_file(work, write=True)
    after, _ = load(work)
    if before is None:
        assert work.read_bytes() == written, "a file check cannot read is left as it is"
        return
    assert after is not None, (key, scalar, findings, work.read_text(encoding="utf-8")[:400])
    assert after.data == before.data, (key, scalar)


def test_phone_numbers_and_codes_are_quoted_as_the_readme_writes_them(tmp_path: Path, perfdecl) -> None:  # type: ignore[no-untyped-def]
    """fmt keeps the quotes of `phone: '0731-5551234'` and adds them where they are
    missing, so that a declaration written as the README says passes `fmt --check` (and
    the pre-commit hook) as it is; a number written unquoted stays a number, for check
    to say so."""
    source = (REPO / "declarations/2019/shigu-sbzx/jichu-yanglaojin-peitao.yaml").read_text(
        encoding="utf-8")
    quoted = tmp_path / "quoted.yaml"
    quoted.write_text(source.replace("phone: '8177159'", "phone: '0731-5551234'"),
                      encoding="utf-8")
    assert perfdecl("fmt", "--check", str(quoted)).exit_code == 0
    bare = tmp_path / "bare.yaml"
    bare.write_text(source.replace("phone: '8177159'", "phone: 0731-5551234")
                    .replace("code: '11430404006258088'", "code: 1143A"), encoding="utf-8")
    assert perfdecl("fmt", str(bare)).exit_code == 0
    text = bare.read_text(encoding="utf-8")
    assert "phone: '0731-5551234'" in text and "code: '1143A'" in text
    number = tmp_path / "number.yaml"
    number.write_text(source.replace("phone: '8177159'", "phone: 8177159"), encoding="utf-8")
    perfdecl("fmt", str(number))
    assert "phone: 8177159\n" in number.read_text(encoding="utf-8")

