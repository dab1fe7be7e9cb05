"""`course release`: nbgrader's student copy, Colab cells, and every proof it makes."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

from autograder import cli
from autograder.config import load_course
from autograder.release import (
    BADGE_CELL_ID,
    INSTALL_CELL_ID,
    hidden_test_ids,
    leaks,
    mark_hidden_tests,
    release_lessons,
    secret_lines,
)

FIXTURE = Path(__file__).resolve().parents[2] / "course" / "example"
LESSON = "00_fixture"


def copy_course(tmp_path: Path) -> Path:
    """A private copy of the fixture course; returns its course.toml."""
    root = tmp_path / "course-root"
    shutil.copytree(FIXTURE, root)
    return root / "course" / "course.toml"


def source_of(config: Path) -> Path:
    return config.parents[1] / "source" / LESSON / f"{LESSON}.ipynb"


def edit_source(config: Path, grade_id: str, new_source: str) -> None:
    path = source_of(config)
    notebook = nbformat.read(path, as_version=4)
    cell = next(c for c in notebook.cells if c.metadata["nbgrader"]["grade_id"] == grade_id)
    cell.source = new_source
    nbformat.write(notebook, path)


def release(config: Path, *args: str) -> tuple[int, list]:
    course = load_course(config)
    results = release_lessons(course, course.lessons, run="--no-run" not in args)
    return results[0], course


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    """The fixture lesson released once, with its notebooks run."""
    config = copy_course(tmp_path_factory.mktemp("released"))
    result, course = release(config)
    return config, result, course


def test_release_passes_and_writes_the_student_copy(released):
    config, result, course = released
    assert result.ok, result.problems
    assert result.notebook == course.release / LESSON / f"{LESSON}.ipynb"
    assert result.instructor_seconds > 0 and result.student_seconds > 0
    text = result.notebook.read_text()
    assert "raise NotImplementedError()" in text and "YOUR ANSWER HERE" in text
    assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text
    assert "np.asarray(x) ** 2" not in text and "Rubric:" not in text


def test_colab_cells(released):
    _, result, course = released
    cells = nbformat.read(result.notebook, as_version=4).cells
    ids = [c.get("id") for c in cells]
    badge = cells[ids.index(BADGE_CELL_ID)]
    install = cells[ids.index(INSTALL_CELL_ID)]
    assert ids.index(BADGE_CELL_ID) == 1  # right after the title
    first_code = next(i for i, c in enumerate(cells) if c.cell_type == "code")
    assert ids.index(INSTALL_CELL_ID) == first_code  # before the set-up cell
    assert (
        "https://colab.research.google.com/github/example/fixture-course/blob/fixture-v1/"
        "release/00_fixture/00_fixture.ipynb" in badge.source
    )
    assert 'if "google.colab" in sys.modules:' in install.source
    pinned = "git+https://github.com/example/fixture-course@fixture-v1#subdirectory=lib"
    assert pinned in install.source


def test_test_cells_with_hidden_tests_are_marked(released):
    config, result, _ = released
    source = nbformat.read(source_of(config), as_version=4)
    assert hidden_test_ids(source) == {"square_values", "row_means_values"}
    student = nbformat.read(result.notebook, as_version=4)
    marks = {
        c.metadata["nbgrader"]["grade_id"]: c.metadata.get("dlcourse")
        for c in student.cells
        if c.metadata.get("nbgrader", {}).get("grade")
    }
    assert marks == {
        "square_values": {"hidden_tests": True},
        "row_means_shape": None,
        "row_means_values": {"hidden_tests": True},
        "why_axis": None,
    }
    # Marking again changes nothing; a stale mark on a cell without hidden tests goes.
    student.cells[-1].metadata["dlcourse"] = {"hidden_tests": True, "other": 1}
    mark_hidden_tests(source, student)
    mark_hidden_tests(source, student)
    assert student.cells[-1].metadata["dlcourse"] == {"other": 1}
    assert sum("dlcourse" in c.metadata for c in student.cells) == 3


def test_nbgrader_and_grading_ignore_the_hidden_tests_mark(released):
    """nbgrader's metadata checks accept the marked student copy, and grading scores it
    as before: the blank copy 0, the instructor's answers every autograded point."""
    from nbgrader.preprocessors import CheckCellMetadata, DeduplicateIds

    from autograder.democlass import solutions
    from autograder.grade import grade_all

    config, result, course = released
    student = nbformat.read(result.notebook, as_version=4)
    for preprocessor in (CheckCellMetadata(), DeduplicateIds()):
        student, _ = preprocessor.preprocess(student, {})
    assert sum(c.metadata.get("dlcourse") == {"hidden_tests": True} for c in student.cells) == 2

    answers = solutions(nbformat.read(source_of(config), as_version=4))
    perfect = nbformat.read(result.notebook, as_version=4)
    for cell in perfect.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.cell_type == "code" and grade_id in answers:
            cell.source = answers[grade_id]
    for student_id, notebook in (("blank", None), ("perfect", perfect)):
        path = course.workspace / "submitted" / student_id / LESSON / f"{LESSON}.ipynb"
        path.parent.mkdir(parents=True)
        if notebook is None:
            shutil.copyfile(result.notebook, path)
        else:
            nbformat.write(notebook, path)
    graded = {r.student: r for r in grade_all(course, course.lessons, jobs=1)}
    assert (graded["blank"].status, graded["blank"].score) == ("graded", 0), graded["blank"]
    assert graded["perfect"].status == "graded", graded["perfect"]
    written = sum(
        float(c.metadata["nbgrader"].get("points", 0))
        for c in perfect.cells
        if c.cell_type == "markdown" and c.metadata.get("nbgrader", {}).get("grade")
    )
    assert graded["perfect"].score == graded["perfect"].max_score - written, graded["perfect"]


