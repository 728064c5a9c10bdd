"""perfdecl diff and perfdecl new: semantic comparison on real pairs from the seeds,
every reporter against golden files someone has read, git revisions and the textconv
driver in a real repository, and the tracked-changes DOCX read back."""

from __future__ import annotations

import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from perfdecl.diff.text import segments, year_shift
from perfdecl.repository import Repository

from .conftest import DECLARATIONS, REPO, run

GOLDEN = REPO / "tests" / "diff"
REPORTS = {"text": "txt", "markdown": "md", "html": "html", "json": "json"}


def git(*args: str, cwd: Path) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    return subprocess.run(["git", *args], cwd=cwd, text=True, capture_output=True, check=True,
                          env=env, timeout=60).stdout


ROLLED_OLD = "declarations/2023/shifeng-sbzx/kunnan-daijiao.yaml"
ROLLED_NEW = "declarations/2024/shifeng-sbzx/kunnan-daijiao.yaml"


@pytest.fixture(scope="module")
def rolled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Seed 001's 附表3-5 rolled forward to 2024 with `perfdecl new`, then edited as the
    unit would: more people at a higher rate, a stricter target, a renamed indicator, a
    new goal."""
    repo = tmp_path_factory.mktemp("rolled")
    shutil.copytree(DECLARATIONS / "2023", repo / "declarations" / "2023")
    result = run("new", "--from", ROLLED_OLD, "--year", "2024", cwd=repo)
    assert result.returncode == 0, result.stderr
    new = repo / ROLLED_NEW
    text = new.read_text(encoding="utf-8")
    for old, replacement in [("amount: 12\n", "amount: 14.3\n"), ("total: 12\n", "total: 14.3\n"),
                             ("      amount: 12\n", "      amount: 14.3\n"),
                             ("1200人*100元/人=12万", "1300人*110元/人=14.3万"),
                             ("target: 1200人\n", "target: ≥1300人\n"),
                             ("target: 100元/人  # perfdecl: ignore[I006] 政策规定的代缴标准，不是成本上限",
                              "target: ≤110元/人"),
                             ("target: 95%以上", "target: ≥98%"),
                             ("name: 拨付时限", "name: 资金拨付时限"),
                             ("  annual:\n    - 完成困难帮扶-城乡居民养老保险政府代缴\n",
                              "  annual:\n    - 完成困难帮扶-城乡居民养老保险政府代缴\n"
                              "    - 困难群体应代缴尽代缴\n")]:
        assert old in text, old
        text = text.replace(old, replacement, 1)
    new.write_text(text, encoding="utf-8")
    check = run("check", str(new), cwd=repo)
    assert " 0 errors" in check.stdout, check.stdout
    return repo


PAIRS = {
    # a corrected seed folder against its faithful transcription
    "seeds-2023": (["tests/seeds/2023", "declarations/2023"], REPO),
    # the same project's indicators in two of seed 002's forms (附2-1 and 附2-2)
    "yangxin-forms": (["declarations/2024/yangxin-ylbx/zhuanyi-jiexu.yaml",
                       "declarations/2024/yangxin-ylbx/yangxin-ylbx-zhengti.yaml"], REPO),
}


@pytest.mark.slow
@pytest.mark.parametrize("fmt", REPORTS)
@pytest.mark.parametrize("pair", PAIRS)
def test_reporter_golden(pair: str, fmt: str, golden) -> None:  # type: ignore[no-untyped-def]
    paths, cwd = PAIRS[pair]
    result = run("diff", *paths, "--format", fmt, cwd=cwd)
    assert result.returncode == 0, result.stderr
    golden(GOLDEN / f"{pair}.{REPORTS[fmt]}", result.stdout)


@pytest.mark.slow
@pytest.mark.parametrize("fmt", REPORTS)
def test_rolled_forward_golden(rolled: Path, fmt: str, golden) -> None:  # type: ignore[no-untyped-def]
    result = run("diff", ROLLED_OLD, ROLLED_NEW, "--format", fmt, cwd=rolled)
    assert result.returncode == 0, result.stderr
    golden(GOLDEN / f"rolled.{REPORTS[fmt]}", result.stdout)


def test_rolled_forward_reads_as_a_reviewer_expects(rolled: Path) -> None:
    text = run("diff", ROLLED_OLD, ROLLED_NEW, cwd=rolled).stdout
    assert "项目金额 › 资金总额: 12 → 14.3  (+2.3 万元 (+19.2%))" in text
    assert "满意度 › 指标值: 95%以上 → ≥98%  (tightened)" in text
    assert ("补贴标准 › 指标值: 100元/人 → ≤110元/人  (operator = → ≤; figure raised; "
            "loosened)") in text
    assert ("补贴人数 › 指标值: 1200人 → ≥1300人  (operator = → ≥; figure raised; "
            "tightened)") in text
    assert "renamed 年度绩效指标 › 产出指标 › 时效指标 › 资金拨付时限 (was 拨付时限)" in text
    assert "+ 绩效目标 › 年度目标: 困难群体应代缴尽代缴" in text
    assert "测算依据及说明: 1[-2-]{+3+}00人*1[-0-]{+1+}0元/人=1[-2-]{+4.3+}万" in text
    assert re.search(r"\(\d+ changes? only move years on \(\+1 year\)\)", text)
    assert "资金拨付时限 › 指标值" not in text  # 2023年底前 → 2024年底前: summarised
    # last year's targets that `new --from` kept as 近两年指标值: summed up, not edits
    assert "近两年指标值 › 2023" not in text
    assert ("(5 of last year's targets kept as 近两年指标值, as `perfdecl new --from` "
            "writes them)") in text


def test_a_history_that_is_not_last_year_s_target_is_an_edit(rolled: Path, tmp_path: Path,
                                                               perfdecl) -> None:  # type: ignore[no-untyped-def]
    """Only what roll-forward writes is summed up: a 近两年指标值 for last year that says
    something else than last year's target is shown as the edit it is."""
    edited = tmp_path / "kunnan-daijiao.yaml"
    text = (rolled / ROLLED_NEW).read_text(encoding="utf-8")
    assert "value: 95%以上" in text
    edited.write_text(text.replace("value: 95%以上", "value: 97%"), encoding="utf-8")
    shown = perfdecl("diff", str(rolled / ROLLED_OLD), str(edited)).stdout
    assert "+ 年度绩效指标 › 满意度指标 › 服务对象满意度指标 › 满意度 › 近两年指标值 › 2023: 97%" \
        in shown
    assert "(4 of last year's targets kept as 近两年指标值" in shown


