"""`course export`: the class's grades as two CSV files, for a spreadsheet or the LMS.

``grades.csv``: one row per student: ``student``, then one column per lesson (in the
course's order) with that lesson's score, then ``total`` and ``max_total``. A lesson
with no submission has an empty score (and counts 0 in the total); ``max_total`` is
the sum of the points of the lessons graded so far (those in the gradebook or with
results), the same for everyone. A last ``notes`` column says, per lesson, why a score
is not what the gradebook holds: *withheld* (a canary test passed or the integrity scan
reported something: the autograded points count 0 until ``course review`` accepts them),
*error* (grading failed: the score is empty, never an older grade) or *invalid*.

``cells.csv``: one row per (student, lesson, graded cell), in notebook order: ``student,
lesson, cell, score, max_score, auto_score, manual_score, needs_manual_grade, status,
flagged, reason``. A missing submission is one row with an empty ``cell``. ``status``
and ``reason`` come from ``course grade``'s results (``graded``, ``missing``, ``invalid``,
``error``, or ``withheld`` with the reason), ``flagged`` says whether the integrity scan
reported anything or a canary passed; a withheld cell's ``score`` is 0 and its
``auto_score`` what the tests gave.

Scores come from the gradebook, so manual grades entered in formgrader are included.
Students are everyone in the gradebook plus everyone with a results file, sorted.

This module also reads the grades for ``autograder.feedback``: ``read_lesson`` gives a
plain snapshot (``LessonGrades``) of one student's lesson from the gradebook, the results
JSON and the course.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import nbformat

from autograder.config import Course, Lesson, scripts_on_path
from autograder.review import withheld_reason
from autograder.workspace import (
    ERROR,
    GRADED,
    MISSING,
    SubmissionResult,
    counted_score,
    gradebook_exists,
)

GRADES_FILE = "grades.csv"
CELLS_FILE = "cells.csv"
CELL_COLUMNS = (
    "student", "lesson", "cell", "score", "max_score", "auto_score", "manual_score",
    "needs_manual_grade", "status", "flagged", "reason",
)  # fmt: skip


@dataclass(frozen=True)
class CellGrade:
    """One graded cell of a submission, as the gradebook has it."""

    notebook: str
    name: str  # the grade_id
    cell_type: str  # "code" or "markdown"
    manual: bool  # a manually graded answer or task, not an autograded test
    score: float  # manual score if set, else auto score, plus extra credit (nbgrader's rule)
    max_score: float
    auto_score: float | None
    manual_score: float | None
    extra_credit: float | None
    needs_manual_grade: bool
    comment: str | None = None  # the instructor's comment on this cell, if any


@dataclass
class LessonGrades:
    """One student's lesson: the gradebook's grades and ``course grade``'s result."""

    lesson: str
    student: str
    status: str  # graded, missing, invalid, error, withheld (graded, score held for review)
    max_score: float
    score: float | None = None  # None when missing
    reason: str = ""
    execution: str = ""
    flagged: bool = False
    withheld: bool = False  # autograded points count 0 until `course review` accepts them
    stopped_cell: int | None = None  # where execution stopped for good (index in the notebook)
    stop_cause: str = ""  # see autograder.sandbox.ExecutionResult.cause
    unrecovered: str = ""  # why the crash at stopped_cell ended the notebook (limit, time...)
    # Crashes the notebook recovered from, and cells whose outputs were cut (cell indices
    # of the graded notebook): see autograder.sandbox.ExecutionResult.
    restarts: list[dict[str, Any]] = field(default_factory=list)
    truncated: list[dict[str, Any]] = field(default_factory=list)
    cells: list[CellGrade] = field(default_factory=list)
    # Instructor comments on cells that are not graded (solution code cells), by cell name.
    other_comments: dict[str, str] = field(default_factory=dict)

    @property
    def missing(self) -> bool:
        return self.status == MISSING


# --------------------------------------------------------------------------- reading


@contextmanager
def open_gradebook(course: Course) -> Iterator[Any]:
    """The course's gradebook, or None when it is a SQLite file that does not exist yet
    (opening one with nbgrader would create it). A server's database is opened (nbgrader
    creates its tables in an empty one)."""
    from nbgrader.api import Gradebook

    if not gradebook_exists(course.gradebook_url):
        yield None
        return
    scripts_on_path(os.environ)  # nbgrader runs `alembic` when it creates the tables
    with Gradebook(course.gradebook_url) as gradebook:
        yield gradebook


def known_students(course: Course, gradebook: Any) -> list[str]:
    """Everyone in the gradebook plus everyone with a results file, sorted."""
    students = {student.id for student in gradebook.students} if gradebook is not None else set()
    students |= course.layout.graded_students([lesson.id for lesson in course.lessons])
    return sorted(students)


def graded_lessons(course: Course, gradebook: Any, lessons: Iterable[Lesson] | None = None):
    """The lessons (of ``lessons``, default all, in course order) that are in the
    gradebook or have results: those that have been released and graded."""
    in_gradebook = {a.name for a in gradebook.assignments} if gradebook is not None else set()
    chosen = list(course.lessons if lessons is None else lessons)
    return [
        lesson
        for lesson in chosen
        if lesson.id in in_gradebook or course.layout.results_dir(lesson.id).is_dir()
    ]


def cell_order(course: Course, lesson_id: str, notebook: str) -> dict[str, int]:
    """grade_id -> position in the instructor's notebook (else the release's)."""
    for folder in (course.source, course.release):
        path = folder / lesson_id / f"{notebook}.ipynb"
        if path.is_file():
            source = nbformat.read(path, as_version=4)
            ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in source.cells]
            return {grade_id: index for index, grade_id in enumerate(ids) if grade_id}
    return {}


