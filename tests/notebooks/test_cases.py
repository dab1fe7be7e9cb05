"""Every graded answer of every lesson, graded with wrong and right code.

See grading.py: each answer's cases are graded once per test session, all in one kernel,
on the xdist worker that runs that answer's group; each case is then its own test. Two
tests check that this agrees with grading every case through `course grade`. The same
grading measures the visible checks: per answer, the reference must pass them and they
alone must catch at least ``VISIBLE_KILL_MIN`` of the answer's mutants.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import grading
from autograder.config import DEFAULT_COURSE_FILE, load_course
from autograder.integrity import scan_source
from grading import (
    CASES,
    answer_ids,
    answer_tests,
    cases,
    grade_cases,
    hidden_only_tests,
    hint_rate,
    mistake_catalogue,
    read_source,
    report,
    unknown_mistakes,
    visible_kill,
)

EXAMPLE_COURSE_FILE = DEFAULT_COURSE_FILE.parent / "example" / "course" / "course.toml"
LESSONS = [lesson.id for lesson in load_course(DEFAULT_COURSE_FILE).lessons]
MIN_MUTANTS, MIN_ALTERNATIVES = 3, 1
VISIBLE_KILL_MIN = 0.70  # the share of an answer's mutants its visible checks must catch


def _all_cases():
    params = []
    for lesson in LESSONS:
        for case in cases(lesson):
            mark = pytest.mark.xdist_group(f"cases-{lesson}-{case.answer}")
            params.append(pytest.param(case, id=case.label, marks=[mark, pytest.mark.slow]))
    return params


def _all_answers():
    params = []
    for lesson in LESSONS:
        for answer in answer_ids(read_source(lesson)):
            mark = pytest.mark.xdist_group(f"cases-{lesson}-{answer}")
            params.append(
                pytest.param(
                    lesson, answer, id=f"{lesson}/{answer}", marks=[mark, pytest.mark.slow]
                )
            )
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
    none that tampers with the kernel they share, and every mistake a mutant declares is
    in the hint catalogue. (An upstream case naming no other answer fails in cases().)"""
    notebook = read_source(lesson)
    owned = answer_tests(notebook)  # a test cell that belongs to no answer fails here
    problems = unknown_mistakes(cases(lesson), mistake_catalogue())
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
        "upstream": f"full marks although {case.replaces} is broken (no cascade)",
    }[case.kind]
    assert outcome.ok, (
        f"{case.label}: {outcome.status}, {outcome.score:g} / {outcome.max_score:g}; "
        f"expected {want}. {outcome.reason}"
    )


@pytest.mark.parametrize(("lesson", "answer"), _all_answers())
def test_visible_checks_catch_most_mutants(lesson, answer, graded_answer):
    """The student copy's checks alone fail at least VISIBLE_KILL_MIN of the answer's
    mutants, and pass the reference (else a failure says nothing)."""
    outcomes = list(graded_answer(lesson, answer).values())
    (kill,) = visible_kill(outcomes)
    if not kill.mutants:
        pytest.skip(f"{lesson}/{answer}: no mutant was measured")
    reference = next(o for o in outcomes if o.case.kind == "reference")
    assert kill.reference_passes, (
        f"{lesson}/{answer}: the visible checks fail the reference "
        f"({', '.join(reference.visible_failed or ())}): {reference.visible_text[:500]}"
    )
    assert kill.rate >= VISIBLE_KILL_MIN, (
        f"{lesson}/{answer}: {kill.describe()}, fewer than {VISIBLE_KILL_MIN:.0%}; "
        f"they miss {', '.join(kill.missed)}"
    )


def _scores(outcomes) -> dict[str, tuple[str, float, float]]:
    return {o.case.label: (o.status, o.score, o.max_score) for o in outcomes}