def test_json_report_follows_its_schema(rolled: Path, perfdecl) -> None:  # type: ignore[no-untyped-def]
    schema = json.loads((REPO / "schema" / "diff-report.json").read_text(encoding="utf-8"))
    for paths, cwd in [*PAIRS.values(), (["declarations/2023", "declarations/2024"], rolled)]:
        report = json.loads(perfdecl("diff", *paths, "-f", "json", cwd=cwd).stdout)
        jsonschema.Draft202012Validator(schema).validate(report)


def test_folders_match_by_id(rolled: Path) -> None:
    result = run("diff", "declarations/2023", "declarations/2024", "-f", "json", cwd=rolled)
    report = json.loads(result.stdout)
    assert report["summary"] == {"changed": 1, "added": 0, "removed": 7, "unchanged": 0}
    assert [d["id"] for d in report["declarations"] if d["status"] == "changed"] == [
        "kunnan-daijiao"]


def test_exit_code(rolled: Path, perfdecl) -> None:  # type: ignore[no-untyped-def]
    same = perfdecl("diff", "declarations/2023", "declarations/2023", "--exit-code", cwd=rolled)
    assert same.exit_code == 0 and "0 changed" in same.stdout
    different = perfdecl("diff", "declarations/2023", "declarations/2024", "--exit-code", cwd=rolled)
    assert different.exit_code == 1
    assert perfdecl("diff", "declarations/2023", "declarations/2024", cwd=rolled).exit_code == 0