def test_release_twice_is_byte_identical(released):
    config, result, _ = released
    before = result.notebook.read_bytes()
    again, _ = release(config, "--no-run")
    assert again.ok, again.problems
    assert again.notebook.read_bytes() == before


def test_a_wrong_solution_fails_the_instructor_copy(tmp_path):
    config = copy_course(tmp_path)
    edit_source(
        config,
        "square",
        'def square(x):\n    """x squared."""\n    ### BEGIN SOLUTION\n    return x * 3\n'
        "    ### END SOLUTION",
    )
    result, _ = release(config)
    assert not result.ok
    assert any(
        p.startswith("instructor copy: cell 4 (square_values) fails: CheckError")
        for p in result.problems
    ), result.problems


def test_a_test_that_cannot_fail_is_reported(tmp_path):
    config = copy_course(tmp_path)
    edit_source(config, "row_means_shape", '"""always passes."""\nassert True')
    result, _ = release(config)
    assert any("row_means_shape) passes on the blank notebook" in p for p in result.problems)


def test_a_crashing_student_copy_is_reported(tmp_path):
    """A test that fails on the blank copy with an error the stub cannot explain."""
    config = copy_course(tmp_path)
    edit_source(
        config,
        "row_means_shape",
        '"""shape."""\nimport math\nmath.sqrt(-1)\n'
        'checks.check_shape("m", row_means(np.ones((3, 2))), (3,))',
    )
    result, _ = release(config)
    assert any("fails with ValueError instead of NotImplementedError" in p for p in result.problems)


def test_points_must_match_course_toml(tmp_path):
    config = copy_course(tmp_path)
    config.write_text(config.read_text().replace("points = 5", "points = 7"))
    result, _ = release(config, "--no-run")
    assert result.problems == ["the notebook's graded cells give 5 points but course.toml says 7"]


def test_missing_source_is_reported(tmp_path):
    config = copy_course(tmp_path)
    source_of(config).unlink()
    result, _ = release(config, "--no-run")
    assert len(result.problems) == 1 and "does not exist" in result.problems[0]


