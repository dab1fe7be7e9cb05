"""Every graded answer of every lesson, graded with wrong and right code.

See grading.py: each answer's cases are graded once per test session, all in one kernel,
on the xdist worker that runs that answer's group; each case is then its own test. Two
tests check that this agrees with grading every case through `course grade`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from autograder.config import DEFAULT_COURSE_FILE, load_course
from autograder.integrity import scan_source
from grading import (
    CASES,
    answer_ids,
    answer_tests,
    cases,
    grade_cases,
    read_source,
)

EXAMPLE_COURSE_FILE = DEFAULT_COURSE_FILE.parent / "example" / "course" / "course.toml"
LESSONS = [lesson.id for lesson in load_course(DEFAULT_COURSE_FILE).lessons]
MIN_MUTANTS, MIN_ALTERNATIVES = 3, 1


def _all_cases():
    params = []
    for lesson in LESSONS:
        for case in cases(lesson):
            mark = pytest.mark.xdist_group(f"cases-{lesson}-{case.answer}")
            params.append(pytest.param(case, id=case.label, marks=[mark, pytest.mark.slow]))
    return params


@pytest.fixture(scope="session")
def graded_answer(tmp_path_factory):
    """``graded_answer(lesson, answer)``: its cases' outcomes by label; graded on first use."""
    graded: dict[tuple[str, str], dict[str, object]] = {}

    def get(lesson: str, answer: str):
        if (lesson, answer) not in graded:
            root = tmp_path_factory.mktemp(f"cases-{lesson}-{answer}")
            outcomes = grade_cases(lesson, root, [answer])
            graded[(lesson, answer)] = {o.case.label: o for o in outcomes}
        return graded[(lesson, answer)]

    return get


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_answer_has_tests_mutants_and_an_alternative(lesson):
    """The cases exist before they are graded: tests, 3 mutants, 1 alternative per answer,
    and none that tampers with the kernel they share."""
    notebook = read_source(lesson)
    owned = answer_tests(notebook)  # a test cell that belongs to no answer fails here
    problems = []
    for answer in answer_ids(notebook):
        files = [p.stem for p in (CASES / lesson / answer).glob("*.py")]
        mutants = sum(name.startswith("mutant_") for name in files)
        alternatives = sum(name.startswith("alternative_") for name in files)
        if not owned[answer]:
            problems.append(f"{answer}: no test cell")
        if mutants < MIN_MUTANTS or alternatives < MIN_ALTERNATIVES:
            problems.append(f"{answer}: {mutants} mutants and {alternatives} alternatives")
        # The cases of an answer share a kernel: one that tampers (patches a module, hooks
        # IPython...) would change the next one's grade. `course grade`'s scan says which.
        for path in sorted((CASES / lesson / answer).glob("*.py")):
            for finding in scan_source(path.read_text(), path.name):
                problems.append(f"{answer}/{path.name}: {finding.rule}: {finding.message}")
    assert not problems, f"{lesson}: " + "; ".join(problems)


@pytest.mark.parametrize("case", _all_cases())
def test_case_is_graded_as_expected(case, graded_answer):
    outcome = graded_answer(case.lesson, case.answer)[case.label]
    want = {
        "reference": "full marks",
        "alternative": "full marks",
        "stub": "0 points",
        "mutant": "fewer than full marks",
    }[case.kind]
    assert outcome.ok, (
        f"{case.label}: {outcome.status}, {outcome.score:g} / {outcome.max_score:g}; "
        f"expected {want}. {outcome.reason}"
    )


def _scores(outcomes) -> dict[str, tuple[str, float, float]]:
    return {o.case.label: (o.status, o.score, o.max_score) for o in outcomes}


@pytest.mark.xdist_group("cases-00_fixture")
def test_the_harness_on_the_example_course(tmp_path: Path):
    """The harness itself, on the example course's small cases (no TensorFlow)."""
    kernel = grade_cases("00_fixture", tmp_path / "kernel", course_file=EXAMPLE_COURSE_FILE)
    kinds = sorted({o.case.kind for o in kernel})
    assert kinds == ["alternative", "mutant", "reference", "stub"]
    assert all(o.ok for o in kernel), [(o.case.label, o.score, o.reason) for o in kernel]
    mutant = next(o for o in kernel if o.case.student == "mutant-wrong-axis")
    assert (mutant.score, mutant.max_score) == (0, 2)
    pipeline = grade_cases("00_fixture", tmp_path / "pipeline", mode="pipeline", jobs=2,
                           course_file=EXAMPLE_COURSE_FILE)  # fmt: skip
    assert _scores(kernel) == _scores(pipeline)


@pytest.mark.slow
@pytest.mark.xdist_group("cases-01_tensors-crop_corner")  # reuses its grading
def test_one_kernel_grades_a_lesson_answer_as_course_grade_does(tmp_path: Path, graded_answer):
    """On a TensorFlow lesson too: every case of one answer, both ways, the same scores."""
    kernel = list(graded_answer("01_tensors", "crop_corner").values())
    pipeline = grade_cases("01_tensors", tmp_path, ["crop_corner"], mode="pipeline", jobs=1)
    assert _scores(kernel) == _scores(pipeline)


def test_a_test_cell_without_an_answer_is_an_error():
    import nbformat

    notebook = nbformat.v4.new_notebook()
    answer = nbformat.v4.new_code_cell("def f():\n    pass")
    answer.metadata["nbgrader"] = {"grade_id": "f", "solution": True, "grade": False}
    stray = nbformat.v4.new_code_cell("assert f() is None")
    stray.metadata["nbgrader"] = {"grade_id": "g_values", "grade": True, "points": 1}
    notebook.cells = [answer, stray]
    with pytest.raises(ValueError, match="g_values"):
        answer_tests(notebook)
