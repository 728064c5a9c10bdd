"""What a blank form's cells become in a template: the form's own text, escaped for
HTML and Jinja; a field's value, printed by its type; tick boxes bound to options."""

from __future__ import annotations

import html
import re

from ..importer import labels as L
from ..importer.specs import (
    CHOICES,
    Field,
)

HOLE = re.compile("\ue000(\\d+)\ue001")


_TYPES = {
    "amount": '{{{{ get("{path}", None)|plain }}}}',
    "items": '{{{{ paragraphs(get("{path}", [])) }}}}',
    "goals-long": '{{{{ paragraphs(get("{path}", [])) }}}}',
    "refs": '{{{{ get("{path}", [])|join("、") }}}}',
    "period": '{{{{ get("{path}", None)|period }}}}',
    "date": '{{{{ get("{path}")|date_cn }}}}',
    "tasks": '{{{{ paragraphs(get("{path}", [])|map(attribute="task")) }}}}',
    "fc": '类：{{{{ get("{path}.class") }}}}　款：{{{{ get("{path}.section") }}}}　'
          '项：{{{{ get("{path}.item") }}}}',
    "name-and-code": '{{{{ get("{path}") }}}}　{{{{ get("supervising_department.code") }}}}',
}


def expression(path: str, found: Field, unit: str = "万元") -> str:
    """What prints the field `path` (read as `found`) in its cell; an amount in the
    money unit of its label (金额（元）) or of the form (单位：元)."""
    kind, _colon, arg = found.type.partition(":")
    unit = arg or unit
    if path == "funding.fiscal":  # 财政拨款: the 一般公共预算 where that is what is declared
        value = ('(get("funding.fiscal", None) if get("funding.fiscal", None) is not none '
                 'else get("funding.general_budget", None))')
        return "{{ " + value + ("|plain" if unit == "万元" else
                                f"|yuan({10_000 if unit == '元' else 10})") + " }}"
    if kind == "amount" and unit in ("元", "千元"):
        per = 10_000 if unit == "元" else 10
        return f'{{{{ get("{path}", None)|yuan({per}) }}}}'
    return _TYPES.get(kind, '{{{{ get("{path}") }}}}').format(path=path)


def literal(text: str) -> str:
    """The form's own text in a template: escaped for HTML, with Jinja's braces as
    character references, so that nothing in it is read as template syntax; a line
    break kept as <br>."""
    escaped = html.escape(text, quote=True).replace("{", "&#123;").replace("}", "&#125;")
    return "<br>".join(escaped.split("\n"))


def tick_boxes(text: str) -> tuple[str, list[tuple[int, int, str]]] | None:
    """The choice a text of tick boxes offers: its field and each box's (start, end,
    value), the box belonging to the option it follows, or precedes when the text starts
    with a box."""
    boxes = [m.start() for m in re.finditer(f"[{L.UNCHECKED}{L.CHECKED}]", text)]
    if not boxes:
        return None
    best: tuple[int, str, list[tuple[int, int, str]]] | None = None
    for name, options in CHOICES.items():
        spans: list[tuple[int, int, str]] = []
        taken: set[int] = set()
        for label in sorted(options, key=len, reverse=True):
            pattern = r"[\s\u3000]*".join("[-—–－]+" if ch == "-" else re.escape(ch)
                                            for ch in label)
            for m in re.finditer(pattern, text):
                if not taken & set(range(m.start(), m.end())):
                    spans.append((m.start(), m.end(), options[label]))
                    taken |= set(range(m.start(), m.end()))
        if spans and (best is None or len(spans) > best[0]):
            best = (len(spans), name, sorted(spans))
    if best is None or best[0] < len(boxes):
        return _by_likeness(text, boxes) or (
            None if best is None else _placed(best[1], best[2], boxes))
    return _placed(best[1], best[2], boxes)


def _placed(name: str, spans: list[tuple[int, int, str]], boxes: list[int]
            ) -> tuple[str, list[tuple[int, int, str]]] | None:
    before = boxes[0] < spans[0][0]
    placed: list[tuple[int, int, str]] = []
    for a, b, value in spans:
        if before:
            box = max((x for x in boxes if x < a), default=None)
        else:
            box = min((x for x in boxes if x >= b), default=None)
        if box is not None and all(box != p[0] for p in placed):
            placed.append((box, box + 1, value))
    return (name, placed) if placed else None


def _likeness(a: str, b: str) -> float:
    return len(set(a) & set(b)) / len(set(a) | set(b)) if a and b else 0.0


def _by_likeness(text: str, boxes: list[int]) -> tuple[str, list[tuple[int, int, str]]] | None:
    """Options in a bureau's own words (常年项目, 运转类其他项目): each box's words taken
    for the option whose name has most of their characters, when every box of the text
    finds one in the same choice; listed for the user to confirm."""
    before = not text[:boxes[0]].strip()
    ends = [*boxes, len(text)]
    words = [text[ends[k] + 1:ends[k + 1]] if before else
             text[(boxes[k - 1] + 1 if k else 0):boxes[k]] for k in range(len(boxes))]
    keys = [re.sub(r"[\s\u3000、,，;；/|:：()（）]", "", w) for w in words]
    for name, options in CHOICES.items():
        placed = []
        for box, key in zip(boxes, keys, strict=True):
            score, label = max(((_likeness(key, label), label) for label in options),
                               default=(0.0, ""))
            if score < 0.6:
                break
            placed.append((box, box + 1, options[label]))
        else:
            if placed and len({v for _a, _b, v in placed}) == len(placed):
                return name, placed
    return None


# ---------------------------------------------------------------------- the writer




def yearless(title: str) -> str:
    return re.sub(r"(?<!\d)\d{4}年度?", "", title)


def comment_safe(text: str) -> str:
    """Text inside a Jinja comment: nothing in it may end the comment."""
    return re.sub(r"[#%]\}|\{[#%{]", lambda m: m.group(0)[0] + " " + m.group(0)[1],
                  re.sub(r"\s+", " ", text))

