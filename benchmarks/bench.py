"""perfdecl's benchmarks: check, build (cold, no-op, one change), diff, and the
straightforward baseline, for growing numbers of declarations, side by side in one run.

    nox -s bench                      # N = 100, 1000, 3000
    python benchmarks/bench.py --sizes 100,1000 --baseline-max 1000

Each scenario runs as its own command, `--repeat` times (3: the machine is noisy); the
median of its wall times and of the peak memory of its whole process tree (perfdecl and
its pandoc servers) is reported. Memory is the sum of the
processes' proportional set sizes (PSS, sampled every 50 ms): pages that several
processes share, such as the pandoc binary's, are counted once, not once per process.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate, next_year

PERFDECL = [sys.executable, "-m", "perfdecl"]
BASELINE = [sys.executable, str(Path(__file__).resolve().parent / "baseline.py")]


@dataclass
class Measure:
    seconds: float
    peak_mb: float
    failure: str | None = None
    """Why the run does not count (an exit status it should not have, files it should
    have written and did not): its figures are never shown."""


Made = Callable[[Path], list[str]]
"""The files a scenario should have written that are not there (under its folder)."""


def measure(command: list[str], cwd: Path, ok: tuple[int, ...] = (0,),
            made: Made | None = None) -> Measure:
    """Runs `command`, sampling the memory of it and all its descendants; a run that
    exits with another status than `ok`, or leaves out files it should write, failed."""
    env = {**os.environ, "CI": "true"}
    start = time.perf_counter()
    process = psutil.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE)
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            total = 0
            for p in [process, *process.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):  # ended while sampled
                    total += p.memory_full_info().pss
            peak = max(peak, total)
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = process.communicate()
    elapsed = time.perf_counter() - start
    stop.set()
    sampler.join()
    failure = None
    if process.returncode not in ok:
        said = err.decode(errors="replace").strip().splitlines()[-3:]
        failure = f"exit status {process.returncode}: " + " / ".join(said)
    elif made is not None:
        missing = made(cwd)
        if missing:
            failure = f"{len(missing)} files not written, such as {missing[0]}"
    return Measure(elapsed, peak / 1024 / 1024, failure)


def forms_in(out: str, declarations: list[Path]) -> Made:
    """Every declaration's HTML, DOCX and PDF under `out`, as build writes them."""
    def missing(root: Path) -> list[str]:
        wanted = [root / out / d.parent.parent.name / d.parent.name / f"{d.stem}.{ext}"
                  for d in declarations for ext in ("html", "docx", "pdf")]
        return [str(w.relative_to(root)) for w in wanted
                if not w.is_file() or w.stat().st_size == 0]
    return missing


def one_change(root: Path, run: int) -> None:
    """Changes one declaration as a user would (a target made stricter), another one in
    each run."""
    files = sorted((root / "declarations").rglob("*.yaml"))
    file = files[run * 7 % len(files)]
    text = file.read_text(encoding="utf-8")
    file.write_text(text.replace("target: 100%", "target: ≥99%", 1) if "target: 100%" in text
                    else text + "\n", encoding="utf-8")


def cold(folder: str) -> Callable[[Path, int], None]:
    """Before a cold run: nothing built yet in `folder`."""
    return lambda root, _run: shutil.rmtree(root / folder, ignore_errors=True)


def median(runs: list[Measure]) -> Measure:
    """The figure of several runs of one scenario: the median time and the median peak
    memory, or the first failure (a failed run makes the figure no result)."""
    failed = [m for m in runs if m.failure]
    if failed:
        return failed[0]
    return Measure(statistics.median(m.seconds for m in runs),
                   statistics.median(m.peak_mb for m in runs))


def run(sizes: list[int], baseline_max: int, workdir: Path,
        repeat: int = 3) -> list[tuple[int, str, Measure]]:
    rows = []
    for n in sizes:
        root = workdir / str(n)
        files = generate(root, n)
        count = len(files)
        next_year(files, root)
        built = forms_in("build", files)
        build = [*PERFDECL, "build", "declarations", "--out", "build"]
        Before = Callable[[Path, int], None] | None
        scenarios: list[tuple[str, list[str], Before, Made | None]] = [
            ("check", [*PERFDECL, "check", "declarations"], None, None),
            ("build (cold)", build, cold("build"), built),
            ("build (no change)", build, None, built),
            ("build (one change)", build, one_change, built),
            ("diff (two years)", [*PERFDECL, "diff", "declarations", "next"], None, None),
        ]
        if n <= baseline_max:
            scenarios.append(("baseline", [*BASELINE, "declarations", "baseline-out"],
                              cold("baseline-out"), forms_in("baseline-out", files)))
        for name, command, before, made in scenarios:
            runs = []
            for k in range(repeat):
                if before:
                    before(root, k)
                runs.append(measure(command, root, made=made))
            result = median(runs)
            rows.append((count, name, result))
            shown = (f"{result.seconds:8.2f} s  (runs: "
                     + ", ".join(f"{m.seconds:.2f}" for m in runs) + ")"
                     if result.failure is None else f"FAILED: {result.failure}")
            print(f"  N={count:<5} {name:<20} {shown}", file=sys.stderr)
    return rows


def table(rows: list[tuple[int, str, Measure]]) -> str:
    """The results; a run that failed shows its failure and no figure, and no ratio is
    made with it."""
    baseline = {n: m.seconds for n, name, m in rows if name == "baseline" and not m.failure}
    lines = ["| N | scenario | wall (s) | per declaration (ms) | peak memory, PSS (MB) | "
             "baseline ÷ this |",
             "| ---: | --- | ---: | ---: | ---: | ---: |"]
    for n, name, m in rows:
        if m.failure:
            lines.append(f"| {n} | {name} | failed: {m.failure.replace('|', '/')} | | | |")
            continue
        ratio = ""
        if name == "build (cold)" and n in baseline:
            ratio = f"{baseline[n] / m.seconds:.1f}×"
        lines.append(f"| {n} | {name} | {m.seconds:.2f} | {m.seconds / n * 1000:.1f} | "
                     f"{m.peak_mb:.0f} | {ratio} |")
    return "\n".join(lines)


def machine() -> str:
    return (f"{platform.processor() or platform.machine()}, {psutil.cpu_count()} cores, "
            f"{psutil.virtual_memory().total / 1024**3:.0f} GiB, {platform.system()} "
            f"{platform.release()}, Python {platform.python_version()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,1000,3000",
                        help="numbers of declarations, comma-separated")
    parser.add_argument("--baseline-max", type=int, default=1000,
                        help="run the (slow) baseline only up to this N")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of each scenario; the table shows their median")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="where to generate (default: a temporary folder)")
    args = parser.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="perfdecl-bench-"))
    try:
        rows = run(sizes, args.baseline_max, workdir, args.repeat)
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    print(f"machine: {machine()}\n")
    print(table(rows))
    if any(m.failure for _n, _name, m in rows):
        raise SystemExit("some runs failed: their figures are not shown")


if __name__ == "__main__":
    main()
