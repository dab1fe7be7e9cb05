"""Grading throughput: `course grade --jobs N` (sandboxed) against plain nbgrader.

    .venv/bin/python benchmarks/grading.py [--jobs 2] [--course course/example/course/course.toml]
                                           [--lesson L ...] [--regrade]
    .venv/bin/python benchmarks/grading.py --recovery [--jobs 2] [--course C] [--lesson L]
                                           [--class-course course/example/course/course.toml]

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

``--recovery`` measures what a crash costs (issue 20), ``course grade`` against itself with
``max_restarts = 0`` in course.toml's [limits] ("before": every crash stops the notebook,
as before restarts existed) and with the default ("after": the crashed cell is skipped, a
fresh kernel re-runs the earlier cells that worked and goes on):

* the careless students' scores on ``--lesson`` (default the course's first): a perfect
  notebook, and the same with a print flood, a memory blow-up or ``os._exit`` in the
  first answer (``autograder.democlass.ATTACKS``);
* the grading time of ``--class-course``'s whole demo class (default the example course),
  with each crashing submission's time and what its restart cost.

An output flood is cut and execution goes on in both ("before" is not the code before
issue 20 there: then a flood stopped the notebook and scored 0).
"""

from __future__ import annotations

import argparse
import json
import os
import re
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


CARELESS = {"perfect": "perfect", "huge-output": "print flood", "memory-bomb": "memory blow-up",
            "kernel-exit": "os._exit"}  # fmt: skip


def without_restarts(course_file: Path) -> None:
    """Set ``max_restarts = 0`` in the [limits] of this course.toml."""
    text = course_file.read_text()
    if re.search(r"^max_restarts *=", text, re.MULTILINE):
        text = re.sub(r"^max_restarts *=.*$", "max_restarts = 0", text, count=1, flags=re.MULTILINE)
    elif "\n[limits]\n" in text:
        text = text.replace("\n[limits]\n", "\n[limits]\nmax_restarts = 0\n", 1)
    else:
        text = text.replace("\n[[lessons]]", "\n[limits]\nmax_restarts = 0\n\n[[lessons]]", 1)
    course_file.write_text(text)


def grade_timed(course_file: Path, jobs: int, lessons: list[str]) -> tuple[float, list[dict]]:
    """`course grade` of the whole workspace: wall time and the results files."""
    command = [sys.executable, "-m", "autograder.cli", "--config", str(course_file), "grade",
               "--jobs", str(jobs), *(f"--lesson={x}" for x in lessons)]  # fmt: skip
    start = time.perf_counter()
    subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    folder = course_file.parents[1] / "workspace" / "results"
    return wall, [json.loads(p.read_text()) for p in sorted(folder.glob("*/*.json"))]


def recovery(args: argparse.Namespace) -> None:
    """Scores and times with max_restarts = 0 (before) and the default (after)."""
    from autograder.config import load_course

    lesson = (args.lesson or [load_course(args.course).lessons[0].id])[0]
    class_course = args.class_course
    class_lesson = load_course(class_course).lessons[0].id
    base = Path(tempfile.mkdtemp(prefix="recovery-bench-", dir="/var/tmp"))
    try:
        runs: dict[str, dict] = {}
        for name in ("before", "after"):
            file, _ = prepare(args.course, base / f"careless-{name}", [lesson])
            for folder in (file.parents[1] / "workspace" / "submitted").iterdir():
                if folder.name not in CARELESS:
                    shutil.rmtree(folder)
            demo, _ = prepare(class_course, base / f"class-{name}", [class_lesson])
            if name == "before":
                without_restarts(file)
                without_restarts(demo)
            assert load_course(file).lesson(lesson).limits.max_restarts == (
                0 if name == "before" else 3
            )
            runs[name] = {"careless": grade_timed(file, args.jobs, [lesson]),
                          "class": grade_timed(demo, args.jobs, [class_lesson])}  # fmt: skip
        print(f"{lesson}: careless students, the attack in the first answer, "
              f"{os.cpu_count()} CPUs, jobs={args.jobs}\n")  # fmt: skip
        print("| student | what | before (max_restarts = 0) | after (default) |")
        print("| --- | --- | ---: | ---: |")
        before = {r["student"]: r for r in runs["before"]["careless"][1]}
        after = {r["student"]: r for r in runs["after"]["careless"][1]}
        for student, what in CARELESS.items():
            old, new = before[student], after[student]
            print(f"| {student} | {what} | {old['score']:g} / {old['max_score']:g} "
                  f"({old['execution']}) | {new['score']:g} / {new['max_score']:g} "
                  f"({new['execution']}) |")  # fmt: skip
        print(f"\n{class_lesson}: the demo class, whole `course grade --jobs {args.jobs}`\n")
        print("| what | before (max_restarts = 0) | after (default) |")
        print("| --- | ---: | ---: |")
        (old_wall, old_results), (new_wall, new_results) = (
            runs["before"]["class"],
            runs["after"]["class"],
        )
        print(
            f"| wall time, {len(new_results)} submissions | {old_wall:.1f} s | {new_wall:.1f} s |"
        )
        old_by = {r["student"]: r for r in old_results}
        honest = [r for r in new_results if not r["restarts"]]
        print(f"| median time, the {len(honest)} without a restart | "
              f"{statistics.median(old_by[r['student']]['seconds'] for r in honest):.1f} s | "
              f"{statistics.median(r['seconds'] for r in honest):.1f} s |")  # fmt: skip
        for result in (r for r in new_results if r["restarts"]):
            old = old_by[result["student"]]
            cost = sum(r["start_seconds"] + r["replay_seconds"] for r in result["restarts"])
            print(f"| {result['student']}: time (score) | {old['seconds']:.1f} s "
                  f"({old['score']:g}) | {result['seconds']:.1f} s ({result['score']:g}; "
                  f"restart {cost:.1f} s) |")  # fmt: skip
    finally:
        shutil.rmtree(base, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--course", type=Path, default=EXAMPLE)
    parser.add_argument("--lesson", action="append", metavar="L",
                        help="this lesson's demo class (repeat; default: the first)")  # fmt: skip
    parser.add_argument("--regrade", action="store_true",
                        help="also time a second `course grade` of the same class")  # fmt: skip
    parser.add_argument("--recovery", action="store_true",
                        help="what a crash costs: max_restarts = 0 vs the default")  # fmt: skip
    parser.add_argument("--class-course", type=Path, default=EXAMPLE,
                        help="--recovery: the course whose demo class is timed")  # fmt: skip
    args = parser.parse_args()
    if args.recovery:
        recovery(args)
        return
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
