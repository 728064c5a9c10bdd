"""The indicator framework (三级指标体系): which level-2 categories sit under which level 1.

Two generations coexist: older forms keep 成本指标 as a level-2 category under 产出指标;
newer ones make 成本指标 a level-1 category of its own.
"""

from __future__ import annotations

FRAMEWORK: dict[str, tuple[str, ...]] = {
    "产出指标": ("数量指标", "质量指标", "时效指标", "成本指标"),
    "成本指标": ("经济成本指标", "社会成本指标", "生态环境成本指标"),
    "效益指标": ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"),
    "满意度指标": ("服务对象满意度指标",),
}
LEVEL1 = tuple(FRAMEWORK)

REQUIRED_LEVEL1 = ("产出指标", "效益指标", "满意度指标")
"""Every declaration needs at least one indicator under each of these."""

ALIASES = {
    "社会公众或服务对象满意度指标": "服务对象满意度指标",
    "社会公众及服务对象满意度指标": "服务对象满意度指标",
    "满意度": "服务对象满意度指标",
    "可持续影响": "可持续影响指标",
}
"""Wordings the paper forms use for a framework category, and the name to write instead."""


def level1_of(level2: str) -> str | None:
    """The level-1 category a level-2 name belongs to (成本指标 → 产出指标, old framework)."""
    name = ALIASES.get(level2, level2)
    for level1, children in FRAMEWORK.items():
        if name in children:
            return level1
    return None


def is_cost(level1: str, level2: str) -> bool:
    """Whether a category holds cost indicators, in either generation of the framework."""
    return level1 == "成本指标" or level2 == "成本指标"
