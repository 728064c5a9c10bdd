"""What each kind of form asks, by label: the labels the paper forms (and the layouts
in templates/) print for each field of a declaration, in all their wordings.

A field is (data path, labels, type). Labels are compared normalised (labels.norm), so
项 目 名 称, 项目名称： and 一、财政拨款 match 项目名称 and 财政拨款. The first label found
with a value gives the field; a second label of the same field with another value is
reported as a conflict. Labels the forms print that are no field (section headings,
review boxes) are listed too, so that they are not reported as text that could not be
placed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .labels import norm


@dataclass(frozen=True)
class Field:
    path: str
    labels: tuple[str, ...]
    type: str
    """text, items, refs, tasks, amount, period, date, choice:NAME, phone, code, fc, unit,
    person, goals-long"""


STATUS = {"新增项目": "新增", "新增专项": "新增", "新增": "新增",
          "延续项目": "延续", "延续专项": "延续", "持续性项目": "延续", "持续项目": "延续",
          "延续性项目": "延续", "延续": "延续", "持续": "延续"}
CLASSIFICATION = {"常年性项目": "常年性", "延续性项目": "延续性", "一次性项目": "一次性",
                  "常年性": "常年性", "延续性": "延续性", "一次性": "一次性"}
CATEGORY = {"其他运转类": "其他运转类", "其他运转类项目": "其他运转类",
            "特定目标类-本级支出项目": "特定目标类-本级支出",
            "特定目标类-本级支出": "特定目标类-本级支出",
            "特定目标类-转移性支出项目": "特定目标类-转移性支出",
            "特定目标类-转移性支出": "特定目标类-转移性支出"}
CHOICES = {"status": STATUS, "classification": CLASSIFICATION, "category": CATEGORY}
STANDARDS = ("计划标准", "行业标准", "历史标准", "其他标准")

_PERSON = (
    Field("preparer.name", ("填报人", "填表人", "填报人员"), "person"),
    Field("phone", ("联系电话", "电话", "联系方式"), "phone"),
    Field("filed_on", ("填报日期", "填表日期", "日期"), "date"),
)
_COMMON = (
    *_PERSON,
    Field("notes", ("其他需说明的问题", "其他需要说明的问题", "其他说明"), "text"),
    Field("supervising_department.name", ("主管部门", "主管部门名称", "一级部门名称"), "text"),
    Field("supervising_department.name", ("主管部门及代码",), "name-and-code"),
    Field("supervising_department.code", ("主管部门编码", "主管部门代码", "代码"), "code"),
)

FIELDS: dict[str, tuple[Field, ...]] = {
    "project": (
        Field("name", ("项目名称",), "text"),
        Field("parent_project", ("对应一级项目名称", "一级项目名称"), "text"),
        Field("status", ("项目属性",), "choice:status"),
        Field("classification", ("项目分类",), "choice:classification"),
        Field("category", ("项目类别",), "choice:category"),
        Field("unit.name", ("项目单位", "实施单位", "申报单位", "填报单位", "项目实施单位"),
              "unit"),
        Field("leader.name", ("项目负责人", "负责人"), "person"),
        Field("period", ("项目起止时间", "项目期", "项目实施期", "实施期", "起止时间"),
              "period"),
        Field("funding.total", ("资金总额", "年度资金总额", "项目当年预算", "当年预算"),
              "amount"),
        Field("funding.multi_year_total", ("项目总预算", "中期资金总额"), "amount"),
        Field("funding.fiscal", ("财政拨款",), "amount"),
        Field("funding.general_budget", ("公共预算财政拨款", "一般公共预算拨款", "一般公共预算",
                                         "一般公共预算财政拨款"), "amount"),
        Field("funding.government_fund", ("政府性基金预算财政拨款", "政府性基金拨款",
                                          "政府性基金"), "amount"),
        Field("funding.own", ("自有资金",), "amount"),
        Field("funding.other", ("其他资金", "其他"), "amount"),
        Field("funding.prior_year_balance", ("使用上年度财政拨款结余",), "amount"),
        Field("functional_classification", ("支出功能类科目", "支出功能分类科目"), "fc"),
        Field("overview", ("项目概况", "项目概况、内容及依据", "项目概况(内容及依据)"), "text"),
        Field("policy_references", ("项目立项的依据", "立项依据", "项目立项依据"), "refs"),
        Field("feasibility", ("项目申报的可行性",), "text"),
        Field("necessity", ("项目申报的必要性",), "text"),
        Field("prior_years", ("项目前两年预算安排、使用情况及当年预算变动情况",), "text"),
        Field("expenses.basis", ("测算依据及说明",), "text"),
        Field("goals.long_term", ("长期目标", "中期目标", "长期绩效目标"), "items"),
        Field("goals.annual", ("年度目标", "年度绩效目标"), "items"),
        *_COMMON,
    ),
    "special_fund": (
        Field("name", ("专项名称",), "text"),
        Field("status", ("专项属性",), "choice:status"),
        Field("unit.name", ("部门名称", "实施单位", "填报单位"), "unit"),
        Field("funding.total", ("资金总额", "专项金额"), "amount"),
        Field("period", ("实施期", "专项实施期", "项目实施期"), "period"),
        Field("duties", ("部门相应职能职责概述", "部门职能职责概述", "部门职责概述"), "items"),
        Field("policy_references", ("专项立项依据", "立项依据"), "refs"),
        Field("goals.long_term", ("专项长期绩效目标", "长期绩效目标", "实施期绩效目标"), "items"),
        Field("goals.annual", ("专项年度绩效目标", "年度绩效目标"), "items"),
        Field("measures", ("专项实施保障措施", "保障措施"), "text"),
        *_COMMON,
    ),
    "department": (
        Field("name", ("部门名称", "部门(单位)名称", "单位名称"), "text"),
        Field("unit.name", ("填报单位",), "unit"),
        Field("funding.total", ("资金总额",), "amount"),
        Field("funding.general_budget", ("一般公共预算拨款", "一般公共预算"), "amount"),
        Field("funding.government_fund", ("政府性基金拨款", "政府性基金"), "amount"),
        Field("funding.fiscal", ("财政拨款",), "amount"),
        Field("funding.own", ("自有资金",), "amount"),
        Field("funding.other", ("其他资金",), "amount"),
        Field("funding.basic", ("基本支出",), "amount"),
        Field("funding.project", ("项目支出",), "amount"),
        Field("duties", ("部门职责概述", "部门职能概述", "部门职能职责概述"), "items"),
        Field("key_tasks", ("年度工作任务",), "tasks"),
        Field("goals.annual", ("年度总体目标", "年度目标", "年度绩效目标"), "items"),
        Field("goals.long_term", ("长期目标", "长期绩效目标"), "items"),
        *_COMMON,
    ),
    "expenditure_direction": (
        Field("name", ("支出方向", "支出方向名称"), "text"),
        Field("special_fund.name", ("所属专项", "名称", "专项名称", "所属专项名称"), "text"),
        Field("special_fund.amount", ("专项金额", "金额", "所属专项金额"), "amount"),
        Field("funding.total", ("项目金额", "支出方向金额"), "amount"),
        Field("period", ("项目实施期", "实施期"), "period"),
        Field("unit.name", ("填报单位",), "unit"),
        Field("goals.long_term", ("实施期绩效目标", "长期绩效目标"), "items"),
        Field("goals.annual", ("年度绩效目标",), "items"),
        *_COMMON,
    ),
    "fund_summary": (
        Field("unit.name", ("填报单位",), "unit"),
        *_PERSON,
    ),
}

SECTIONS = (
    "项目资金申请", "项目资金", "总体目标", "项目资金来源", "资金来源", "项目立项情况", "项目实施进度计划",
    "项目绩效目标", "项目支出明细预算", "专项实施进度计划", "年度预算申请", "按收入性质分",
    "按支出性质分", "年度部门整体支出预算", "年度重点工作计划", "年度主要任务", "整体绩效总目标",
    "总体资金情况", "当年金额", "占比", "近两年收支金额", "部门总体收入构成", "资金情况支出构成",
    "项目支出情况", "支出明细及测算说明", "长期绩效指标", "年度绩效指标", "绩效指标",
    "项目年度绩效指标", "专项年度绩效指标", "实施期绩效指标", "财政部门预算管理科室审核意见",
    "财政绩效管理部门审核意见", "主管部门审核意见", "财政部门审核意见", "单位负责人签字",
    "金额单位", "单位", "合计", "序号",
)
"""Labels that head a part of a form and are no field themselves."""

BOILERPLATE = re.compile(
    r"^(附件?表?\d+(-\d+)*|附\d+-\d+|\(?\d{4}年度?\)?|\(本表在项目库审核阶段报送\)|\(?盖章\)?|"
    r"年月日|…+|\.{3,}|(长期|年度|中期)目标\d*:?|填报单位:?\(?盖章\)?|"
    r"[^:]{0,24}审核意见:?(年月日)?|单位负责人签字:?(年月日)?|金额单位:?万?元|单位:?万?元)$")
"""Text the forms print that holds nothing to import (numbers of attachments, the year
under the title, the empty review boxes with their 盖章 and 年 月 日, the ……), compared
normalised (labels.norm). A review box that holds an opinion is text no field takes."""

GOAL_LINE = re.compile(r"^\s*(长期|中期|年度)目标\s*\d*\s*[:：](.*)$", re.S)
"""A goal written again where a layout repeats it (附2-2 prints 长期目标1：… above the
indicators): taken when it is one of the goals read, reported otherwise."""


def labels_of(kind: str) -> dict[str, Field]:
    """Every label of a kind's fields, normalised, with its field."""
    out: dict[str, Field] = {}
    for field in FIELDS[kind]:
        for label in field.labels:
            out.setdefault(norm(label), field)
    return out