@pytest.mark.xdist_group("cases-00_fixture")
def test_the_harness_on_the_example_course(tmp_path: Path, monkeypatch):
    """The harness itself, on the example course's small cases (no TensorFlow), plus three
    written here: a mutant the visible checks miss, one that declares its mistake, and an
    upstream case (a broken `square` must not cost `row_means` its points)."""
    folder = tmp_path / "cases"
    shutil.copytree(CASES / "00_fixture", folder / "00_fixture")
    square, row_means = folder / "00_fixture" / "square", folder / "00_fixture" / "row_means"
    doubles = square / "mutant_doubles.py"
    doubles.write_text("# mistake: doubled\n" + doubles.read_text())
    (square / "mutant_right_at_three.py").write_text(
        "# right where the visible check looks, doubled elsewhere\n"
        "def square(x):\n"
        "    x = np.asarray(x)\n"
        "    return np.where(x == 3.0, 9.0, 2 * x)\n"
    )
    (row_means / "upstream_broken_square.py").write_text(
        "# replaces: square\ndef square(x):\n    raise ValueError('broken')\n"
    )
    monkeypatch.setattr(grading, "CASES", folder)
    # A stand-in catalogue whose "sentence" is a phrase of check_close's message.
    monkeypatch.setattr(grading, "mistake_catalogue", lambda: {"doubled": "square(3.0)"})

    kernel = grade_cases("00_fixture", tmp_path / "kernel", course_file=EXAMPLE_COURSE_FILE)
    kinds = sorted({o.case.kind for o in kernel})
    assert kinds == ["alternative", "mutant", "reference", "stub", "upstream"]
    assert all(o.ok for o in kernel), [(o.case.label, o.score, o.reason) for o in kernel]
    by_student = {(o.case.answer, o.case.student): o for o in kernel}
    mutant = by_student["row_means", "mutant-wrong-axis"]
    assert (mutant.score, mutant.max_score) == (0, 2)
    assert mutant.visible_failed == ("row_means_shape",)
    upstream = by_student["row_means", "upstream-broken-square"]
    assert (upstream.case.replaces, upstream.score, upstream.max_score) == ("square", 2, 2)
    assert by_student["square", "mutant-doubles"].hint_named is True
    assert by_student["square", "mutant-right-at-three"].hint_named is None  # declares none
    kills = {kill.answer: kill for kill in visible_kill(kernel)}
    assert (kills["square"].caught, kills["square"].mutants) == (1, 2)
    assert kills["square"].missed == ("mutant-right-at-three",)
    assert kills["square"].reference_passes and kills["row_means"].reference_passes
    assert (kills["row_means"].caught, kills["row_means"].mutants) == (1, 1)
    (rate,) = hint_rate(kernel)
    assert (rate.named, rate.declared, rate.mutants) == (1, 1, 3)
    table = report("00_fixture", kernel, EXAMPLE_COURSE_FILE)
    assert "| square | 2 | 1 of 2 (50%) **below 70%** |" in table
    assert "| 1 of 2: row_means_values |" in table

    pipeline = grade_cases("00_fixture", tmp_path / "pipeline", mode="pipeline", jobs=2,
                           course_file=EXAMPLE_COURSE_FILE)  # fmt: skip
    assert _scores(kernel) == _scores(pipeline)
    assert all(o.caught is None for o in pipeline)  # only kernel mode measures them


def test_case_files_say_what_they_are(tmp_path: Path, monkeypatch):
    """First lines: an upstream case names another answer, only a mutant declares a
    mistake, and a declared mistake must be in the catalogue."""
    answer = tmp_path / "00_fixture" / "row_means"
    answer.mkdir(parents=True)
    monkeypatch.setattr(grading, "CASES", tmp_path)

    def found():
        return [c for c in cases("00_fixture", course_file=EXAMPLE_COURSE_FILE) if c.name]

    for text in ("def square(x): ...", "# replaces: row_means\n", "# replaces: cube\n"):
        (answer / "upstream_bad.py").write_text(text)
        with pytest.raises(ValueError, match="upstream_bad.py"):
            found()
    (answer / "upstream_bad.py").unlink()
    (answer / "alternative_sure.py").write_text("# mistake: wrong_axis\n")
    with pytest.raises(ValueError, match="only a mutant"):
        found()
    (answer / "alternative_sure.py").unlink()
    (answer / "mutant_axis.py").write_text("# mistake: wrong_axis\ndef row_means(X): ...\n")
    (answer / "mutant_other.py").write_text("# some other comment\n")
    (case, other) = found()
    assert (case.mistake, other.mistake) == ("wrong_axis", None)
    assert unknown_mistakes([case, other], {"wrong_axis": "..."}) == []
    assert "mutant_axis.py" in unknown_mistakes([case, other], {"transposed": "..."})[0]
    assert "does not exist yet" in unknown_mistakes([case], None)[0]


def test_hidden_only_test_cells():
    notebook = read_source("00_fixture", EXAMPLE_COURSE_FILE)
    assert hidden_only_tests(notebook) == {"square": [], "row_means": ["row_means_values"]}
    assert grading.hidden_only_summary(["00_fixture"], EXAMPLE_COURSE_FILE) == [
        "00_fixture: 1 of 3 test cells hidden-only (1 of 4 points): row_means_values"
    ]


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


def test_a_hint_names_the_mistake_whatever_its_fields_and_wrapping():
    mutant = grading.Case("l", "a", "mutant", "x", "", mistake="reversed")
    catalogue = {"reversed": "the result is reversed along axis {axis}: check (the slice)."}
    text = "CheckError: values differ\nLikely mistake: the result is reversed\n  along axis 1: "
    assert grading.names_mistake(mutant, text + "check (the slice).", catalogue) is True
    assert grading.names_mistake(mutant, text + "check the slice.", catalogue) is False
    assert grading.names_mistake(mutant, text, {}) is False  # an id the catalogue lacks
    undeclared = grading.Case("l", "a", "mutant", "y", "")
    assert grading.names_mistake(undeclared, text, catalogue) is None