@pytest.mark.slow
@pytest.mark.parametrize("fmt", REPORTS)
def test_a_report_written_with_out_is_the_report_printed(rolled: Path, tmp_path: Path,
                                                         fmt: str) -> None:
    args = ("diff", "declarations/2023", "declarations/2024", "--format", fmt)
    printed = run(*args, cwd=rolled)
    written = run(*args, "--out", str(tmp_path / f"report.{fmt}"), cwd=rolled)
    assert printed.returncode == written.returncode == 0, written.stderr
    assert "拨付时限" in printed.stdout and written.stdout == ""
    assert (tmp_path / f"report.{fmt}").read_text(encoding="utf-8") == printed.stdout


def test_reordering_is_no_change_unless_asked(tmp_path: Path, perfdecl) -> None:  # type: ignore[no-untyped-def]
    original = DECLARATIONS / "2024/yangxin-ylbx/yangxin-ylbx-zhengti.yaml"
    text = original.read_text(encoding="utf-8")
    duties = re.search(r"duties:\n((?:  - .*\n)+)", text)
    assert duties
    lines = duties.group(1).splitlines(keepends=True)
    moved = tmp_path / "yangxin-ylbx-zhengti.yaml"
    moved.write_text(text.replace(duties.group(1), "".join(reversed(lines))), encoding="utf-8")
    plain = perfdecl("diff", str(original), str(moved), "--exit-code")
    assert plain.exit_code == 0, plain.stdout
    ordered = perfdecl("diff", str(original), str(moved), "--order", "--exit-code")
    assert ordered.exit_code == 1
    assert "reordered 部门职责概述" in ordered.stdout


def test_character_level_chinese_diff() -> None:
    runs = [(s.op, s.text) for s in segments("保障本年基础养老金的发放", "保障基础养老金按时发放")]
    assert runs == [("equal", "保障"), ("delete", "本年"), ("equal", "基础养老金"),
                    ("delete", "的"), ("insert", "按时"), ("equal", "发放")]
    assert year_shift("2023年底前", "2024年底前") == 1
    assert year_shift("2022、2023年主要用于", "2023、2024年主要用于") == 1
    assert year_shift("2023年底前", "2024年6月底前") is None


def test_renamed_indicator_is_not_removed_and_added(tmp_path: Path) -> None:
    original = DECLARATIONS / "2024/yangxin-ylbx/jihe-gongzuo.yaml"
    renamed = tmp_path / "jihe-gongzuo.yaml"
    renamed.write_text(original.read_text(encoding="utf-8").replace(
        "参保人员稽核调查户数", "参保人员稽核户数"), encoding="utf-8")
    report = json.loads(run("diff", str(original), str(renamed), "-f", "json").stdout)
    changes = report["declarations"][0]["changes"]
    assert [(c["kind"], c["old"], c["new"]) for c in changes] == [
        ("renamed", "参保人员稽核调查户数", "参保人员稽核户数")]


