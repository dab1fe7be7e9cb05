"""Grading at scale: throughput of `course grade` on Dask against plain nbgrader.

    .venv/bin/python benchmarks/scale.py [--students 100] [--course course.toml] [--lesson L]
                                         [--runs plain,jobs1,jobs2,separate]

A generated class of ``--students`` honest submissions (copies of the demo class's
perfect, partial and blank notebooks, so that plain nbgrader grades them as fairly as
`course grade`) is graded, each time on a fresh copy of the course with a fresh gradebook:

* plain: nbgrader's own autograde, one submission after the other (no sandbox);
* jobs1, jobs2: `course grade --jobs N`, the embedded LocalCluster;
* separate: `course grade --scheduler`, with a `dask scheduler` and two `dask worker`
  processes started as separate commands on the loopback interface, as on two machines.

Reports throughput (submissions per minute), the speed-up over plain nbgrader, and the
coordinator's own cost per submission (prepare + score, from the results' step_seconds)
against the sandbox's time on a worker ("run"), from which follows how many workers one
coordinator core can feed. Measured, not asserted.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from autograder.cluster import separate_processes  # noqa: E402
from grading import EXAMPLE, PLAIN  # noqa: E402

BIN = Path(sys.executable).parent


def prepare(course_file: Path, root: Path, lesson_id: str | None, size: int):
    """A released copy of the course with ``size`` generated honest submissions."""
    from autograder.config import load_course
    from autograder.demo import scratch_copy
    from autograder.democlass import make_demo_class
    from autograder.release import release_lessons

    course = scratch_copy(load_course(course_file), root)
    lesson = course.lesson(lesson_id) if lesson_id else course.lessons[0]
    assert all(r.ok for r in release_lessons(course, [lesson], run=False))
    demo = root / "demo-class"
    make_demo_class(course, lesson, demo)
    models = ["perfect", "partial", "blank"]
    students = [f"s{number:04d}" for number in range(size)]
    for number, student in enumerate(students):
        model = demo / models[number % len(models)] / lesson.id
        shutil.copytree(model, course.layout.submitted(student, lesson.id))
    shutil.rmtree(demo)
    return course, lesson, students


def run_course_grade(course, lesson, *extra: str) -> float:
    start = time.perf_counter()
    done = subprocess.run(
        [str(BIN / "course"), "--config", str(course.file), "grade", f"--lesson={lesson.id}",
         *extra], capture_output=True, text=True, check=False,
    )  # fmt: skip
    wall = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"course grade failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return wall


def step_medians(course, lesson) -> dict[str, float]:
    results, _ = course.layout.results([lesson.id])
    steps = {}
    for name in ("prepare", "execute", "run", "score"):
        values = [r.step_seconds[name] for r in results if name in r.step_seconds]
        steps[name] = statistics.median(values) if values else 0.0
    return steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=100)
    parser.add_argument("--course", type=Path, default=EXAMPLE)
    parser.add_argument("--lesson", default=None, help="default: the course's first lesson")
    parser.add_argument(
        "--runs", default="plain,jobs1,jobs2,separate",
        help="which runs, in order (default: plain,jobs1,jobs2,separate)",
    )  # fmt: skip
    args = parser.parse_args()

    base = Path(tempfile.mkdtemp(prefix="scale-bench-", dir="/var/tmp"))
    walls: dict[str, float] = {}
    steps: dict[str, dict[str, float]] = {}
    runs = args.runs.split(",")
    try:
        for run in runs:
            course, lesson, students = prepare(args.course, base / run, args.lesson, args.students)
            if run == "plain":
                start = time.perf_counter()
                subprocess.run(
                    [sys.executable, "-c", PLAIN, str(course.file), lesson.id, *students],
                    capture_output=True, text=True, check=True,
                )  # fmt: skip
                walls["plain nbgrader, sequential"] = time.perf_counter() - start
            elif run == "separate":
                with separate_processes(base / "cluster", workers=2) as address:
                    label = "course grade --scheduler (2 `dask worker`s)"
                    walls[label] = run_course_grade(course, lesson, "--scheduler", address)
                    steps[label] = step_medians(course, lesson)
            else:
                jobs = run.removeprefix("jobs")
                label = f"course grade --jobs {jobs}"
                walls[label] = run_course_grade(course, lesson, "--jobs", jobs)
                steps[label] = step_medians(course, lesson)
    finally:
        shutil.rmtree(base, ignore_errors=True)

    n = args.students
    plain = walls.get("plain nbgrader, sequential")
    print(f"{lesson.id}: {n} submissions, {os.cpu_count()} CPUs\n")
    print(
        "| run | wall time | submissions/min | speed-up over plain "
        "| prepare / execute / score, median |"
    )
    print("| --- | ---: | ---: | ---: | --- |")
    for label, wall in walls.items():
        speed = f"{plain / wall:.2f}x" if plain else "-"
        s = steps.get(label)
        median = f"{s['prepare']:.2f} / {s['execute']:.2f} / {s['score']:.2f} s" if s else "-"
        print(f"| {label} | {wall:.1f} s | {n / wall * 60:.1f} | {speed} | {median} |")
    for label, s in steps.items():
        coordinator = s["prepare"] + s["score"]
        print(
            f"\n{label}: coordinator {coordinator:.2f} s a submission (prepare + score), "
            f"sandbox {s['run']:.2f} s on a worker: one coordinator core feeds about "
            f"{s['run'] / coordinator:.1f} busy workers"
        )


if __name__ == "__main__":
    main()
