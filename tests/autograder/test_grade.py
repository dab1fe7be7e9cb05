"""`course grade` on the demo class of the fixture lesson: every submission gets the grade
it earned and a reason; hostile ones are contained and flagged; grading is repeatable."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from autograder import cli
from autograder.config import load_course
from autograder.democlass import make_demo_class
from autograder.grade import grade_all
from autograder.release import release_lessons
from autograder.sandbox import bubblewrap_available

FIXTURE = Path(__file__).parent / "fixtures" / "course"
AUTOGRADED_POINTS = 4.0  # the fixture's 5 points less its written answer (graded by hand)

# One worker grades the class once for every test here.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("grade")]


def write_cheater(perfect: Path, target: Path) -> None:
    """square wrong, hidden behind patched NumPy comparisons; row_means right."""
    notebook = nbformat.read(perfect, as_version=4)
    cell = next(
        c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "square"
    )
    cell.source = (
        "np.allclose = lambda *a, **k: True\n"
        "np.testing.assert_allclose = lambda *a, **k: None\n"
        "np.abs = lambda x: 0 * x\n"
        "def square(x):\n    return x"
    )
    target.parent.mkdir(parents=True)
    nbformat.write(notebook, target)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The fixture course with tight limits, released, its demo class made and graded."""
    root = tmp_path_factory.mktemp("grade") / "course-root"
    shutil.copytree(FIXTURE, root)
    config = root / "course" / "course.toml"
    text = config.read_text()
    for old, new in [("cell_timeout = 20", "cell_timeout = 4"),
                     ("notebook_timeout = 60", "notebook_timeout = 30"),
                     ("memory_mb = 1024", "memory_mb = 600")]:  # fmt: skip
        text = text.replace(old, new)
    config.write_text(text)
    course = load_course(config)
    assert all(r.ok for r in release_lessons(course, course.lessons, run=False))
    (lesson,) = course.lessons
    expected = make_demo_class(course, lesson, course.workspace / "submitted")
    write_cheater(
        course.workspace / "submitted" / "perfect" / lesson.id / f"{lesson.id}.ipynb",
        course.workspace / "submitted" / "cheater" / lesson.id / f"{lesson.id}.ipynb",
    )
    results = {r.student: r for r in grade_all(course, [lesson], jobs=2)}
    return course, expected, results


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
        if want.execution:
            assert result.execution == want.execution, (student, result)
            assert result.reason, f"{student}: no reason recorded"
        rules = {finding["rule"] for finding in result.findings}
        assert set(want.flagged_rules) <= rules, (student, rules)


def test_exact_grades(graded):
    _, _, results = graded
    scores = {student: result.score for student, result in results.items()}
    assert scores["perfect"] == 4 and scores["blank"] == 0
    assert scores["partial"] == 2  # square right (2 points), row_means missing
    # An attack in square's cell costs square's 2 points at most when the kernel survives;
    # when it stops the kernel (or runs past a limit), nothing after it scores.
    assert scores["infinite-loop"] == 2  # the cell is interrupted, later cells still run
    # Right answers behind an attack keep their points; the attack is flagged instead.
    assert scores["patches-allclose"] == 4 and scores["hooks-tests"] == 4
    assert scores["opens-socket"] == 2 and scores["reads-source"] == 2
    # Patching NumPy does not turn a wrong answer into a right one.
    assert scores["cheater"] == 2
    for stopped in ("memory-bomb", "kernel-exit", "huge-output", "invalid-json"):
        assert scores[stopped] == 0, stopped


def test_clean_submissions_are_not_flagged(graded):
    _, _, results = graded
    for student in ("perfect", "blank", "partial", "infinite-loop", "memory-bomb"):
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
