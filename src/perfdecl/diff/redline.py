"""The tracked-changes DOCX: the new forms, in their own layouts, with every change
against the old ones as a Word revision (w:ins / w:del, with author and date), so a
reviewer accepts or rejects each one in Word's Review pane.

The old and new data are merged: where a value changed, it becomes a Redline — a str
holding the new text that also remembers the old one. The layout renders the merged
declaration as usual (its filters map over both sides of a Redline), a Redline prints as
insertion and deletion spans, and pandoc writes those as Word revisions.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from .. import export, model
from ..check import check
from ..formcontext import box
from ..i18n import _
from ..model import Declaration
from ..plan import epoch_of
from ..render import Renderer
from ..repository import Repository
from ..schema import navigator
from ..unprinted import label
from .changes import ADDED, REMOVED, inline, show
from .engine import DiffResult, identity, match, pair_indicators
from .text import Segment

AUTHOR = "perfdecl"


class _Revision:
    """What a changed value prints as: its characters deleted and inserted."""

    old: Any
    new: Any
    stamp: str

    def __html__(self) -> str:
        attrs = f'data-author="{AUTHOR}" data-date="{self.stamp}"'
        out = []
        old, new = show(self.old), show(self.new)
        runs = inline(old, new) or [Segment("delete", old), Segment("insert", new)]
        for s in runs:
            if not s.text:
                continue
            text = html.escape(s.text)
            if s.op == "equal":
                out.append(text)
            else:
                kind = "deletion" if s.op == "delete" else "insertion"
                out.append(f'<span class="{kind}" {attrs}>{text}</span>')
        return "".join(out)


class Redline(_Revision, str):
    """A text that changed: the new text, remembering the old value. Compared with
    something, it answers for both sides: where they differ (新增 then, 延续 now), with a
    RevisedTruth, so that a tick box drawn from the comparison is a tracked change too."""

    def __new__(cls, old: Any, new: Any, stamp: str) -> Redline:
        value = str.__new__(cls, show(new))
        value.old, value.new, value.stamp = old, new, stamp
        return value

    def __eq__(self, other: object) -> Any:
        return self._both(lambda v: v == other)

    def __ne__(self, other: object) -> Any:
        return self._both(lambda v: v != other)

    __hash__ = str.__hash__

    def _both(self, test: Callable[[Any], bool]) -> Any:
        old, new = test(self.old), test(self.new)
        return new if old == new else RevisedTruth(old, new, self.stamp)


class RevisedTruth:
    """A condition that held on one side of a change and not on the other; it is the new
    side's answer wherever a template asks, and box() draws both."""

    def __init__(self, old: bool, new: bool, stamp: str) -> None:
        self.old, self.new, self.stamp = old, new, stamp

    def __bool__(self) -> bool:
        return self.new


def redline_box(checked: Any) -> Any:
    """The tick box (□/√), as a tracked change where the condition changed."""
    if isinstance(checked, RevisedTruth):
        return Redline(box(checked.old), box(checked.new), checked.stamp)
    return box(bool(checked))


class RedlineAmount(_Revision, Decimal):
    """An amount that changed: the new amount (0 when removed), remembering the old one,
    so that sums over the form still add up the new figures."""

    def __new__(cls, old: Any, new: Any, stamp: str) -> RedlineAmount:
        value = Decimal.__new__(cls, new if new is not None else 0)
        value.old, value.new, value.stamp = old, new, stamp
        return value


TEXTS = ("target", "value")
"""Fields read as text even when written as a bare number (a target of 1200)."""


def revision(old: Any, new: Any, stamp: str, field: str | int = "") -> Redline | RedlineAmount:
    amounts = [v for v in (old, new) if v is not None]
    if field not in TEXTS and amounts and \
            all(isinstance(v, int | Decimal) and not isinstance(v, bool) for v in amounts):
        return RedlineAmount(old, new, stamp)
    return Redline(old, new, stamp)


def side(value: Any, which: str) -> Any:
    """One side (old or new) of a value that may hold Redlines."""
    if isinstance(value, _Revision):
        return getattr(value, which)
    if isinstance(value, dict):
        return {k: side(v, which) for k, v in value.items()}
    if isinstance(value, list):
        return [side(v, which) for v in value]
    return value


def _holds_redline(value: Any) -> bool:
    if isinstance(value, _Revision):
        return True
    if isinstance(value, dict):
        return any(_holds_redline(v) for v in value.values())
    if isinstance(value, list):
        return any(_holds_redline(v) for v in value)
    return False


def redline_filter(f: Callable[..., Any], stamp: str) -> Callable[..., Any]:
    """A filter that, given a changed value, formats both sides and keeps the change."""

    @functools.wraps(f)
    def wrapped(value: Any, *args: Any, **kwargs: Any) -> Any:
        if not _holds_redline(value):
            return f(value, *args, **kwargs)
        old = f(side(value, "old"), *args, **kwargs) if side(value, "old") is not None else ""
        new = f(side(value, "new"), *args, **kwargs) if side(value, "new") is not None else ""
        return new if old == new else revision(old, new, stamp)

    return wrapped


