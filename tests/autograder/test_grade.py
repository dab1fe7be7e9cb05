"""`course grade` on the demo class of the fixture lesson: every submission gets the grade
it earned and a reason; hostile ones are contained and flagged; grading is repeatable."""

from __future__ import annotations

import json

import pytest

from autograder import cli
from autograder.grade import grade_all
from autograder.sandbox import bubblewrap_available

AUTOGRADED_POINTS = 4.0  # the fixture's 5 points less its written answer (graded by hand)
SQUARE_POINTS = 2.0  # the first exercise's tests (square_values)
SQUARE_CELL = (
    5  # square's answer in the graded notebook (the release adds a badge and an install cell)
)

# The graded class comes from tests/autograder/conftest.py, made once on one worker.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("graded_class")]


def test_every_demo_submission_is_graded_with_a_reason(graded):
    _, expected, results = graded
    assert set(results) == set(expected) | {"cheater"}
    for student, want in expected.items():
        result = results[student]
        assert result.status == want.status, (student, result)
        if want.full_marks:
            assert result.score == AUTOGRADED_POINTS, (student, result)
        else:
            assert result.score < AUTOGRADED_POINTS, (student, result)
        if want.all_but_first:  # square's 2 points lost, row_means' 2 kept
            assert result.score == AUTOGRADED_POINTS - SQUARE_POINTS, (student, result)
        if want.execution:
            assert result.execution == want.execution, (student, result)
            assert result.reason, f"{student}: no reason recorded"
        rules = {finding["rule"] for finding in result.findings}
        assert set(want.flagged_rules) <= rules, (student, rules)
        assert result.tampered == want.tampered, (student, result.canaries)
        assert bool(result.withheld) == want.withheld, (student, result.withheld)


def test_exact_grades(graded):
    _, _, results = graded
    scores = {student: result.score for student, result in results.items()}
    assert scores["perfect"] == 4 and scores["blank"] == 0
    assert scores["partial"] == 2  # square right (2 points), row_means missing
    # An attack in square's cell costs square's 2 points at most: a cell past its time
    # limit is interrupted; one that uses too much memory, kills its kernel or ignores the
    # interrupt gets its kernel restarted; either way the later cells run and score.
    assert scores["infinite-loop"] == 2  # the cell is interrupted, later cells still run
    for crashed in ("memory-bomb", "kernel-exit", "ignores-interrupt"):
        assert scores[crashed] == 2, crashed
        result = results[crashed]
        assert result.stopped_cell is None and result.unrecovered == "", result
        (restart,) = result.restarts
        assert restart["cell"] == SQUARE_CELL, restart
    assert results["memory-bomb"].restarts[0]["cause"] == "memory"
    assert results["kernel-exit"].restarts[0]["cause"] == "kernel_died"
    assert results["ignores-interrupt"].restarts[0]["cause"] == "unresponsive"
    assert results["ignores-interrupt"].restarts[0]["limit"] == 4  # the tight cell_timeout
    # A 50 MB print is cut to the cell's 1 MB (that cell fails) and square is defined
    # after it: nothing is lost.
    assert scores["huge-output"] == 4
    assert results["huge-output"].truncated == [{"cell": SQUARE_CELL, "scope": "cell",
                                                 "limit_mb": 1.0}]  # fmt: skip
    assert results["huge-output"].restarts == []
    # Right answers behind an attack keep their points; the attack is flagged instead.
    assert scores["patches-allclose"] == 4 and scores["hooks-tests"] == 4
    assert scores["opens-socket"] == 2 and scores["reads-source"] == 2
    # Patching NumPy does not turn a wrong answer into a right one.
    assert scores["cheater"] == 2
    # Faked checks: the tests' word cannot be trusted, so the score is withheld.
    assert scores["fakes-checks"] == 4 and results["fakes-checks"].tampered
    assert results["fakes-checks"].canaries["passed"]
    assert all(r.withheld for r in results.values() if r.findings or r.tampered)
    assert scores["invalid-json"] == 0
    # Nothing in the class was stopped for good.
    assert all(r.stopped_cell is None for r in results.values())


