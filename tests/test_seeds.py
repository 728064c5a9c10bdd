"""The example declarations and the faithful transcriptions of the seed forms.

declarations/ holds the corrected declarations: they pass `check` (warnings allowed)
and are formatted. tests/seeds/ holds the forms as printed, mistakes included:
`check` reports every mistake found in them, and none of those in the corrected files.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from perfdecl import api
from perfdecl.errors import Finding, Severity
from perfdecl.repository import Repository

from .conftest import DECLARATIONS, REPO, SEEDS
from .wording import assert_clerk_words, clerk_faults, speaking

# (faithful file, code, line): every mistake found in the seed forms. The corrected
# declaration no longer has it, except where the form holds nothing to correct it with
# (UNFIXABLE: a goal left blank stays missing rather than invented).
MISTAKES = [
    # seed 000: 附件1-1 缴费补贴 says （2018年度） on a 2019 form (its filing date, 2019-05-21,
    # says so too: T001's hint gives it, one finding rather than T004 beside it)
    ("2018/shigu-sbzx/jiaofei-butie.yaml", "T001", 20),
    # seed 000: schedule rows copied from 丧葬费补贴
    ("2019/shigu-sbzx/tekun-jiaofei-buzhu.yaml", "X002", 30),
    ("2019/shigu-sbzx/daiban-jingfei.yaml", "X002", 30),
    # seed 000: 生存认证经费's annual goal cut off to 补, its long-term goal blank
    ("2019/shigu-sbzx/shengcun-renzheng.yaml", "W003", 35),
    ("2019/shigu-sbzx/shengcun-renzheng.yaml", "W006", 34),
    # seed 000: 代办经费 has no goals at all
    ("2019/shigu-sbzx/daiban-jingfei.yaml", "W006", 28),
    # seed 000: the 附件2-1 schedule rows have dates but no task
    ("2019/shigu-sbzx/zx-jichu-yanglaojin-peitao.yaml", "S002", 24),
    ("2019/shigu-sbzx/zx-tekun-jiaofei-buzhu.yaml", "S002", 22),
    # seed 001: 附表3-1 合计 53 against a line of 54
    ("2023/shifeng-sbzx/chengxiang-jumin-yanglao.yaml", "A004", 61),
    # seed 001: 约 amounts
    ("2023/shifeng-sbzx/jianguo-laoganbu.yaml", "A006", 54),
    ("2023/shifeng-sbzx/junzhuan-ganbu.yaml", "A006", 60),
    ("2023/shifeng-sbzx/jiguan-yanglao.yaml", "A006", 56),
    # seed 001: 附表3-2-2 states its special fund as 25, not 25.5; its period is 2022
    ("2023/shifeng-sbzx/junzhuan-ganbu.yaml", "X003", 15),
    ("2023/shifeng-sbzx/junzhuan-ganbu.yaml", "T001", 19),
    # seed 001: 附表3-5's expense summary copied from 附表3-4
    ("2023/shifeng-sbzx/kunnan-daijiao.yaml", "X002", 55),
    # seed 002: 附2-1 #1 named after the unit
    ("2024/yangxin-ylbx/zhuanyi-jiexu.yaml", "W005", 11),
    # seed 002: 附2-1 #4 names the supervising department differently
    ("2024/yangxin-ylbx/xinlao-jibao-jiesuan.yaml", "X004", 17),
    # seed 002: 附2-2 gives no amount for the current year, and 的的
    ("2024/yangxin-ylbx/yangxin-ylbx-zhengti.yaml", "A008", 16),
    ("2024/yangxin-ylbx/yangxin-ylbx-zhengti.yaml", "W004", 39),
    # -- what a reviewer sends back, read on the forms as reviewers read them --
    # seed 002: 项目预算数 100000 (元) on a form in 万元 of 10万元
    ("2024/yangxin-ylbx/zhuanyi-jiexu.yaml", "I010", 54),
    ("2024/yangxin-ylbx/tuixiu-shengcun-renzheng.yaml", "I010", 54),
    # seed 000: 5500人 × 7.5元 × 12 = 49.5万 against 74万 asked; seed 001 附表3-4: 160 × 3.1万
    # = 496万 against 500万
    ("2019/shigu-sbzx/jichu-yanglaojin-peitao.yaml", "A009", 23),
    ("2023/shifeng-sbzx/zhiye-nianjin-jishi.yaml", "A009", 54),
    # seed 000: 代办经费's 确保征缴收入, 社会效益 in the long-term table, 经济效益 in the annual
    ("2019/shigu-sbzx/daiban-jingfei.yaml", "I015", 43),
    # seed 002: 项目属性, 项目分类 and 项目类别 unticked on the four projects
    ("2024/yangxin-ylbx/zhuanyi-jiexu.yaml", "W010", 16),
    ("2024/yangxin-ylbx/tuixiu-shengcun-renzheng.yaml", "W010", 15),
    ("2024/yangxin-ylbx/xinlao-jibao-jiesuan.yaml", "W010", 15),
    ("2024/yangxin-ylbx/jihe-gongzuo.yaml", "W010", 15),
    # seed 000: 项目申报的可行性 blank on the seven project forms
    *[(f"{year}/shigu-sbzx/{name}.yaml", "W010", line) for year, name, line in [
        (2018, "jiaofei-butie", 27), (2019, "daiban-jingfei", 26),
        (2019, "jichu-yanglaojin-peitao", 26), (2019, "sangzang-butie", 26),
        (2019, "shengcun-renzheng", 26), (2019, "siwang-jubao-jiang", 26),
        (2019, "tekun-jiaofei-buzhu", 26)]],
    # seed 001: no 成本指标 on a 2023 form (财预〔2021〕101号); 1200 and 160 without a unit
    ("2023/shifeng-sbzx/jiguan-yanglao.yaml", "I021", 26),
    ("2023/shifeng-sbzx/zhiye-nianjin-jishi.yaml", "I021", 26),
    ("2023/shifeng-sbzx/kunnan-daijiao.yaml", "I005", 30),
    ("2023/shifeng-sbzx/zhiye-nianjin-jishi.yaml", "I005", 30),
    # seed 002: 工作任务完成率 under 时效指标 and under 生态效益指标; vague targets
    ("2024/yangxin-ylbx/tuixiu-shengcun-renzheng.yaml", "I014", 49),
    ("2024/yangxin-ylbx/jihe-gongzuo.yaml", "I014", 65),
    ("2024/yangxin-ylbx/zhuanyi-jiexu.yaml", "W001", 62),
]
UNFIXABLE = {("2019/shigu-sbzx/shengcun-renzheng.yaml", "W006"),
             ("2019/shigu-sbzx/daiban-jingfei.yaml", "W006"),
             # what only the unit can say: which figure is right, which category, which
             # boxes, what the project's feasibility was, its cost, how much is 有所提升;
             # and which row of a form printing one per category a share of work belongs in
             *[(file, code) for file, code, _line in MISTAKES if code in (
                 "A009", "I015", "W010", "I021", "I014", "W001")]}


@pytest.fixture(scope="module")
def faithful() -> api.CheckResult:
    return api.check([SEEDS], Repository.at(REPO))


@pytest.fixture(scope="module")
def corrected() -> api.CheckResult:
    return api.check([DECLARATIONS], Repository.at(REPO))


def test_corrected_declarations_have_no_errors(corrected: api.CheckResult) -> None:
    assert corrected.errors == 0, [f for f in corrected.findings if f.severity == "error"]
    assert len(corrected.files) == 22
    assert len(corrected.declarations) == 22


def test_check_exits_0_on_declarations(perfdecl) -> None:  # type: ignore[no-untyped-def]
    result = perfdecl("check", "declarations", cwd=REPO)
    assert result.exit_code == 0
    assert "22 files checked: 0 errors" in result.stdout


def test_declarations_are_formatted(perfdecl) -> None:  # type: ignore[no-untyped-def]
    result = perfdecl("fmt", "--check", "declarations", "tests/seeds", cwd=REPO)
    assert result.exit_code == 0, result.stdout


def test_every_declaration_has_its_faithful_transcription() -> None:
    corrected = {p.name for p in DECLARATIONS.rglob("*.yaml")}
    faithful = {p.name for p in SEEDS.rglob("*.yaml")}
    assert corrected == faithful


@pytest.mark.parametrize(("file", "code", "line"), MISTAKES,
                         ids=[f"{c}-{f.split('/')[-1]}" for f, c, _ in MISTAKES])
def test_mistake_in_seed_form_is_reported(faithful: api.CheckResult,
                                          corrected: api.CheckResult,
                                          file: str, code: str, line: int) -> None:
    path = SEEDS / file
    found = [f for f in faithful.findings if f.file == path and f.code == code]
    assert [f.line for f in found] and line in [f.line for f in found], \
        f"{code} not reported at {file}:{line}: {[(f.code, f.line) for f in faithful.findings if f.file == path]}"
    if (file, code) in UNFIXABLE:
        return
    counterpart = next(DECLARATIONS.rglob(Path(file).name))
    message = found[0].message
    assert not any(f.file == counterpart and f.code == code and f.message == message
                   for f in corrected.findings), f"{code} still reported on {counterpart}"


def test_faithful_findings_golden(perfdecl, golden) -> None:  # type: ignore[no-untyped-def]
    """Everything check says about the seed forms as printed; read when it changes."""
    result = perfdecl("check", "tests/seeds", cwd=REPO)
    assert result.exit_code == 1
    golden(SEEDS / "findings.txt", result.stdout)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_findings_name_the_form_not_keys_or_files(lang: str) -> None:
    """Every finding on the seeds, the corrected declarations and the bad inputs, in both
    languages: a field by its label first, its key only after it, another declaration by
    its form and name (wording.py)."""
    bad = sorted((REPO / "tests" / "bad").glob("*.yaml"))
    with speaking(lang):
        findings = [f for paths in ([SEEDS], [DECLARATIONS], bad)
                    for f in api.check(paths, Repository.at(REPO)).findings]
    assert {f.code for f in findings} >= {"S001", "S002", "S003", "S004", "X002", "W010",
                                           "T001", "A008", "Y002"}
    assert_clerk_words(findings)


def test_the_wording_check_tells_a_bare_key_and_a_file() -> None:
    """The check above fails on what the issue named: a key before or without its label,
    a bare data path, another declaration's file."""
    def faults(message: str, hint: str | None = None, code: str = "W010") -> int:
        return len(list(clerk_faults(Finding(code, Severity.WARNING, message, Path("x.yaml"),
                                             hint=hint))))

    assert faults("m", "fill `status` (项目属性)") == 1
    assert faults("m", "is `fiscal_year` right?") == 1
    assert faults("layout national does not print 1 declared value: 长期目标 (goals.long_term[0])") == 1
    assert faults("goal 补 is the same as in 2019/shigu-sbzx/sangzang-butie.yaml") == 1
    assert faults("m", "fill 项目属性 (`status`)") == 0
    assert faults("缺少年度（`fiscal_year`）") == 0
    assert faults("实施内容 ×2 (`schedule[0].task` …)") == 0
    assert faults("a declaration starts with 表格种类 (`kind:`)") == 0
    assert faults("unknown field `fiscal_yaer`", code="S001") == 0  # it has no label
    assert faults("`perfdecl rules` lists them; write `kind: project`") == 0  # not keys