class Merger:
    """Merges the data of an old and a new declaration into one, with Redlines."""

    def __init__(self, kind: str, stamp: str) -> None:
        self.nav = navigator(kind)
        self.stamp = stamp

    def mark(self, value: Any, how: str, field: str | int = "") -> Any:
        """A value that exists on one side only: every text in it marked added/removed."""
        if isinstance(value, dict):
            return {k: self.mark(v, how, k) for k, v in value.items()}
        if isinstance(value, list):
            return [self.mark(v, how) for v in value]
        if value is None or isinstance(value, bool):
            return value
        return revision(None, value, self.stamp, field) if how == ADDED else \
            revision(value, None, self.stamp, field)

    def merge(self, old: Any, new: Any, path: tuple[str | int, ...] = ()) -> Any:
        field = path[-1] if path else ""
        if old is None:
            return self.mark(new, ADDED, field)
        if new is None:
            return self.mark(old, REMOVED, field)
        if isinstance(old, dict) and isinstance(new, dict):
            if path and path[0] == "indicators" and len(path) == 2:
                return self.indicators(old, new)
            keys = list(new) + [k for k in old if k not in new]
            return {k: self.merge(old.get(k), new.get(k), (*path, k)) for k in keys}
        if isinstance(old, list) and isinstance(new, list):
            name = next((p for p in reversed(path) if isinstance(p, str)), "")
            pairs, gone, _fresh = match(old, new, identity(name))
            partner = {id(b): a for a, b in pairs}
            merged = [self.merge(partner[id(b)], b, (*path, 0)) if id(b) in partner
                      else self.mark(b, ADDED) for b in new]
            return merged + [self.mark(a, REMOVED) for a in gone]
        if old == new or (isinstance(old, int | Decimal) and isinstance(new, int | Decimal)
                          and Decimal(old) == Decimal(new)):
            return new
        return revision(old, new, self.stamp, field)

    def indicators(self, old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
        """An indicator tree in the new one's shape, with the removed indicators kept
        (struck out) where they were."""
        out: dict[str, dict[str, list[Any]]] = {}
        olds = [(l1, l2, item) for l1, c in old.items() for l2, items in c.items()
                for item in items]
        news = [(l1, l2, item) for l1, c in new.items() for l2, items in c.items()
                for item in items]
        pairs, gone, fresh = pair_indicators(olds, news)  # as the diff reports them
        for a, b, _how in pairs:
            out.setdefault(b[0], {}).setdefault(b[1], []).append(self.merge(a[2], b[2]))
        for b in fresh:
            out.setdefault(b[0], {}).setdefault(b[1], []).append(self.mark(b[2], ADDED))
        for a in gone:
            out.setdefault(a[0], {}).setdefault(a[1], []).append(self.mark(a[2], REMOVED))
        return out


def _unit_of(base: Declaration, result: DiffResult, repo: Repository) -> list[Declaration]:
    """The other declarations of the form's unit and year, for its derived tables: those
    of the comparison, else those beside its file."""
    key = (base.fiscal_year, base.unit_id)
    others = [x.new for x in result.declarations if x.new is not None and x.new is not base
              and (x.new.fiscal_year, x.new.unit_id) == key]
    if not others and base.file.is_file():
        others = [x for x in check([base.file], repo).context if (x.fiscal_year, x.unit_id) == key]
    return others


def _stamp(declarations: Sequence[Declaration], fixed: int | None) -> str:
    """The revisions' date: SOURCE_DATE_EPOCH, else the new forms' date (reproducible)."""
    epoch = epoch_of(declarations, fixed) if declarations else (fixed or 0)
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def redline_docx(result: DiffResult, repo: Repository) -> bytes:
    """One DOCX with the form of every changed, added or removed declaration, then the
    changes to values their layouts do not print (未在表中列示的变更), tracked too."""
    shown = [d for d in result.declarations if d.status != "unchanged"]
    sides = [d.new or d.old for d in shown]
    stamp = _stamp([x for x in sides if x is not None], repo.epoch)
    renderer = Renderer(repo.config, wrap_filter=lambda f: redline_filter(f, stamp))
    renderer.env.globals["box"] = redline_box
    pages = []
    unprinted: list[tuple[str, str, _Revision]] = []
    for d in shown:
        base = d.new or d.old
        assert base is not None
        merger = Merger(base.kind, stamp)
        data = merger.merge(d.old.data if d.old else None, d.new.data if d.new else None)
        merged = model.build(base.document, data)
        assert isinstance(merged, model.Declaration)  # two whole declarations merge whole
        form = renderer.render_form(merged, [merged, *_unit_of(base, result, repo)])
        pages.append(form.html)
        unprinted += [(d.label, label(base.kind, path), value) for path in form.unprinted
                      if isinstance(value := _at(data, path), _Revision)]
    if unprinted:
        pages.append(renderer.env.from_string(UNPRINTED).render(changes=unprinted))
    if not pages:
        pages.append(renderer.env.from_string(
            '{% extends "_base.html.j2" %}{% block form %}<p>{{ text }}</p>{% endblock %}'
        ).render(text="没有变化（no changes）"))
    epoch = int(datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp())
    return export.to_docx(export.combine_pages(pages), epoch,
                          _("the tracked-changes document"))


UNPRINTED = """{% extends "_base.html.j2" %}{% block form %}<div class="form">
<h1>未在表中列示的变更</h1>
<p>以下变更所在的栏目不在申报表的版式中。</p>
<table><colgroup><col style="width:25%"><col style="width:30%"><col style="width:45%"></colgroup>
<tr><td class="label">申报表</td><td class="label">栏目</td><td class="label">变更</td></tr>
{% for form, field, value in changes %}<tr><td>{{ form }}</td><td>{{ field }}</td><td>{{ value }}</td></tr>
{% endfor %}</table></div>{% endblock %}"""
"""The page after the forms: the changes no form shows, each a tracked change."""


def _at(data: Any, path: tuple[str | int, ...]) -> Any:
    for part in path:
        data = data[part]
    return data