def test_a_crashing_submission_grades_the_same_alone(graded):
    """Grades do not depend on the class: memory-bomb graded alone, one job, in a copy of
    the workspace (its submission and the gradebook), gets what it got in the parallel
    class run."""
    import dataclasses
    import shutil
    import tempfile
    from pathlib import Path

    course, _, results = graded
    workspace = Path(tempfile.mkdtemp(prefix="course-alone-", dir="/var/tmp")) / "workspace"
    shutil.copytree(course.workspace / "submitted" / "memory-bomb",
                    workspace / "submitted" / "memory-bomb")  # fmt: skip
    shutil.copyfile(course.workspace / "gradebook.db", workspace / "gradebook.db")
    alone = dataclasses.replace(
        course, workspace=workspace, gradebook_url=f"sqlite:///{workspace / 'gradebook.db'}"
    )
    try:
        (again,) = grade_all(alone, list(course.lessons), ["memory-bomb"], jobs=1, force=True)
    finally:
        shutil.rmtree(workspace.parent, ignore_errors=True)
    before = results["memory-bomb"]
    assert (again.score, again.execution, again.stopped_cell) == (
        before.score, before.execution, before.stopped_cell,
    )  # fmt: skip
    keys = ("cell", "status", "cause", "limit", "unit", "replayed", "skipped")
    assert [{k: r[k] for k in keys} for r in again.restarts] == [
        {k: r[k] for k in keys} for r in before.restarts
    ]


def test_the_kernel_cannot_see_the_course(graded):
    from autograder.grade import hidden_folders

    course, _, results = graded
    assert {course.root, course.workspace} <= set(hidden_folders(course))
    # reads-source opens ../../../../course/course.toml before defining square.
    assert results["reads-source"].score == 2


def test_clean_submissions_are_not_flagged(graded):
    _, _, results = graded
    for student in ("perfect", "blank", "partial", "infinite-loop", "memory-bomb", "huge-output"):
        assert results[student].findings == [], (student, results[student].findings)


@pytest.mark.skipif(not bubblewrap_available(), reason="bubblewrap is not available here")
def test_kernels_ran_sandboxed(graded):
    _, _, results = graded
    ran = [r for r in results.values() if r.status == "graded"]
    assert ran and all(r.sandboxed for r in ran)


def test_results_are_written_and_flags_reach_the_gradebook(graded):
    from nbgrader.api import Gradebook

    course, _, results = graded
    saved = json.loads((course.workspace / "results" / "00_fixture" / "perfect.json").read_text())
    assert saved["score"] == 4 and saved["status"] == "graded"
    with Gradebook(course.gradebook_url) as gradebook:
        flagged = gradebook.find_submission("00_fixture", "patches-allclose")
        clean = gradebook.find_submission("00_fixture", "perfect")
        assert flagged.needs_manual_grade
        assert not any(
            g.needs_manual_grade for g in clean.notebooks[0].grades if g.auto_score is not None
        )


def test_regrading_gives_the_same_grades_sequentially(graded):
    course, _, results = graded
    students = ["perfect", "partial", "infinite-loop", "invalid-json"]
    again = grade_all(course, list(course.lessons), students, jobs=1)
    assert {r.student: r.score for r in again} == {s: results[s].score for s in students}


def test_missing_submission_and_cli(graded, capsys):
    course, _, _ = graded
    code = cli.main(["--config", str(course.file), "grade", "--student", "nobody",
                     "--student", "perfect", "--jobs", "2"])  # fmt: skip
    out = capsys.readouterr().out
    assert code == cli.EXIT_OK, out
    assert "nobody" in out and "missing" in out and "no submission" in out
    assert "perfect" in out and "4 / 5" in out


def test_a_regrade_starts_with_the_slowest_submission(tmp_path):
    """The last grading time orders a re-grade, longest first; never graded counts 0."""
    import dataclasses

    from autograder.config import load_course
    from autograder.demo import EXAMPLE_COURSE_FILE
    from autograder.grade import _expected_cost

    course = load_course(EXAMPLE_COURSE_FILE)
    course = dataclasses.replace(course, workspace=tmp_path)
    (lesson,) = course.lessons
    results = tmp_path / "results" / lesson.id
    results.mkdir(parents=True)
    (results / "slow.json").write_text('{"seconds": 125.0}')
    (results / "broken.json").write_text("not json")
    assert _expected_cost(course, lesson, "slow") == 125.0
    assert _expected_cost(course, lesson, "broken") == 0.0
    assert _expected_cost(course, lesson, "new") == 0.0
