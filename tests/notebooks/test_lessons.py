"""Every lesson in course.toml: the pattern of source/README.md, a release that proves
itself, a committed release/ that is up to date, and a blank student copy that scores 0."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pytest

from autograder.config import DEFAULT_COURSE_FILE, load_course
from autograder.demo import scratch_copy
from autograder.grade import grade_all
from autograder.release import release_lesson

COURSE = load_course(DEFAULT_COURSE_FILE)
LESSONS = [lesson.id for lesson in COURSE.lessons]
SOLUTION = "### BEGIN SOLUTION"
HIDDEN = "### BEGIN HIDDEN TESTS"


def nbgrader(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def source(lesson: str):
    return nbformat.read(COURSE.source / lesson / f"{lesson}.ipynb", as_version=4)


@pytest.mark.parametrize("lesson", LESSONS)
def test_lesson_follows_the_pattern(lesson):
    """The shape that source/README.md lays down and LESSONS.md asks for."""
    notebook = source(lesson)
    cells = notebook.cells
    answers = [c for c in cells if c.cell_type == "code" and nbgrader(c).get("solution")]
    tests = [c for c in cells if c.cell_type == "code" and nbgrader(c).get("grade")]
    written = [c for c in cells if c.cell_type == "markdown" and nbgrader(c).get("grade")]
    problems = []

    title = cells[0]
    if title.cell_type != "markdown" or not title.source.startswith(f"# {lesson.split('_')[0]} "):
        problems.append(f"the first cell is not the title '# {lesson.split('_')[0]} ...'")
    setup = cells[1]
    if nbgrader(setup).get("grade_id") != "setup" or not nbgrader(setup).get("locked"):
        problems.append("the second cell is not the locked set-up cell (grade_id 'setup')")
    elif "dlcourse.setup(" not in setup.source:
        problems.append("the set-up cell does not call dlcourse.setup()")

    points = sum(nbgrader(c).get("points", 0) for c in tests + written)
    if not 20 <= points <= 30:
        problems.append(f"{points:g} points; a lesson has 20-30")
    if len(answers) < 5:
        problems.append(f"{len(answers)} graded answers; at least 5")
    if sum(HIDDEN in c.source for c in tests) < 3:
        problems.append("fewer than 3 test cells with hidden tests")
    if not any(SOLUTION in c.source for c in written):
        problems.append("no written question with a rubric")

    for cell in answers:
        grade_id = nbgrader(cell)["grade_id"]
        if not re.search(rf"^def {re.escape(grade_id)}\(", cell.source, re.MULTILINE):
            problems.append(f"answer cell {grade_id!r} does not define {grade_id}()")
        if nbgrader(cell).get("grade"):
            problems.append(f"answer cell {grade_id!r} is graded itself; tests grade it")
    for cell in tests:
        grade_id = nbgrader(cell)["grade_id"]
        if not cell.source.lstrip().startswith('"""'):
            problems.append(f"test cell {grade_id!r} does not begin with a docstring")
        if re.search(r"np\.(allclose|isclose|testing)", cell.source):
            problems.append(f"test cell {grade_id!r} compares with NumPy; use dlcourse.checks")
        if not nbgrader(cell).get("locked"):
            problems.append(f"test cell {grade_id!r} is not locked")

    figures = sum(
        len(re.findall(r"\bplots\.plot_\w+\(", c.source))
        for c in cells
        if c.cell_type == "code" and not nbgrader(c)
    )
    if figures < 3:
        problems.append(f"{figures} figures drawn with dlcourse.plots; at least 3")
    assert not problems, f"{lesson}: " + "; ".join(problems)


# TensorFlow spelled in code: the module, its usual alias, or its tape and graph functions.
TENSORFLOW = re.compile(r"\btensorflow\b|\btf\.\w|GradientTape|\.numpy\(\)")


@pytest.mark.parametrize("lesson", LESSONS)
def test_student_code_runs_on_either_backend_unless_the_lesson_teaches_tensorflow(lesson):
    """Colab's TPU runtime has Keras on JAX and no TensorFlow: a lesson that does not ask for
    TensorFlow (`requires_tensorflow=True`) keeps it out of all the code its student copy
    holds (the hidden tests, stripped from that copy, may use it). `.numpy()` counts too:
    JAX arrays have none. `make colab-check` runs those copies on JAX."""
    released = nbformat.read(COURSE.release / lesson / f"{lesson}.ipynb", as_version=4)
    code = [c for c in released.cells if c.cell_type == "code"]
    if any("requires_tensorflow=True" in c.source for c in code):
        pytest.skip(f"{lesson} teaches TensorFlow itself")
    found = [
        f"cell {index}: {line.strip()[:80]}"
        for index, cell in enumerate(released.cells)
        if cell.cell_type == "code"
        for line in cell.source.splitlines()
        if TENSORFLOW.search(line.split("#")[0])
    ]
    assert not found, f"{lesson}: TensorFlow in the student copy's code:\n" + "\n".join(found)


@pytest.mark.slow
@pytest.mark.parametrize(
    "lesson", [pytest.param(x, marks=pytest.mark.xdist_group(f"release-{x}")) for x in LESSONS]
)
def test_release_proves_itself_and_the_blank_copy_scores_zero(lesson, tmp_path: Path):
    """`course release` on a scratch copy: the instructor copy passes every test, the student
    copy's tests fail cleanly, nothing leaks; the result is what release/ holds; and the
    student copy, handed in as it is, is graded 0."""
    course = scratch_copy(COURSE, tmp_path / "course-root")
    shutil.copytree(COURSE.release, course.release)
    committed = (COURSE.release / lesson / f"{lesson}.ipynb").read_bytes()

    released = release_lesson(course, course.lesson(lesson))
    assert released.ok, "\n".join(released.problems)
    print(f"{lesson}: instructor copy {released.instructor_seconds:.0f} s, "
          f"student copy {released.student_seconds:.0f} s")  # fmt: skip
    assert released.notebook.read_bytes() == committed, (
        f"release/{lesson} is out of date: run `course release {lesson}` and commit it"
    )

    blank = course.workspace / "submitted" / "blank" / lesson / f"{lesson}.ipynb"
    blank.parent.mkdir(parents=True)
    shutil.copyfile(released.notebook, blank)
    (result,) = grade_all(course, [course.lesson(lesson)], ["blank"], jobs=1)
    assert (result.status, result.score) == ("graded", 0), result
    assert result.max_score == course.lesson(lesson).points
