"""Wording: goals present and whole, targets specific, no leftovers or typos."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..domain import FILING_FIELDS
from ..errors import DataPath, Severity
from ..i18n import N_, _
from ..model import Partial
from ..targets import normalise
from ..unprinted import label as schema_label
from . import vocabulary
from .registry import Hit, field_shown, on_form, rule

E, W = Severity.ERROR, Severity.WARNING

VAGUE = vocabulary.words("vague", "phrases")
"""Phrases that promise a direction without a level: a reviewer cannot verify them."""
VAGUE_WHOLE = vocabulary.words("vague", "whole")
"""Targets that are vague when they are the whole target."""

_LEFTOVER = re.compile(r"\*\*|(?<![A-Za-z])(?:20)?[Xx×]{2,}(?![A-Za-z])|○○|〇〇|某某|TODO|TBD")
_PLACEHOLDER_WHOLE = {"…", "……", "...", "/", "-", "—", "——", "待定", "待补充", "略"}
_ALLOWED_TWICE = vocabulary.characters("doubled", "allowed")
_DOUBLED = re.compile(r"([\u4e00-\u9fff])\1(?!([\u4e00-\u9fff])\2)")
"""A Chinese character written twice, not as the first pair of AABB (的的确确)."""


_NOT_UNIT = {
    "project": N_("the name {name} is the unit's name, not the project's"),
    "special_fund": N_("the name {name} is the unit's name, not the special_fund's"),
    "expenditure_direction":
        N_("the name {name} is the unit's name, not the expenditure_direction's"),
}
"""W005's message for each kind of declaration (a department's name may be its unit's)."""


