"""Lesson run times: each instructor notebook top to bottom, and its slowest cells.

    .venv/bin/python benchmarks/lessons.py [LESSON ...] [--repeat 1]

Runs every lesson of course/course.toml (or the ones named) with nbclient in a scratch
folder, as a student's "Run all" would, and prints the wall time (kernel start included)
against the budget in LESSONS.md (90 s aimed for, 3 minutes at most on a 2-core CPU), and
the three slowest cells. Measured, not asserted.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
AIM_S, LIMIT_S = 90, 180

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")


def cell_seconds(cell) -> float | None:
    """How long a cell ran, from the timestamps nbclient records."""
    timing = cell.metadata.get("execution", {})
    start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
    if not (start and end):
        return None
    parse = datetime.fromisoformat
    return (parse(end.replace("Z", "+00:00")) - parse(start.replace("Z", "+00:00"))).total_seconds()


def run_once(lesson: str) -> tuple[float, list[tuple[float, str]], int]:
    """Seconds for the whole run, (seconds, cell) of every cell, and cells with errors."""
    import nbformat
    from nbclient import NotebookClient

    path = REPO / "source" / lesson / f"{lesson}.ipynb"
    notebook = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory(prefix=f"bench-{lesson}-") as tmp:
        shutil.copytree(path.parent, Path(tmp) / lesson)
        client = NotebookClient(
            notebook, timeout=LIMIT_S, kernel_name="python3", allow_errors=True,
            resources={"metadata": {"path": str(Path(tmp) / lesson)}},
        )  # fmt: skip
        started = time.perf_counter()
        client.execute()
        seconds = time.perf_counter() - started
    cells = []
    errors = 0
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        errors += any(output.get("output_type") == "error" for output in cell.outputs)
        took = cell_seconds(cell)
        if took is not None:
            name = cell.metadata.get("nbgrader", {}).get("grade_id") or cell.get("id", "")
            cells.append((took, f"cell {index} ({name})"))
    return seconds, cells, errors


def main(argv: list[str] | None = None) -> int:
    sys.path.insert(0, str(REPO / "autograder"))
    from autograder.config import load_course

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lessons", nargs="*", help="default: every lesson in course.toml")
    parser.add_argument("--repeat", type=int, default=1, help="runs per lesson (median shown)")
    args = parser.parse_args(argv)
    lessons = args.lessons or [lesson.id for lesson in load_course().lessons]
    if not lessons:
        print("course.toml lists no lessons yet")
        return 0
    print(f"{os.cpu_count()} CPUs; budget {AIM_S} s aimed for, {LIMIT_S} s at most\n")
    total = 0.0
    for lesson in lessons:
        runs = [run_once(lesson) for _ in range(args.repeat)]
        seconds = statistics.median(run[0] for run in runs)
        total += seconds
        slowest = sorted(runs[-1][1], reverse=True)[:3]
        verdict = "ok" if seconds <= AIM_S else ("over the aim" if seconds <= LIMIT_S else "OVER")
        print(f"{lesson:22} {seconds:6.1f} s  {verdict}; {runs[-1][2]} cells with errors")
        for took, name in slowest:
            print(f"    {took:6.1f} s  {name}")
    print(f"\nall lessons: {total:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
