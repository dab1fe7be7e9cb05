"""Every graded answer of every lesson, graded through `course grade` with wrong and right code.

See grading.py: each answer's cut notebook and its cases are graded once per test session,
on the one xdist worker that runs that answer's group (one submission at a time: the
groups keep the workers busy); each case is then its own test.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from autograder.config import DEFAULT_COURSE_FILE, load_course
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
            outcomes = grade_cases(lesson, root, [answer], jobs=1)
            graded[(lesson, answer)] = {o.case.label: o for o in outcomes}
        return graded[(lesson, answer)]

    return get


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_answer_has_tests_mutants_and_an_alternative(lesson):
    """The cases exist before they are graded: tests, 3 mutants, 1 alternative per answer."""
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


@pytest.mark.xdist_group("cases-00_fixture")
def test_the_harness_on_the_example_course(tmp_path: Path):
    """The harness itself, on the example course's small cases (no TensorFlow)."""
    outcomes = grade_cases("00_fixture", tmp_path, jobs=2, course_file=EXAMPLE_COURSE_FILE)
    kinds = sorted({o.case.kind for o in outcomes})
    assert kinds == ["alternative", "mutant", "reference", "stub"]
    assert all(o.ok for o in outcomes), [(o.case.label, o.score, o.reason) for o in outcomes]
    mutant = next(o for o in outcomes if o.case.student == "mutant-wrong-axis")
    assert (mutant.score, mutant.max_score) == (0, 2)


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