def _strings(node: Any, path: DataPath = ()) -> Iterator[tuple[DataPath, str]]:
    """Every text in what validated, with its path (items cut out are skipped: not text);
    identifiers (the id, the unit's id, the layout) are no text of the form."""
    if path in FILING_FIELDS:
        return
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _strings(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _strings(v, (*path, i))
    elif isinstance(node, str):
        yield path, node


@rule("W001", W, "vague-target", N_("targets are specific (not 有所提升, 进一步提高, 明显改善 …)"))
def vague_target(d: Partial) -> Iterator[Hit]:
    for ind in d.all_indicators():
        if ind.target is None:
            continue
        text = normalise(ind.target.text)
        if text == normalise(ind.name.value):
            continue  # the target repeats the name: I008 says so, once
        phrase = next((p for p in VAGUE if p in text), None)
        if phrase or text in VAGUE_WHOLE:
            message = (_("vague target {target} ({phrase})") if phrase and phrase != text
                       else _("vague target {target}"))
            yield Hit((*ind.path, "target"),
                      message.format(target=ind.target.text, phrase=phrase),
                      hint=_("say how much: a number (≥5%, ≥1500人) or a graded statement"))


@rule("W002", E, "leftover", N_("no placeholders left in (**, XX, 20XX, ……, 待定)"))
def leftover(d: Partial) -> Iterator[Hit]:
    for path, text in _strings(d.valid):
        match = _LEFTOVER.search(text)
        if match:
            yield Hit(path, _("placeholder {placeholder} left in the text")
                      .format(placeholder=match.group(0)),
                      hint=_("write what the form asks for in its place"))
        elif text.strip() in _PLACEHOLDER_WHOLE:
            yield Hit(path, _("placeholder {placeholder} instead of a value")
                      .format(placeholder=text.strip()),
                      hint=_("leave the field out when there is nothing to say"))


@rule("W003", W, "goal-truncated", N_("goals are whole sentences, not fragments"))
def goal_truncated(d: Partial) -> Iterator[Hit]:
    if not d.goals:
        return
    for goal in (*d.goals.long_term, *d.goals.annual):
        if len(re.sub(r"[\W_]", "", goal.value)) < 4:
            yield Hit(goal.path, _("the goal {goal} looks cut off").format(goal=goal.value),
                      hint=_("a goal says what the money achieves, in a sentence"))


@rule("W004", W, "doubled-word", N_("no doubled characters such as 的的"))
def doubled_word(d: Partial) -> Iterator[Hit]:
    for path, text in _strings(d.valid):
        match = next((m for m in _DOUBLED.finditer(text)
                      if m.group(1) not in _ALLOWED_TWICE and not _after_pair(text, m)), None)
        if match:
            yield Hit(path, _("{doubled} looks like a typo").format(doubled=match.group(0)))


def _after_pair(text: str, m: re.Match[str]) -> bool:
    """Whether the doubled pair closes an AABB word (确确 in 的的确确)."""
    before = text[max(0, m.start() - 2):m.start()]
    return len(before) == 2 and before[0] == before[1]


@rule("W005", E, "name-not-unit", N_("the project's name is not the unit's name"))
def name_not_unit(d: Partial) -> Iterator[Hit]:
    if d.kind != "department" and d.name is not None and d.unit_name is not None \
            and normalise(d.name.value) == normalise(d.unit_name):
        message = _(_NOT_UNIT[d.kind]) if d.kind in _NOT_UNIT else \
            _("the name {name} is the unit's name, not the {kind}'s")
        yield Hit(d.name.path, message.format(name=d.name.value, kind=d.kind),
                  hint=_("write the project's own name (项目名称)"))


@rule("W006", W, "goals-present", N_("annual and long-term goals (绩效目标) are stated"))
def goals_present(d: Partial) -> Iterator[Hit]:
    if d.kind == "department":
        if not d.goals and "key_tasks" not in d.data and not d.lost(("goals",), ("key_tasks",)):
            yield Hit(("goals",), _("no goals and no key tasks (年度重点工作)"), missing=True)
        return
    goals = d.goals
    if (goals is None or not goals.annual) and not d.lost(("goals", "annual")):
        yield Hit(("goals", "annual") if goals else ("goals",), _("no annual goal (年度目标)"),
                  missing=True, hint=_("say what this year's money achieves"))
    if (goals is None or not goals.long_term) and not d.lost(("goals", "long_term")) \
            and on_form(d, "goals.long_term.*"):  # a one-year form has no such row
        yield Hit(("goals", "long_term") if goals else ("goals",),
                  _("no long-term goal (长期/中期/实施期目标)"), missing=True)


@rule("W007", W, "basis-computes",
      N_("测算依据 shows the calculation (quantities × unit prices)"))
def basis_computes(d: Partial) -> Iterator[Hit]:
    e = d.expenses
    if e is None:
        return
    bases = e.bases
    if not bases and not d.lost(("expenses", "items", "*", "basis"), ("expenses", "basis")):
        yield Hit(e.path, _("the expense lines have no 测算依据"), key=True,
                  hint=_("show how each amount is computed, e.g. 1200人×100元/人=12万元"))
        return
    for basis in bases:
        if not any(ch.isdigit() for ch in normalise(basis.value)):
            yield Hit(basis.path, _("测算依据 shows no calculation"),
                      hint=_("give quantities and unit prices, e.g. 1200人×100元/人=12万元"))


_BOXES = ("status", "classification", "category")
"""Fields the forms print as tick boxes (□新增项目 □延续项目)."""


@rule("W010", W, "blank-on-form",
      N_("what the declaration's form prints a cell or boxes for is filled (项目属性, 项目分类, "
         "项目类别, 可行性 …; rules/vocabulary.toml lists them)"))
def blank_on_form(d: Partial) -> Iterator[Hit]:
    form = d.form
    if form is None:
        return  # a repository's own layout: known to build only
    for name in vocabulary.words("blank", "fields"):
        if name not in form.prints or name in d.valid or d.lost((name,)):
            continue
        label = form.prints[name] or schema_label(d.kind, (name,))
        what = _("its boxes are all unticked") if name in _BOXES else _("its cell is blank")
        yield Hit((name,), _("the form prints {label}, and {what}").format(
            label=label, what=what), missing=True,
            hint=_("fill {field}").format(field=field_shown(d, name)))
