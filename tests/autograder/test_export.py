"""`course export`: grades.csv and cells.csv from the gradebook and the grading results."""

from __future__ import annotations

import csv
import dataclasses
import shutil
from pathlib import Path

import pytest

from autograder.config import parse_course
from autograder.export import CELL_COLUMNS, export_grades

LESSON = "00_fixture"
graded_class = [pytest.mark.slow, pytest.mark.xdist_group("graded_class")]


def slow(test):
    for mark in graded_class:
        test = mark(test)
    return test


def rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as file:
        return list(csv.reader(file))


def scratch(course, folder: Path):
    """The graded course with a private copy of its results and gradebook."""
    workspace = folder / "workspace"
    shutil.copytree(course.workspace / "results", workspace / "results")
    shutil.copyfile(course.workspace / "gradebook.db", workspace / "gradebook.db")
    return dataclasses.replace(
        course, workspace=workspace, gradebook_url=f"sqlite:///{workspace / 'gradebook.db'}"
    )


# --------------------------------------------------------------------------- fast


def test_nothing_graded_yet_gives_headers_only(tmp_path):
    raw = {
        "course": {"id": "c1", "title": "T", "repository": "https://github.com/o/r"},
        "lessons": [{"id": "01_tensors", "title": "Tensors", "points": 25},
                    {"id": "02_gd", "title": "GD", "points": 20}],
    }  # fmt: skip
    course = parse_course(raw, root=tmp_path)
    grades, cells = export_grades(course, tmp_path / "out")
    assert rows(grades) == [["student", "01_tensors", "02_gd", "total", "max_total", "notes"]]
    assert rows(cells) == [list(CELL_COLUMNS)]
    assert not (tmp_path / "workspace" / "gradebook.db").exists()  # not created by reading


# --------------------------------------------------------------------------- the graded class


@slow
def test_exact_rows(graded, tmp_path):
    course, expected, _ = graded
    grades_csv, cells_csv = export_grades(course, tmp_path)
    assert (grades_csv.name, cells_csv.name) == ("grades.csv", "cells.csv")

    grades = rows(grades_csv)
    assert grades[0] == ["student", LESSON, "total", "max_total", "notes"]
    students = [row[0] for row in grades[1:]]
    assert students == sorted(students) and set(expected) | {"cheater"} <= set(students)
    by_student = {row[0]: row for row in grades[1:]}
    assert by_student["perfect"] == ["perfect", "4", "4", "5", ""]
    assert by_student["partial"] == ["partial", "2", "2", "5", ""]
    # The memory blow-up in square's cell cost square only: row_means' 2 points count.
    assert by_student["memory-bomb"] == ["memory-bomb", "2", "2", "5", ""]
    assert by_student["huge-output"] == ["huge-output", "4", "4", "5", ""]
    # Patching NumPy is a finding: the score is withheld (0) until an instructor reviews it.
    assert by_student["cheater"][:4] == ["cheater", "0", "0", "5"]
    assert by_student["cheater"][4].startswith(f"{LESSON}: withheld: awaits review")

    cells = rows(cells_csv)
    assert cells[0] == list(CELL_COLUMNS)
    keys = [(row[0], row[1]) for row in cells[1:]]
    assert keys == sorted(keys)  # students sorted, then one lesson; cells in notebook order

    def of(student):
        return [row for row in cells[1:] if row[0] == student]

    assert of("perfect") == [
        ["perfect", LESSON, "square_values", "2", "2", "2", "", "false", "graded", "false", ""],
        ["perfect", LESSON, "row_means_shape", "1", "1", "1", "", "false", "graded", "false", ""],
        ["perfect", LESSON, "row_means_values", "1", "1", "1", "", "false", "graded", "false", ""],
        # A written answer: no automatic score, waiting for a person.
        ["perfect", LESSON, "why_axis", "0", "1", "", "", "true", "graded", "false", ""],
    ]
    recovered = "all 9 code cells had their turn; the kernel was restarted after cells 6 (memory)"
    assert of("memory-bomb")[:3] == [
        ["memory-bomb", LESSON, "square_values", "0", "2", "0", "", "false", "graded", "false",
         recovered],
        ["memory-bomb", LESSON, "row_means_shape", "1", "1", "1", "", "false", "graded", "false",
         recovered],
        ["memory-bomb", LESSON, "row_means_values", "1", "1", "1", "", "false", "graded", "false",
         recovered],
    ]  # fmt: skip
    # Flagged: every cell marked for a person, the flag on every row, the autograded
    # points withheld (score 0, auto_score what the tests gave) until a review.
    hooks = of("hooks-tests")
    assert [row[2] for row in hooks] == ["square_values", "row_means_shape",
                                         "row_means_values", "why_axis"]  # fmt: skip
    assert all(row[7] == "true" and row[9] == "true" for row in hooks)
    assert [row[3] for row in hooks] == ["0", "0", "0", "0"]
    assert [row[5] for row in hooks[:3]] == ["2", "1", "1"]
    assert all(row[8] == "withheld" and row[10].startswith("awaits review") for row in hooks)
    invalid = of("invalid-json")
    assert {row[8] for row in invalid} == {"invalid"}
    assert invalid[0][10] == "not a readable notebook (not valid JSON); graded as blank"


@slow
def test_manual_scores_and_missing_students(graded, tmp_path):
    from nbgrader.api import Gradebook

    course, _, _ = graded
    copy = scratch(course, tmp_path)
    with Gradebook(copy.gradebook_url) as gradebook:
        # What formgrader does when the instructor grades the written answer.
        grade = gradebook.find_grade("why_axis", LESSON, LESSON, "perfect")
        grade.manual_score = 1.0
        grade.needs_manual_grade = False
        gradebook.add_student("absent")  # on the roster, never handed in
        gradebook.db.commit()

    grades_csv, cells_csv = export_grades(copy, tmp_path / "export")
    by_student = {row[0]: row for row in rows(grades_csv)[1:]}
    assert by_student["perfect"] == ["perfect", "5", "5", "5", ""]
    assert by_student["absent"] == ["absent", "", "0", "5", ""]
    cells = rows(cells_csv)
    why = [row for row in cells if row[0] == "perfect" and row[2] == "why_axis"]
    assert why == [["perfect", LESSON, "why_axis", "1", "1", "", "1", "false", "graded",
                    "false", ""]]  # fmt: skip
    absent = [row for row in cells if row[0] == "absent"]
    assert absent == [["absent", LESSON, "", "", "", "", "", "", "missing", "false",
                       "no submission"]]  # fmt: skip

    # A second export gives the same files.
    again = export_grades(copy, tmp_path / "again")
    assert [p.read_bytes() for p in again] == [grades_csv.read_bytes(), cells_csv.read_bytes()]