INDICATOR_HEADERS = {
    "一级指标": "l1", "二级指标": "l2",
    "三级指标": "name", "指标内容": "name", "指标名称": "name", "三级指标名称": "name",
    "绩效指标名称": "name", "具体指标": "name",
    "指标值": "target", "指标值及单位": "target", "年度指标值": "target", "目标值": "target",
    "指标值(及单位)": "target", "预期指标值": "target",
    "绩效标准": "standard", "指标值确定依据": "standard", "指标确定依据": "standard",
    "确定依据": "standard", "指标值确定依据(绩效标准)": "standard",
    "备注": "note", "近两年指标值": "history", "前年": "history:-2", "上年": "history:-1",
    "预期当年实现值": "expected",
}
SCHEDULE_HEADERS = {
    "项目实施内容": "task", "专项实施内容": "task", "实施内容": "task",
    "开始时间": "start", "计划开始时间": "start",
    "完成时间": "end", "计划完成时间": "end", "结束时间": "end",
}
EXPENSE_HEADERS = {
    "支出内容简介": "summary", "项目支出明细": "item", "支出明细": "item", "明细": "item",
    "金额": "amount", "金额(万元)": "amount",
    "支出测算依据及过程说明": "basis", "测算依据及说明": "basis", "测算依据": "basis",
}
TASK_HEADERS = {
    "事项": "task", "任务名称": "task", "工作事项": "task",
    "责任单位/科室": "responsible", "责任单位": "responsible", "责任科室": "responsible",
    "工作目标": "goal", "主要内容(工作目标)": "goal", "主要内容": "goal",
}
SUMMARY_HEADERS = {
    "序号": "number", "名称": "name", "金额": "amount", "实施期绩效目标": "long_term",
    "年度绩效目标": "annual",
}
PROJECTS_HEADERS = {"项目名称": "name", "项目类型": "type", "项目总预算": "multi",
                    "项目本年度预算": "total", "项目主要支出方向和用途": "use"}

LEVEL2_ALIASES = {
    "社会公众或服务对象满意度指标": "服务对象满意度指标",
    "社会公众及服务对象满意度指标": "服务对象满意度指标",
    "社会公众满意度指标": "服务对象满意度指标",
    "服务对象满意度": "服务对象满意度指标",
    "满意度": "服务对象满意度指标",
    "满意度指标": "服务对象满意度指标",
    "可持续影响": "可持续影响指标",
    "经济成本": "经济成本指标", "社会成本": "社会成本指标", "生态环境成本": "生态环境成本指标",
    "数量": "数量指标", "质量": "质量指标", "时效": "时效指标", "成本": "成本指标",
    "经济效益": "经济效益指标", "社会效益": "社会效益指标", "生态效益": "生态效益指标",
}