@pytest.mark.slow
def test_rev_mode_in_a_real_repository(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(DECLARATIONS / "2024", repo / "declarations" / "2024")
    git("init", "-q", cwd=repo)
    git("add", ".", cwd=repo)
    git("commit", "-qm", "2024", cwd=repo)
    file = repo / "declarations/2024/yangxin-ylbx/jihe-gongzuo.yaml"
    file.write_text(file.read_text(encoding="utf-8").replace("target: 1380户", "target: ≥1500户"),
                    encoding="utf-8")
    git("commit", "-qam", "more checks", cwd=repo)
    between = run("diff", "--rev", "HEAD~1..HEAD", cwd=repo)
    assert between.returncode == 0, between.stderr
    assert ("参保人员稽核调查户数 › 指标值: 1380户 → ≥1500户  (operator = → ≥; figure raised; "
            "tightened)") in between.stdout
    assert "5 declarations: 1 changed" in between.stdout
    file.write_text(file.read_text(encoding="utf-8").replace("target: 98%", "target: 100%"),
                    encoding="utf-8")
    against_tree = run("diff", "--rev", "HEAD", "--exit-code", cwd=repo)
    assert against_tree.returncode == 1
    assert "覆盖率 › 指标值: 98% → 100%  (raised)" in against_tree.stdout
    assert "1380户" not in against_tree.stdout
    assert git("status", "--porcelain", cwd=repo).strip() == \
        "M declarations/2024/yangxin-ylbx/jihe-gongzuo.yaml"  # nothing checked out
    bad = run("diff", "--rev", "no-such-rev", cwd=repo)
    assert bad.returncode == 2
    assert ("revision no-such-rev: `git rev-parse --verify --quiet 'no-such-rev^{commit}'` "
            f"failed: no commit of that name in {repo}") in bad.stderr
    option = run("diff", "--rev=--output=x", cwd=repo)
    assert option.returncode == 2 and "--rev takes revisions, not options" in option.stderr
    outside = run("diff", "--rev", "HEAD", cwd=tmp_path)
    assert outside.returncode == 2
    assert "revision HEAD: `git rev-parse --show-toplevel` failed: fatal: not a git " \
        "repository" in outside.stderr


def test_rev_reads_any_name_and_only_regular_files_within_the_limit(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What is read from git is held as files are: a name that is not UTF-8 is read and
    shown escaped; a submodule, a symbolic link and a blob above 8 MB are skipped with a
    finding, the blob without being read; a hidden file is left out, as in the working
    tree."""
    from perfdecl import api
    from perfdecl.diff import inputs
    from perfdecl.load import MAX_FILE_BYTES

    repo = tmp_path / "repo"
    unit = repo / "declarations/2024/yangxin-ylbx"
    shutil.copytree(DECLARATIONS / "2024/yangxin-ylbx", unit)
    git("init", "-q", cwd=repo)
    git("add", ".", cwd=repo)
    git("commit", "-qm", "2024", cwd=repo)
    latin1 = unit / os.fsdecode(b"caf\xe9.yaml")
    latin1.write_text((unit / "jihe-gongzuo.yaml").read_text(encoding="utf-8").replace(
        "id: jihe-gongzuo", "id: cafe"), encoding="utf-8")
    (unit / "big.yaml").write_bytes(b"# " + b"x" * (MAX_FILE_BYTES + 1024 * 1024) + b"\n")
    (unit / "link.yaml").symlink_to("jihe-gongzuo.yaml")
    (unit / ".draft.yaml").write_text("not: [a declaration\n", encoding="utf-8")  # hidden
    git("add", ".", cwd=repo)
    head = git("rev-parse", "HEAD", cwd=repo).strip()
    git("update-index", "--add", "--cacheinfo", f"160000,{head},declarations/2024/sub.yaml",
        cwd=repo)  # a submodule named like a declaration
    git("commit", "-qm", "hostile", cwd=repo)

    result = subprocess.run([sys.executable, "-m", "perfdecl", "diff", "--rev", "HEAD~1..HEAD",
                             "-f", "json"], cwd=repo, capture_output=True, timeout=300)
    assert result.returncode == 1, result.stderr
    problems = result.stderr.decode("utf-8").splitlines()
    assert problems == [
        "HEAD:declarations/2024/sub.yaml: error Y011: a submodule, not a file: its files are "
        "not read from the revision; skipped",
        "HEAD:declarations/2024/yangxin-ylbx/big.yaml:1:1: error Y008: file is 9.0 MB; a "
        "declaration may be at most 8 MB",
        "HEAD:declarations/2024/yangxin-ylbx/link.yaml: error Y011: a symbolic link in the "
        "revision: links are not followed in git objects; skipped"]
    report = json.loads(result.stdout.decode("utf-8"))  # strict: valid UTF-8
    added = [d for d in report["declarations"] if d["status"] == "added"]
    assert [(d["id"], d["new_file"]) for d in added] == [
        ("cafe", r"HEAD:declarations/2024/yangxin-ylbx/caf\xe9.yaml")]
    assert report["summary"]["unchanged"] == 5

    read: list[int] = []
    parse = inputs.read_bytes
    monkeypatch.setattr(inputs, "read_bytes", lambda raw, shown: (read.append(len(raw)),
                                                                   parse(raw, shown))[1])
    together = api.diff([], Repository.at(repo), "HEAD~1..HEAD")[0]
    assert len(read) == 5 + 6 and max(read) < 64 * 1024  # the big blob never read
    monkeypatch.setattr(inputs, "BATCH_BYTES", 1)  # one `git cat-file --batch` per blob
    apart = api.diff([], Repository.at(repo), "HEAD~1..HEAD")[0]
    assert [(d.label, d.status) for d in apart.declarations] == \
        [(d.label, d.status) for d in together.declarations]


def test_textconv_shows_what_it_cannot_read_as_text(tmp_path: Path) -> None:
    file = tmp_path / "x.yaml"
    file.write_bytes(b"kind: project\nname: \x1b]2;owned\x07 \xe2\x80\xae\r\n")
    result = subprocess.run([sys.executable, "-m", "perfdecl", "diff", "--textconv", str(file)],
                            capture_output=True, timeout=120)
    assert result.returncode == 0
    assert result.stdout.decode("utf-8") == (
        "# perfdecl: 2:7: control character U+001B in the text\n"
        "kind: project\nname: \\x1b]2;owned\\x07 \\u202e\\r\n")


def test_git_diff_through_the_textconv_driver(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(DECLARATIONS / "2024", repo / "declarations" / "2024")
    git("init", "-q", cwd=repo)
    (repo / ".gitattributes").write_text("declarations/**/*.yaml diff=perfdecl\n",
                                         encoding="utf-8")
    command = f"{sys.executable} -m perfdecl diff --textconv"
    git("config", "diff.perfdecl.textconv", command, cwd=repo)
    git("add", ".", cwd=repo)
    git("commit", "-qm", "2024", cwd=repo)
    file = repo / "declarations/2024/yangxin-ylbx/jihe-gongzuo.yaml"
    file.write_text(file.read_text(encoding="utf-8").replace("\n  total: 80", "\n  total: 85"),
                    encoding="utf-8")
    shown = git("diff", cwd=repo)
    assert "-项目资金申请 › 资金总额: 80\n+项目资金申请 › 资金总额: 85" in shown
    assert "    total:" not in shown  # not the YAML lines


@pytest.mark.slow
def test_tracked_changes_docx(rolled: Path, tmp_path: Path) -> None:
    out = tmp_path / "changes.docx"
    result = run("diff", ROLLED_OLD, ROLLED_NEW, "-f", "docx", "--out", str(out), cwd=rolled)
    assert result.returncode == 0, result.stderr
    xml = zipfile.ZipFile(out).read("word/document.xml").decode("utf-8")
    inserted = re.findall(r"<w:ins [^>]*>(?:(?!</w:ins>).)*?<w:t[^>]*>(.*?)</w:t>", xml)
    deleted = re.findall(r"<w:del [^>]*>(?:(?!</w:del>).)*?<w:delText[^>]*>(.*?)</w:delText>",
                         xml)
    assert re.search(r'<w:ins [^>]*w:author="perfdecl" w:date="2024-01-01T00:00:00Z"', xml)
    assert "困难群体应代缴尽代缴" in inserted  # the new goal
    assert "资金" in inserted  # 拨付时限 renamed 资金拨付时限: only the new characters
    assert "95%以上" in "".join(deleted) and "≥98%" in "".join(inserted)
    assert "12" in deleted and "14.3" in inserted  # the amount, as the form prints it
    profile = tmp_path / "profile"
    subprocess.run(["libreoffice", f"-env:UserInstallation=file://{profile}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(out)],
                   capture_output=True, timeout=300, check=False)
    assert (tmp_path / "changes.pdf").stat().st_size > 0


def test_docx_needs_an_output_file() -> None:
    result = run("diff", *PAIRS["yangxin-forms"][0], "-f", "docx")
    assert result.returncode == 2 and "--out" in result.stderr


def test_history_comes_from_the_earlier_declaration(rolled: Path, perfdecl) -> None:  # type: ignore[no-untyped-def]
    """附2-2 shows 前年 and 上年: taken from the repository's earlier declarations."""
    repo = rolled.parent / "history"
    shutil.copytree(DECLARATIONS / "2024", repo / "declarations" / "2024")
    assert perfdecl("new", "--from", "declarations/2024/yangxin-ylbx/yangxin-ylbx-zhengti.yaml",
               "--year", "2025", cwd=repo).exit_code == 0
    rolled_file = repo / "declarations/2025/yangxin-ylbx/yangxin-ylbx-zhengti.yaml"
    text = rolled_file.read_text(encoding="utf-8")
    assert "fiscal_year: 2025" in text and "year: 2022" not in text
    # typed history removed: the build must find 2024's values in the 2024 declaration
    stripped = re.sub(r"\n +history:\n(?: +- year: \d+\n +value: .*\n)+", "\n", text)
    rolled_file.write_text(stripped, encoding="utf-8")
    result = perfdecl("build", "declarations/2025", "--to", "html", cwd=repo)
    assert result.exit_code == 0, result.stdout + result.stderr
    html = (repo / "build/2025/yangxin-ylbx/yangxin-ylbx-zhengti.html").read_text(
        encoding="utf-8")
    row = re.search(r"<tr>(?:(?!</tr>).)*寄信量(?:(?!</tr>).)*</tr>", html[html.index("年度绩效指标"):],
                    re.S)
    assert row and row.group(0).count("10000封") >= 2, row


def test_textconv_names_an_indicator_s_values_in_the_form_s_words() -> None:
    """git's view of a declaration reads as the form does: an indicator's standard and
    history by their titles, years as years, in one language (no `history=2025，…`)."""
    from perfdecl.diff.textconv import facts

    lines = facts(DECLARATIONS / "2024/yangxin-ylbx/yangxin-ylbx-zhengti.yaml").splitlines()
    assert ("部门整体绩效指标 › 年度绩效指标 › 产出指标 › 数量指标 › 寄信量: 10000封  "
            "（近两年指标值：2022年 9000封、2023年 10000封）") in lines
    shown = facts(DECLARATIONS / "2023/shifeng-sbzx/zhiye-nianjin-jishi.yaml")
    assert "记实人员: 160人  （指标值确定依据：计划标准）" in shown
    assert not re.search(r"\b(history|standard|note)=", shown)


@given(st.dates(), st.dates(), st.booleans())
def test_a_date_is_diffed_as_a_date(old: datetime.date, new: datetime.date,
                                    months: bool) -> None:
    """A changed date or month reads old → new, never cut into characters
    (20[-19-]{+20+}-0…), in every reporter that marks changes inside a value."""
    from perfdecl.diff.changes import inline

    def spelt(day: datetime.date) -> str:
        return f"{day.year:04d}-{day.month:02d}" if months else day.isoformat()

    assert inline(spelt(old), spelt(new)) == ()


def test_a_changed_filing_date_reads_old_to_new(tmp_path: Path, perfdecl) -> None:  # type: ignore[no-untyped-def]
    old = DECLARATIONS / "2019/shigu-sbzx/jichu-yanglaojin-peitao.yaml"
    new = tmp_path / old.name
    new.write_text(old.read_text(encoding="utf-8").replace("filed_on: 2019-05-21",
                                                           "filed_on: 2020-06-18"),
                   encoding="utf-8")
    shown = perfdecl("diff", str(old), str(new)).stdout
    assert "填报日期: 2019-05-21 → 2020-06-18" in shown
