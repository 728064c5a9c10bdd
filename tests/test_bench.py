"""The benchmark reports only runs that did what they should: a run that exits with an
unexpected status (a crash: a traceback exits 1), or leaves out files it should write,
shows its failure and no figure, and no ratio is made with it."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path
from typing import Any

from .conftest import REPO


def _bench() -> dict[str, Any]:
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        return runpy.run_path(str(REPO / "benchmarks" / "bench.py"))
    finally:
        sys.path.remove(str(REPO / "benchmarks"))


def test_a_crashed_or_incomplete_run_is_no_result(tmp_path: Path) -> None:
    bench = _bench()
    measure, table, forms_in = bench["measure"], bench["table"], bench["forms_in"]
    crashed = measure([sys.executable, "-c", "raise RuntimeError('boom')"], tmp_path)
    assert crashed.failure is not None and "exit status 1" in crashed.failure
    assert "RuntimeError: boom" in crashed.failure
    declaration = tmp_path / "declarations" / "2024" / "unit" / "form.yaml"
    declaration.parent.mkdir(parents=True)
    declaration.write_text("kind: project\n", encoding="utf-8")
    (tmp_path / "out" / "2024" / "unit").mkdir(parents=True)
    (tmp_path / "out" / "2024" / "unit" / "form.html").write_text("<p>", encoding="utf-8")
    incomplete = measure([sys.executable, "-c", "pass"], tmp_path,
                         made=forms_in("out", [declaration]))
    assert incomplete.failure == "2 files not written, such as out/2024/unit/form.docx"
    fine = measure([sys.executable, "-c", "pass"], tmp_path)
    assert fine.failure is None
    report = table([(1, "baseline", crashed), (1, "build (cold)", fine),
                    (1, "check", incomplete)])
    lines = report.splitlines()
    assert lines[2].startswith("| 1 | baseline | failed: exit status 1:")
    assert lines[3].endswith("|  |")  # no ratio against a baseline that crashed
    assert "| 1 | check | failed: 2 files not written" in lines[4]


def test_a_figure_is_the_median_of_its_runs_and_no_result_if_one_failed() -> None:
    bench = _bench()
    measure_, median = bench["Measure"], bench["median"]
    runs = [measure_(3.0, 300.0), measure_(9.0, 100.0), measure_(4.0, 200.0)]
    figure = median(runs)
    assert (figure.seconds, figure.peak_mb, figure.failure) == (4.0, 200.0, None)
    crashed = measure_(1.0, 50.0, "exit status 1: boom")
    assert median([*runs, crashed]).failure == "exit status 1: boom"
