"""Grading throughput: `course grade --jobs N` (sandboxed) against plain nbgrader.

    .venv/bin/python benchmarks/grading.py [--jobs 2] [--course course/example/course/course.toml]
                                           [--lesson L ...] [--regrade]

Both grade the same submissions, the course's demo class (perfect, blank, partial and
hostile ones), on separate copies with fresh gradebooks:

* plain: nbgrader's own autograde (its Execute step, no sandbox, no memory or notebook
  limits), one submission after the other in one process: how an instructor runs
  `nbgrader autograde` today;
* course: `course grade --jobs N`, each submission in a bubblewrap sandbox in its own
  worker process.

Reports wall times and their ratio, the median time per submission, the kernels' peak
memory, the largest worker process, with ``--regrade`` the time of a second `course grade`
(it starts with the submissions that took longest the first time), and which grades
differ (by design, a submission stopped by a limit loses points that plain nbgrader gives
it). Measured, not asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "course" / "example" / "course" / "course.toml"

PLAIN = """
import json, sys, time
from autograder.config import load_course, nbgrader_api
from nbgrader.api import Gradebook
course = load_course(sys.argv[1])
lessons = course.select(sys.argv[2].split(","))
api = nbgrader_api(course)
times, scores = {}, {}
for student in sys.argv[3:]:
    for lesson in lessons:
        start = time.perf_counter()
        api.autograde(lesson.id, student, force=True, create=True)
        times[f"{lesson.id}/{student}"] = time.perf_counter() - start
with Gradebook(course.gradebook_url) as gradebook:
    for lesson in lessons:
        for student in sys.argv[3:]:
            try:
                score = gradebook.find_submission(lesson.id, student).score
            except Exception:
                score = None
            scores[f"{lesson.id}/{student}"] = score
print(json.dumps({"times": times, "scores": scores}))
"""


def prepare(course_file: Path, root: Path, lessons: list[str]) -> tuple[Path, list[str]]:
    """A released copy of the course with its demo class of ``lessons`` submitted; returns
    its course.toml and the students."""
    from autograder.config import load_course
    from autograder.demo import scratch_copy
    from autograder.democlass import make_demo_class
    from autograder.release import release_lessons

    course = scratch_copy(load_course(course_file), root)
    chosen = course.select(lessons)
    assert all(r.ok for r in release_lessons(course, chosen, run=False))
    students: set[str] = set()
    for lesson in chosen:
        students |= set(make_demo_class(course, lesson, course.workspace / "submitted"))
    return course.file, sorted(students)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--course", type=Path, default=EXAMPLE)
    parser.add_argument("--lesson", action="append", metavar="L",
                        help="this lesson's demo class (repeat; default: the first)")  # fmt: skip
    parser.add_argument("--regrade", action="store_true",
                        help="also time a second `course grade` of the same class")  # fmt: skip
    args = parser.parse_args()
    from autograder.config import load_course

    lessons = args.lesson or [load_course(args.course).lessons[0].id]

    base = Path(tempfile.mkdtemp(prefix="grading-bench-", dir="/var/tmp"))
    try:
        plain_file, students = prepare(args.course, base / "plain", lessons)
        ours_file, _ = prepare(args.course, base / "course", lessons)
        n = len(students) * len(lessons)
        print(f"{', '.join(lessons)}: {len(students)} submissions per lesson, "
              f"{os.cpu_count()} CPUs, jobs={args.jobs}\n")  # fmt: skip

        grade = [sys.executable, "-m", "autograder.cli", "--config", str(ours_file), "grade",
                 "--jobs", str(args.jobs), *(f"--lesson={x}" for x in lessons)]  # fmt: skip
        start = time.perf_counter()
        subprocess.run(grade, capture_output=True, text=True, check=False)
        ours_wall = time.perf_counter() - start
        # A re-grade (say, after a test is fixed) starts with last time's slowest submissions.
        regrade_wall = None
        if args.regrade:
            start = time.perf_counter()
            subprocess.run(grade, capture_output=True, text=True, check=False)
            regrade_wall = time.perf_counter() - start
        # Before the plain run: its kernels have no memory cap (the memory bomb takes GBs).
        largest_worker_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

        start = time.perf_counter()
        plain = subprocess.run(
            [sys.executable, "-c", PLAIN, str(plain_file), ",".join(lessons), *students],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        plain_wall = time.perf_counter() - start
        plain_data = json.loads(plain.stdout.strip().splitlines()[-1])

        results = [
            json.loads(p.read_text())
            for p in sorted((ours_file.parents[1] / "workspace" / "results").glob("*/*.json"))
        ]
        ours_scores = {f"{r['lesson']}/{r['student']}": r["score"] for r in results}
        differ = sorted(
            key for key in ours_scores if (plain_data["scores"].get(key) or 0) != ours_scores[key]
        )
        peaks = [r["peak_memory_mb"] for r in results if r["peak_memory_mb"]]
        sandboxed = sum(r["sandboxed"] for r in results)

        print("| what | plain nbgrader, sequential | course grade |")
        print("| --- | ---: | ---: |")
        print(f"| wall time, {n} submissions | {plain_wall:.1f} s | {ours_wall:.1f} s |")
        print(f"| speed-up | 1.00x | {plain_wall / ours_wall:.2f}x |")
        if regrade_wall is not None:
            print(f"| re-grade: wall time, speed-up | - | {regrade_wall:.1f} s, "
                  f"{plain_wall / regrade_wall:.2f}x |")  # fmt: skip
        plain_median = statistics.median(plain_data["times"].values())
        ours_median = statistics.median(r["seconds"] for r in results)
        print(f"| median time per submission | {plain_median:.1f} s | {ours_median:.1f} s |")
        print(f"| sandboxed | 0 | {sandboxed} of {len(results)} |")
        if peaks:
            print(f"| kernel peak memory, median / max | - | {statistics.median(peaks):.0f} / "
                  f"{max(peaks):.0f} MB |")  # fmt: skip
        print(f"| largest process, kernels included (ru_maxrss) | - | {largest_worker_mb:.0f} MB |")
        same = len(ours_scores) - len(differ)
        print(f"\nsame grade: {same} of {len(ours_scores)}")
        for key in differ:
            reason = next(r["reason"] for r in results if f"{r['lesson']}/{r['student']}" == key)
            print(f"  differs: {key}: plain {plain_data['scores'].get(key)}, course "
                  f"{ours_scores[key]} ({reason or 'see results'})")  # fmt: skip
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
