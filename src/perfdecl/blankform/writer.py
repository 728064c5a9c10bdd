"""The template of a blank form, written row by row: its tables with their merges and
widths, each cell bound, labelled or kept as text, growing tables as loops."""

from __future__ import annotations

import re

from ..domain import GENERATED_LAYOUT as GENERATED
from ..domain import GENERATIONS, NEW, OLD
from ..i18n import _
from ..importer import labels as L
from ..importer.forms import title_kind
from ..importer.grid import Cell, Row, column_name, distinct
from ..importer.halves import find_halves, term_column, term_heading
from ..importer.reader import INLINE_LABEL, LEVELS
from ..importer.specs import (
    BOILERPLATE,
    LEVEL2_ALIASES,
)
from .binding import Binder, Generated, Unbound
from .cells import HOLE, comment_safe, literal, tick_boxes, yearless
from .tables import FILLER, LEVEL1_NAMES, Group, goal_field


class Writer(Binder):
    """Writes the template: write() reads the form's tables, binds its cells (Binder)
    and prints it row by row."""

    def cell_html(self, cell: Cell, row: Row) -> tuple[str, bool]:
        """The cell's content and whether it is a label."""
        text = cell.text
        if HOLE.search(text):
            bound = [int(h) for h in HOLE.findall(text)]
            for n in bound:
                if n not in self.bindings and not self._total(cell, row):
                    if text.strip() == f"\ue000{n}\ue001":
                        self.unbound(row, cell, "", _("a blank cell no label names: left "
                                                      "blank"))
                    else:
                        label = INLINE_LABEL.search(text)
                        self.unbound(row, cell, label.group(0) if label else "",
                                     _("a label whose value could not be placed"))
            plain = HOLE.sub("", text)
            return self.fill(text, cell, row), bool(plain.strip()) and not \
                any(n in self.bindings for n in bound)
        options = tick_boxes(text)
        if options is not None:
            name, boxes = options
            path = name
            out, last = [], 0
            for a, b, value in boxes:
                out.append(self.text(text[last:a]))
                out.append(f'{{{{ box(get("{path}") == "{value}") }}}}')
                last = b
                self.out.choices.append((L.squeeze(text), path, value))
            out.append(self.text(text[last:]))
            return "".join(out), False
        key = L.norm(text)
        known = bool(key) and (self._known(key) or id(cell) in self.header_cells)
        if key and not known and not BOILERPLATE.match(key) and \
                not L.is_blank(text) and not title_kind(text):
            self.unbound(row, cell, text, _("kept as the form's text"))
        shown = self.text(text)
        if known and re.search("20(××|xx|XX)", text) and \
                goal_field(text, self.fields) == "goals.long_term":
            ends = iter(("from", "until"))  # 中期目标（20××年—20××年）: the goals' years
            shown = re.sub("20(××|xx|XX)", lambda _m: f'{{{{ get("goals.long_term_'
                           f'{next(ends, "until")}", "20××") }}}}', shown, count=2)
        return shown, known

    def _known(self, key: str) -> bool:
        """Whether the form's text is a label import knows (a field's, a section's, a
        table's heading, a goals heading with its years, a term's column)."""
        return key in self.known or term_heading(key) is not None or term_column(key)

    def unbound(self, row: Row, cell: Cell | None, text: str, why: str) -> None:
        where = row.where if cell is None or row.is_paragraph else \
            _("{where}, column {column}").format(where=row.where, column=column_name(cell.col))
        self.out.unbound.append(Unbound(where, re.sub(r"\s+", " ", text).strip(), why))

    # ------------------------------------------------------------------- the groups

    def setup(self) -> None:
        counts: dict[str, int] = {}
        for g in self.groups:
            n = counts[g.what] = counts.get(g.what, 0) + 1
            g.var = f"{g.what}{n if n > 1 else ''}" if g.what not in ("indicators", "pairs") \
                else "pairs" if g.what == "pairs" else f"{self._term(g)}_rows"
            if g.what in ("indicators", "pairs"):
                self._indicators(g)
            elif g.what == "goals":
                rows = max(len(g.body), 1)
                lists = [f'get("{path}", [])|length' for path, _c in g.columns]
                g.count = f"[{', '.join(lists)}, {rows}]|max"
            elif g.what == "projects":  # the unit's project declarations (derived)
                g.var = "projects"
                g.count = f"[projects|length, {max(len(g.body), 1)}]|max"
            else:
                path = {"tasks": "key_tasks", "schedule": "schedule",
                        "expenses": "expenses.items"}[g.what]
                rows = max(len(g.body), 1)
                g.setup = f'{{% set {g.var} = get("{path}", []) %}}'
                g.count = f"[{g.var}|length, {rows}]|max"

    def _term(self, g: Group) -> str:
        """The term of an indicator table: 长期, 中期 or 实施期 in its lead or in the
        section above it says long_term."""
        texts = [c.text for c in distinct(self.rows[g.header].cells)
                 if c.col < g.columns[0][1].col]
        for i in range(g.header - 1, max(g.header - 3, -1), -1):
            texts += [c.text for c in distinct(self.rows[i].cells) if c.text.strip()]
        for text in texts:
            key = L.norm(text)
            if re.search("长期|中期|实施期", key):
                return "long_term"
            if "年度" in key:
                return "annual"
        return "annual"

    def _indicators(self, g: Group) -> None:
        """The call that makes an indicator table's rows: the framework generation its
        categories show, its level-1 order, its own wording of a category, and the rows
        each category takes (a fixed block: 指标1, 指标2 …)."""
        l1 = next(c for r, c in g.columns if r == "l1")
        level1s: list[str] = []
        level2s: dict[str, int] = {}
        labels: dict[str, str] = {}
        blank_rows = 0
        for i in g.body:
            row = self.rows[i]
            words = [c for c in distinct(row.cells) if row.starts(c) and c.text.strip()
                     and not FILLER.match(L.norm(c.text))]
            blank_rows += not words
            for c in distinct(row.cells):
                if not row.starts(c):
                    continue
                written = L.norm(c.text)
                key = LEVEL2_ALIASES.get(written, written)
                if c.col == l1.col and written in LEVEL1_NAMES:
                    level1s.append(written)
                elif key in LEVELS or key in LEVEL2_ALIASES.values():
                    level2s[key] = max(level2s.get(key, 0), c.rows)
                    if written != key and "\n" not in c.text:
                        labels[key] = L.clean(c.text)
        generation = NEW if "成本指标" in level1s or {"经济成本指标", "社会成本指标"} & \
            set(level2s) else OLD if level2s else NEW
        framework = list(GENERATIONS[generation])
        order = [x for x in dict.fromkeys(level1s) if x in framework]
        order += [x for x in framework if x not in order]  # every category prints
        pad = max(level2s.values(), default=1) if level2s else max(blank_rows, 1)
        args = [f'"{generation}"']
        if order != framework:
            args.append("order=[" + ", ".join(f'"{x}"' for x in order) + "]")
        if labels:
            args.append("labels={" + ", ".join(f'"{k}": "{literal(v)}"'
                                               for k, v in labels.items()) + "}")
        if pad > 1:
            args.append(f"pad={pad}")
        every = [c for level1 in order for c in GENERATIONS[generation][level1]]
        printed = [c for c in every if c in level2s]
        if level2s and printed != every and g.what == "indicators":
            args.append("shown=[" + ", ".join(f'"{x}"' for x in printed) + "]")
        if g.what == "pairs":
            halves = find_halves(self.rows)
            if halves is not None and halves.terms[0] == "annual":  # 年度 on the left
                args.append('left="annual", right="long_term"')
            g.setup = f"{{% set {g.var} = indicator_pairs({', '.join(args)}) %}}"
        else:
            term = self._term(g)
            g.setup = f'{{% set {g.var} = indicator_rows("{term}", {", ".join(args)}) %}}'
        g.count = f"{g.var}|length"

    def group_html(self, g: Group) -> list[str]:
        if g.what in ("indicators", "pairs"):
            after = [(r, c) for r, c in g.columns if r not in ("l1", "l2")]
            if g.what == "pairs":
                second_l2 = [c for r, c in g.columns if r == "l2"][1:]
                bound = second_l2[0].col if second_l2 else 10 ** 6
                after = [(r, c) for r, c in after if c.col < bound]
            cells = []
            for role, c in after:
                span = f"*{c.span}" if c.span > 1 else ""
                if role.startswith("history:"):  # 前年, 上年: years before the declaration's
                    cells.append(f'"history:" ~ (data.fiscal_year - {role[9:]}){" ~ " + repr(span) if span else ""}')
                    continue
                name = role if role in ("name", "target", "standard", "note") else ""
                if not name:
                    self.unbound(self.rows[g.header], c, c.text, _(
                        "a column of the indicator table no field fills: printed blank"))
                cells.append(f'"{name}{span}"')
            macro = "indicator_pair_table" if g.what == "pairs" else "indicator_table"
            return [f"{{{{ {macro}({g.var}, [{', '.join(cells)}]) }}}}"]
        if g.what == "goals":
            tds = []
            for path, c in g.columns:
                span = f' colspan="{c.span}"' if c.span > 1 else ""
                number = re.sub(r"\d{1,2}", "{{ i + 1 }}", literal(L.clean(c.text)), count=1)
                tds.append(f'<td{span}>{number}{{{{ get("{path}", [])[i]|default("") }}}}</td>')
            return [f"{{% for i in range({g.count}) %}}", "<tr>" + "".join(tds) + "</tr>",
                    "{% endfor %}"]
        first = self.rows[g.body[0]] if len(g.body) else self.rows[g.header]
        lead_end = min(c.col for _r, c in g.columns)
        body_cells = [c for c in distinct(first.cells) if c.col >= lead_end and
                      (first.starts(c) or not len(g.body))]
        if not len(g.body):
            body_cells = [c for _r, c in g.columns]
        tds = []
        for c in body_cells:
            role = max(g.columns, key=lambda rc: min(rc[1].end, c.end) - max(rc[1].col, c.col))[0]
            value = {
                "task": "{{ item.task }}", "start": '{{ item.start|default("")|month }}',
                "end": '{{ item.end|default("")|month }}', "item": '{{ item.item|default("") }}',
                "summary": '{{ item.summary|default("") }}',
                "amount": '{% if item.approximate|default(false) %}约{% endif %}'
                          '{{ item.amount' + self.money + ' }}',
                "basis": '{{ item.basis|default("") }}',
                "responsible": '{{ item.responsible|default("") }}',
                "goal": '{{ item.goal|default("") }}',
            }.get(role, "")
            if g.what == "projects":
                value = {
                    "name": "{{ item.name.value }}",
                    "type": '{{ item.data.get("classification", "") }}',
                    "multi": "{{ (item.funding.current.multi_year_total if item.funding "
                             "else none)" + self.money + " }}",
                    "total": "{{ item.amount" + self.money + " }}",
                    "use": '{{ item.data.get("overview", "") }}',
                }.get(role, "")
            if role == "task" and g.what == "tasks":
                value = "{{ item.task }}"
            numbered = re.fullmatch(r"\d{1,2}\s*([、.．])", c.text.strip()) if len(g.body) else None
            prefix = f"{{{{ i + 1 }}}}{numbered.group(1)}" if numbered else ""  # 1、 2、 as printed
            span = f' colspan="{c.span}"' if c.span > 1 else ""
            blank = "" if tds or prefix else "&#160;"  # a padded row keeps its height
            tds.append(f"<td{span}>{prefix}{{% if item %}}{value}"
                       + (f"{{% else %}}{blank}" if blank else "") + "{% endif %}</td>")
        return [f"{{% for i in range({g.count}) %}}",
                f"{{% set item = {g.var}[i] if i < {g.var}|length else none %}}",
                "<tr>" + "".join(tds) + "</tr>",
                "{% endfor %}"]

    # ----------------------------------------------------------------------- rowspans

    def rowspan(self, i: int, cell: Cell) -> str:
        covered = range(i, i + cell.rows)
        fixed = sum(1 for r in covered if r not in self.in_group)
        grow = [g.count for g in self.groups
                if len(g.body) and g.body[0] in covered and g.body[-1] in covered]
        if not grow:
            return f' rowspan="{fixed}"' if fixed > 1 else ""
        parts = " + ".join(f"({x})" if "|max" in x else x for x in grow)
        return f' rowspan="{{{{ {parts} + {fixed} }}}}"' if fixed else \
            f' rowspan="{{{{ {parts} }}}}"'

    # -------------------------------------------------------------------------- all

    def write(self) -> Generated:
        self.punch()
        self.bind()
        self.setup()
        body: list[str] = []
        table: int | str | None = "none"
        title_done = False
        for i, row in enumerate(self.rows):
            if row.is_paragraph:
                if table != "none":
                    body.append("</table>")
                    table = "none"
                line = self.paragraph(row, title_done)
                if line is not None:
                    title_done = title_done or line.startswith("<h1>")
                    body.append(line)
                continue
            if table != row.table:
                if table != "none":
                    body.append("</table>")
                body.append("<table>")
                body.append(self.colgroup(row.table))
                table = row.table
            group = next((g for g in self.groups if len(g.body) and g.body[0] == i), None)
            if group is not None:
                body += self.group_html(group)
            if i in self.in_group:
                continue
            tds = []
            for cell in distinct(row.cells):
                if not row.starts(cell):
                    continue
                content, label = self.cell_html(cell, row)
                cls = ' class="label"' if label else ""
                span = f' colspan="{cell.span}"' if cell.span > 1 else ""
                tds.append(f"<td{cls}{span}{self.rowspan(i, cell)}>{content}</td>")
            body.append("<tr>" + "".join(tds) + "</tr>")
            group = next((g for g in self.groups if g.header == i and not len(g.body)), None)
            if group is not None:
                body += self.group_html(group)
        if table != "none":
            body.append("</table>")
        self.out.template = self.template(body)
        return self.out

    def paragraph(self, row: Row, title_done: bool) -> str | None:
        cell = row.cells[0] if row.cells else None
        if cell is None or not cell.text.strip():
            return None
        text = cell.text
        key = L.norm(text)
        if not title_done and title_kind(text):
            return f"<h1>{self.text(L.clean(text))}</h1>"
        if re.fullmatch(r"\(?(\d{4}|\s*)年度?\)?", L.squeeze(text).translate(
                L.FULLWIDTH_DIGITS).replace("（", "(").replace("）", ")")) and "年" in text:
            return '<div class="center"><p>（{{ data.fiscal_year }}年度）</p></div>'
        if key and not HOLE.search(text) and not BOILERPLATE.match(key) and \
                not self._known(key) and not title_kind(text):
            self.unbound(row, None, text, _("kept as the form's text"))
        return f"<p>{self.fill(text, cell, row) if HOLE.search(text) else self.text(text)}</p>"

    def colgroup(self, table: int | None) -> str:
        widths = self.widths.get(table or 1) or []
        used = max((c.end for r in self.rows if r.table == table for c in r.cells), default=0)
        widths = widths[:used]
        if not widths or sum(widths) <= 0 or len(widths) < used:
            return ""
        total = sum(widths)
        shares = [round(100 * w / total) for w in widths]
        return "<colgroup>" + "".join(f'<col style="width:{s}%">' for s in shares) + \
            "</colgroup>"

    def template(self, body: list[str]) -> str:
        title = self.out.title or _("form")
        safe = comment_safe
        number = f"{self.form.number} " if self.form.number else ""
        head = [f"{{# {safe(number + title)} #}}",
                f"{{#- {GENERATED} {safe(self.source)}."]
        if self.out.choices:
            head.append("    " + _("Tick boxes (check each option's field and value):"))
            for words, path, value in dict.fromkeys(self.out.choices):
                head.append(f"      {safe(words)}: {path} = {safe(value)}")
        if self.out.unbound:
            head.append("    " + _("Not bound, kept as the form's text or left blank (bind by "
                                  "hand):"))
            for u in self.out.unbound:
                head.append(f"      {safe(str(u))}")
        head[-1] += " -#}"
        macros = ["paragraphs"]
        if any(g.what == "indicators" for g in self.groups):
            macros.append("indicator_table")
        if any(g.what == "pairs" for g in self.groups):
            macros.append("indicator_pair_table")
        lines = [*head,
                 '{% extends "_base.html.j2" %}',
                 f'{{% from "_macros.html.j2" import {", ".join(macros)} %}}',
                 f"{{% block title %}}{{{{ data.name }}}}：{literal(yearless(title))}"
                 "（{{ data.fiscal_year }}年度）{% endblock %}",
                 "{% block form %}",
                 *[g.setup for g in self.groups],
                 '<div class="form">',
                 *(f"<p>{literal(self.form.number)}</p>" for _n in [0] if self.form.number
                   and not any(L.norm(r.text) == self.form.number for r in self.rows)),
                 *body,
                 "</div>",
                 "{% endblock %}"]
        return "\n".join(lines) + "\n"