def read_lesson(course: Course, gradebook: Any, lesson: Lesson, student: str) -> LessonGrades:
    """A snapshot of one student's lesson; ``gradebook`` may be None (no gradebook yet)."""
    from nbgrader.api import MissingEntry

    result = course.layout.read_result(lesson.id, student) or SubmissionResult(
        lesson.id, student, status=GRADED, max_score=lesson.points
    )
    submission = None
    if gradebook is not None and result.status != MISSING:
        try:
            submission = gradebook.find_submission(lesson.id, student)
        except MissingEntry:
            submission = None
    if submission is None:
        return LessonGrades(
            lesson=lesson.id,
            student=student,
            status=MISSING,
            max_score=result.max_score or lesson.points,
            reason=result.reason or "no submission",
        )

    status = result.status
    withheld = withheld_reason(course, result)
    grades = LessonGrades(
        lesson=lesson.id,
        student=student,
        status="withheld" if withheld and status == GRADED else status,
        max_score=float(submission.max_score),
        score=counted_score(submission),
        reason=withheld or result.reason,
        execution=result.execution,
        flagged=result.flagged,
        withheld=bool(withheld),
        stopped_cell=result.stopped_cell,
        stop_cause=result.stop_cause,
        unrecovered=result.unrecovered,
        restarts=list(result.restarts),
        truncated=list(result.truncated),
    )
    if status == ERROR:
        # The gradebook may still hold an earlier grade of this student's: it must not
        # pass for the grade of what they handed in last.
        grades.score = None
        return grades
    for notebook in sorted(submission.notebooks, key=lambda n: n.name):
        manual_names = {cell.name for cell in notebook.notebook.solution_cells}
        manual_names |= {cell.name for cell in notebook.notebook.task_cells}
        comments = {
            c.name: c.manual_comment.strip()
            for c in notebook.comments
            if c.manual_comment and c.manual_comment.strip()
        }
        order = cell_order(course, lesson.id, notebook.name)
        cells = [
            CellGrade(
                notebook=notebook.name,
                name=grade.name,
                cell_type=grade.cell_type,
                manual=grade.name in manual_names,
                score=float(grade.score),
                max_score=float(grade.max_score),
                auto_score=_float(grade.auto_score),
                manual_score=_float(grade.manual_score),
                extra_credit=_float(grade.extra_credit),
                needs_manual_grade=bool(grade.needs_manual_grade),
                comment=comments.get(grade.name),
            )
            for grade in notebook.grades
        ]
        if withheld:  # autograded points count 0 until an instructor accepts them
            cells = [
                replace(cell, score=cell.score - (cell.auto_score or 0.0))
                if cell.manual_score is None and not cell.manual
                else cell
                for cell in cells
            ]
        cells.sort(key=lambda cell: (order.get(cell.name, len(order)), cell.name))
        grades.cells.extend(cells)
        graded = {cell.name for cell in cells}
        for name in sorted(comments, key=lambda n: (order.get(n, len(order)), n)):
            if name not in graded:
                grades.other_comments[name] = comments[name]
    if withheld:  # its autograded cells count 0 (above): only the rest is counted
        grades.score = counted_score(submission, sum(cell.score for cell in grades.cells))
    return grades


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


# --------------------------------------------------------------------------- writing


def export_grades(course: Course, out_dir: Path | str) -> tuple[Path, Path]:
    """Write ``grades.csv`` and ``cells.csv`` into ``out_dir``; return their paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    grades_path, cells_path = out_dir / GRADES_FILE, out_dir / CELLS_FILE
    with open_gradebook(course) as gradebook:
        students = known_students(course, gradebook)
        graded = graded_lessons(course, gradebook)
        table = {
            (student, lesson.id): read_lesson(course, gradebook, lesson, student)
            for student in students
            for lesson in graded
        }
    max_total = sum(lesson.points for lesson in graded)

    with grades_path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["student", *(lesson.id for lesson in course.lessons), "total",
                         "max_total", "notes"])  # fmt: skip
        for student in students:
            scores = [table.get((student, lesson.id)) for lesson in course.lessons]
            values = [None if s is None or s.missing else s.score for s in scores]
            total = sum(value for value in values if value is not None)
            notes = "; ".join(
                f"{s.lesson}: {s.status}: {s.reason}"
                for s in scores
                if s is not None and s.status in ("withheld", "error", "invalid")
            )
            writer.writerow([student, *map(_number, values), _number(total),
                             _number(max_total), notes])  # fmt: skip

    with cells_path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(CELL_COLUMNS)
        for student in students:
            for lesson in graded:
                grades = table[(student, lesson.id)]
                common = [grades.status, _bool(grades.flagged), grades.reason]
                if grades.missing or not grades.cells:
                    writer.writerow([student, lesson.id, "", "", "", "", "", "", *common])
                    continue
                multiple = len({cell.notebook for cell in grades.cells}) > 1
                for cell in grades.cells:
                    name = f"{cell.notebook}/{cell.name}" if multiple else cell.name
                    writer.writerow([
                        student, lesson.id, name, _number(cell.score), _number(cell.max_score),
                        _number(cell.auto_score), _number(cell.manual_score),
                        _bool(cell.needs_manual_grade), *common,
                    ])  # fmt: skip
    return grades_path, cells_path


def _number(value: float | None) -> str:
    """4.0 -> "4", 0.5 -> "0.5", None -> ""."""
    if value is None:
        return ""
    return f"{value:.10g}"


def _bool(value: bool) -> str:
    return "true" if value else "false"