def test_secret_lines_and_leak_scan():
    source = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                "def f(x):\n    ### BEGIN SOLUTION\n    return np.tanh(x) * 2\n    y = x\n"
                "    ### END SOLUTION",
                metadata={"nbgrader": {"solution": True, "grade_id": "f"}},
            ),
            nbformat.v4.new_code_cell(
                "assert f(0) == 0\n### BEGIN HIDDEN TESTS\nassert f(1) == np.tanh(1) * 2\n"
                "### END HIDDEN TESTS",
                metadata={"nbgrader": {"grade": True, "grade_id": "t"}},
            ),
            nbformat.v4.new_markdown_cell(
                "The whole answer is secret when there are no markers at all.",
                metadata={"nbgrader": {"solution": True, "grade_id": "q"}},
            ),
            nbformat.v4.new_markdown_cell("Both places:\n\n    return np.tanh(x) * 2"),
        ]
    )
    secret = secret_lines(source)
    assert "assert f(1) == np.tanh(1) * 2" in secret
    assert "The whole answer is secret when there are no markers at all." in secret
    assert "y = x" not in secret  # too short to tell
    student = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell("def f(x):\n    return np.tanh(x) * 2", id="f"),
            nbformat.v4.new_code_cell(
                "assert f(1) == np.tanh(1) * 2\n### END HIDDEN TESTS", id="t"
            ),
        ]
    )
    found = leaks(source, student)
    # "return np.tanh(x) * 2" also appears outside a region in the source: not a leak.
    assert found == [
        "leak: a solution or hidden-test line in release cell 1 (t), line 1: "
        "assert f(1) == np.tanh(1) * 2",
        "leak: nbgrader marker in release cell 1 (t), line 2: ### END HIDDEN TESTS",
    ]


def test_cli_release_exit_codes(tmp_path, capsys):
    config = copy_course(tmp_path)
    assert cli.main(["--config", str(config), "release", "--no-run"]) == cli.EXIT_OK
    assert "ok      00_fixture: release/00_fixture/00_fixture.ipynb" in capsys.readouterr().out
    config.write_text(config.read_text().replace("points = 5", "points = 6"))
    assert cli.main(["--config", str(config), "release", "--no-run"]) == cli.EXIT_PROBLEMS
    out = capsys.readouterr().out
    assert "FAILED  00_fixture:" in out and "1 of 1 lessons failed" in out
    assert cli.main(["--config", str(config), "release", "99_nope"]) == cli.EXIT_USAGE
    assert "unknown lesson '99_nope'" in capsys.readouterr().err
    assert cli.main(["--config", str(tmp_path / "none.toml"), "release"]) == cli.EXIT_USAGE


def test_cli_help():
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--help"])
    assert exit_info.value.code == 0


def test_release_refuses_a_moving_ref_unless_asked(tmp_path, capsys):
    from autograder.release import ref_kind

    config = copy_course(tmp_path)
    assert ref_kind(tmp_path, "0123abc") == "commit"
    assert ref_kind(tmp_path, "main") == "branch"
    assert ref_kind(tmp_path, "fixture-v1") == "unknown"  # no git repository here
    config.write_text(config.read_text().replace('ref = "fixture-v1"', 'ref = "main"'))
    assert cli.main(["--config", str(config), "release", "--no-run"]) == cli.EXIT_USAGE
    assert "'main' is a branch" in capsys.readouterr().err
    argv = ["--config", str(config), "release", "--no-run", "--allow-moving-ref"]
    assert cli.main(argv) == cli.EXIT_OK
    released = config.parents[1] / "release" / LESSON / f"{LESSON}.ipynb"
    assert "@main#subdirectory=lib" in released.read_text()


def test_ref_kind_reads_the_checkouts_tags_and_branches(tmp_path):
    import subprocess

    from autograder.release import ref_kind

    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(tmp_path), *args], check=True, capture_output=True)

    git("init", "-q", "-b", "term")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--allow-empty", "-m", "x")
    git("tag", "spring-2027")
    assert ref_kind(tmp_path, "spring-2027") == "tag"
    assert ref_kind(tmp_path, "term") == "branch"
    assert ref_kind(tmp_path, "autumn") == "unknown"


def test_the_colab_cell_installs_the_system_packages_of_the_lessons_datasets(tmp_path):
    from autograder.config import load_course
    from autograder.release import install_cell_source, system_packages

    course = load_course(copy_course(tmp_path))
    uses_words = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell('words, labels = data.load("words", per_language=9)')]
    )
    packages = ["wamerican", "wfrench", "wngerman", "wspanish", "witalian"]
    assert system_packages(uses_words) == packages
    cell = install_cell_source(course, uses_words)
    assert f"    !apt-get -qq install -y {' '.join(packages)} > /dev/null" in cell
    plain = install_cell_source(course, nbformat.read(source_of(copy_course(tmp_path / "b")), 4))
    assert "apt-get" not in plain and plain == install_cell_source(course)
    # Both forms are code an IPython kernel compiles (the escape inside the `if`).
    from IPython.core.inputtransformer2 import TransformerManager

    compile(TransformerManager().transform_cell(cell), "cell", "exec")
