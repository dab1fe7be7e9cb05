"""`course demo`: the whole instructor pipeline on a demo class, start to end.

On a scratch copy of the course (so the real workspace is never touched): release every
lesson, make each lesson's demo class (``autograder.democlass``: perfect, blank, partial
and hostile submissions), pack it as an LMS-style zip, collect it, grade it in the
sandbox, write feedback, export the grades and write the report. It ends with the grade
table and where the report is, and says whether every demo submission got the outcome
it must get.

While course/course.toml lists no lessons, it runs on the example course in
course/example/ and says so.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import time
import zipfile
from pathlib import Path

from autograder.config import DEFAULT_COURSE_FILE, Course, load_course
from autograder.democlass import Expected, make_demo_class

EXAMPLE_COURSE_FILE = DEFAULT_COURSE_FILE.parent / "example" / "course" / "course.toml"


def run_demo(
    course_file: Path | None,
    out: Path,
    *,
    jobs: int | None = None,
    lessons: list[str] | None = None,
) -> int:
    """Run the demo into ``out``; the exit code (0 when every outcome was as expected).

    ``lessons``: the lesson ids to run it on; default the course's first lesson (one
    lesson shows every step; each more costs a class's worth of grading).
    """
    if course_file is None:
        course_file = DEFAULT_COURSE_FILE
        if not load_course(course_file).lessons:
            print("course demo: course.toml lists no lessons yet; using the example course "
                  f"in {EXAMPLE_COURSE_FILE.parents[1]}")  # fmt: skip
            course_file = EXAMPLE_COURSE_FILE
    whole = load_course(course_file)
    chosen = whole.select(lessons) if lessons else list(whole.lessons[:1])
    course = scratch_copy(whole, out)
    course = dataclasses.replace(course, lessons=tuple(course.lesson(x.id) for x in chosen))
    print(f"course demo: working in {out} on {', '.join(x.id for x in course.lessons)}")

    start = _step(1, "release every lesson")
    from autograder.release import release_lessons

    releases = release_lessons(course, course.lessons)
    for release in releases:
        print(f"      {release.lesson}: {'ok' if release.ok else 'FAILED'}")
        for problem in release.problems:
            print(f"        - {problem}")
    _done(start)
    if not all(r.ok for r in releases):
        return 1

    start = _step(2, "make the demo class and pack it as an LMS zip")
    made = out / "class"
    expected: dict[tuple[str, str], Expected] = {}
    for lesson in course.lessons:
        for student, outcome in make_demo_class(course, lesson, made).items():
            expected[(lesson.id, student)] = outcome
    archive = out / "class.zip"
    with zipfile.ZipFile(archive, "w") as packed:
        for path in sorted(made.rglob("*.ipynb")):
            student, lesson = path.relative_to(made).parts[:2]
            packed.write(path, f"export/{student}/{lesson}.ipynb")
    _done(start, f"{len(expected)} submissions in {archive.name}")

    start = _step(3, "course collect class.zip")
    from autograder.collect import collect

    report = collect(archive, course.workspace / "submitted",
                     lessons=[lesson.id for lesson in course.lessons])  # fmt: skip
    _done(start, report.summary())

    start = _step(4, "course grade (sandboxed, in parallel)")
    from autograder.grade import grade_all

    results = grade_all(course, list(course.lessons), jobs=jobs)
    _done(start, f"{len(results)} submissions graded")

    start = _step(5, "course feedback, export and report")
    from autograder.export import export_grades
    from autograder.feedback import write_feedback
    from autograder.report import write_report

    pages = write_feedback(course)
    grades_csv, _ = export_grades(course, course.workspace / "export")
    page = write_report(course)
    _done(start, f"{len(pages)} feedback pages, {grades_csv.name}, report")

    print(f"\n{'student':18} {'lesson':20} {'score':>11}  outcome")
    surprises = 0
    for result in sorted(results, key=lambda r: (r.lesson, r.student)):
        want = expected.get((result.lesson, result.student))
        ok = want is None or _as_expected(result, want, course)
        surprises += not ok
        rules = sorted({finding["rule"] for finding in result.findings})
        note = result.reason or (f"flagged: {', '.join(rules)}" if rules else "")
        if result.tampered:
            note = f"TAMPERED (a canary test passed) {note}".strip()
        score = f"{result.score:g} / {result.max_score:g}"
        if result.withheld:
            score, note = f"0 / {result.max_score:g}", f"{note}; {result.score:g} withheld"
        print(f"{result.student:18} {result.lesson:20} {score:>11}  "
              f"{'as expected' if ok else 'UNEXPECTED'}  {note}".rstrip())  # fmt: skip
    print(f"\nreport: {page}")
    print(f"written answers, by hand: course --config {course.file} formgrader")
    if surprises:
        print(f"course demo: {surprises} submissions were not graded as expected")
        return 1
    print("course demo: every demo submission was graded as expected")
    return 0


def _as_expected(result, want: Expected, course: Course) -> bool:
    import nbformat

    from autograder.democlass import first_exercise_points

    autograded = course.lesson(result.lesson).points - _manual_points(course, result.lesson)
    full = abs(result.score - autograded) < 1e-9
    if want.all_but_first:
        source = nbformat.read(course.lesson(result.lesson).notebook(course.source), 4)
        first = first_exercise_points(source)
        if abs(result.score - (autograded - first)) >= 1e-9:
            return False
    rules = {finding["rule"] for finding in result.findings}
    return (
        result.status == want.status
        and full == want.full_marks
        and set(want.flagged_rules) <= rules
        and (want.execution is None or result.execution == want.execution)
        and result.tampered == want.tampered
        and bool(result.withheld) == want.withheld
    )


def _manual_points(course: Course, lesson_id: str) -> float:
    import nbformat

    notebook = nbformat.read(course.lesson(lesson_id).notebook(course.source), as_version=4)
    return sum(
        float(cell.metadata.get("nbgrader", {}).get("points", 0) or 0)
        for cell in notebook.cells
        if cell.metadata.get("nbgrader", {}).get("grade") and cell.cell_type == "markdown"
    )


def scratch_copy(course: Course, out: Path) -> Course:
    """Copy the course definition and source/ into ``out``; load the copy."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    shutil.copytree(
        course.file.parent, out / "course", ignore=shutil.ignore_patterns("demo*", "example")
    )
    shutil.copytree(course.source, out / "source")
    file = out / "course" / course.file.name
    copy = load_course(file)
    if copy.source != out / "source":
        raise RuntimeError("course demo needs source = 'source' in course.toml")
    own = f"sqlite:///{copy.workspace / 'gradebook.db'}"
    if copy.gradebook_url != own:  # a server, or a file elsewhere: the real gradebook
        file.write_text(_GRADEBOOK_LINE.sub(f"gradebook = {json.dumps(own)}", file.read_text()))
        copy = load_course(file)
        if copy.gradebook_url != own:
            raise RuntimeError(
                f"course demo could not point its copy of {course.file.name} at a scratch "
                'gradebook: write `gradebook = "..."` on a line of its own in [course]'
            )
    return copy


# The gradebook setting of course.toml: a key of [course], on a line of its own.
_GRADEBOOK_LINE = re.compile(r"^[ \t]*gradebook[ \t]*=.*$", re.MULTILINE)


def _step(number: int, title: str) -> float:
    print(f"\n[{number}/5] {title}", flush=True)
    return time.perf_counter()


def _done(start: float, what: str = "done") -> None:
    print(f"      {what} ({time.perf_counter() - start:.0f} s)", flush=True)
