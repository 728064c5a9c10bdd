"""Generates N realistic declarations for the benchmarks, varied from the examples.

Each generated unit is a copy of one of the example units (seed 000, 001 or 002) under a
new unit id, with new declaration ids, its amounts multiplied by a whole factor (so every
total still adds up and every cross-declaration rule still holds), and a varying number
of extra indicators. A second fiscal year, for the diff, changes some amounts, targets and
goals of every third declaration.
"""

from __future__ import annotations

import re
import shutil
import sys
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "declarations"
_AMOUNT = re.compile(r"^(\s*(?:total|multi_year_total|fiscal|general_budget|government_fund|"
                     r"own|other|basic|project|amount): )([0-9.]+)$", re.M)


def _units() -> list[list[Path]]:
    return [sorted(folder.glob("*.yaml")) for folder in sorted(EXAMPLES.glob("*/*"))]


def _scaled(text: str, factor: int) -> str:
    return _AMOUNT.sub(lambda m: m.group(1) + format(Decimal(m.group(2)) * factor, "f"), text)


def _extra_indicators(text: str, count: int) -> str:
    """`count` more quantity indicators under the first 数量指标 of the annual tree."""
    if count == 0 or "      数量指标:\n" not in text.split("  annual:\n", 1)[-1]:
        return text
    head, tail = text.split("  annual:\n", 1)
    extra = "".join(f"        - name: 补充服务人次{i}\n          target: ≥{100 * (i + 1)}人次\n"
                    for i in range(count))
    return head + "  annual:\n" + tail.replace("      数量指标:\n", "      数量指标:\n" + extra, 1)


def generate(root: Path, n: int) -> list[Path]:
    """Writes at least `n` declarations under root/declarations/, whole units only (a
    unit cut in half would break its totals); returns their files."""
    if root.exists():
        shutil.rmtree(root)
    (root / "declarations").mkdir(parents=True)
    (root / "perfdecl.toml").write_text("", encoding="utf-8")
    written: list[Path] = []
    units = _units()
    k = 0
    while len(written) < n:
        files = units[k % len(units)]
        unit = f"bench-u{k:04d}"
        factor = 1 + k % 7
        for file in files:
            text = file.read_text(encoding="utf-8")
            old_unit = file.parent.name
            old_id = file.stem
            new_id = f"{old_id}-{k:04d}"
            text = re.sub(rf"^id: {re.escape(old_id)}$", f"id: {new_id}", text, flags=re.M)
            text = text.replace(f"  id: {old_unit}\n", f"  id: {unit}\n")
            text = _extra_indicators(_scaled(text, factor), k % 5)
            target = root / "declarations" / file.parent.parent.name / unit / f"{new_id}.yaml"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            written.append(target)
        k += 1
    return written


def next_year(files: list[Path], root: Path) -> Path:
    """A copy of the declarations with every third one changed, as next year's: more
    money (in step across its unit), a stricter target, one more goal."""
    folder = root / "next"
    if folder.exists():
        shutil.rmtree(folder)
    for i, file in enumerate(sorted(files)):
        text = file.read_text(encoding="utf-8")
        if i % 3 == 0:
            text = text.replace("target: 100%", "target: ≥99%")
            text = text.replace("  annual:\n    - ", "  annual:\n    - 按时完成年度任务\n    - ", 1)
        target = folder / file.relative_to(root / "declarations")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return folder


if __name__ == "__main__":
    out, count = Path(sys.argv[1]), int(sys.argv[2])
    print(len(generate(out, count)), "declarations in", out)
