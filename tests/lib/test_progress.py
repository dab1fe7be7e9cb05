"""dlcourse.progress: a fixture notebook run in a real IPython shell, with a right, a wrong,
a stub and a never-run answer, written answers, and hidden tests still to come."""

from __future__ import annotations

import sys
import types

import nbformat
import numpy as np
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from dlcourse.progress import FAILED, HIDDEN_ONLY, NOT_RUN, PASSED, build_report, find_notebook


def answer(grade_id: str, source: str):
    return new_code_cell(
        source,
        metadata={
            "nbgrader": {
                "grade": False,
                "grade_id": grade_id,
                "locked": False,
                "schema_version": 3,
                "solution": True,
                "task": False,
            }
        },
    )


def graded_test(grade_id: str, source: str, points: float = 1, hidden: bool = False):
    metadata = {
        "nbgrader": {
            "grade": True,
            "grade_id": grade_id,
            "locked": True,
            "points": points,
            "schema_version": 3,
            "solution": False,
            "task": False,
        }
    }
    if hidden:
        metadata["dlcourse"] = {"hidden_tests": True}
    return new_code_cell(source, metadata=metadata)


def written(grade_id: str, text: str, points: float = 2):
    return new_markdown_cell(
        text,
        metadata={
            "nbgrader": {
                "grade": True,
                "grade_id": grade_id,
                "locked": False,
                "points": points,
                "schema_version": 3,
                "solution": True,
                "task": False,
            }
        },
    )


def fixture_notebook():
    return new_notebook(
        cells=[
            new_markdown_cell("# Fixture"),
            new_code_cell("import numpy as np\nimport dlcourse\nfrom dlcourse import checks"),
            answer("square", "def square(x):\n    return np.asarray(x) ** 2"),
            graded_test(
                "square_values",
                '"""square_values: squares."""\nleftover = 1\nnp.random.seed(123)\n'
                'checks.check_close("square([1, 2])", square([1, 2]), [1, 4])',
            ),
            answer("double", "def double(x):\n    return np.asarray(x) * 3  # wrong"),
            graded_test(
                "double_values",
                '"""double_values: doubles."""\n'
                'checks.check_close("double([1, 2])", double([1, 2]), [2, 4])',
                points=2,
            ),
            graded_test(
                "double_shape",
                '"""double_shape: <shape>."""\nchecks.check_shape("double", double([1]), (1,))',
                hidden=True,
            ),
            answer("halve", "def halve(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()"),
            graded_test("halve_values", '"""halve_values: halves."""\nassert halve(2) == 1'),
            answer("triple", "def triple(x):\n    return 3 * x"),
            graded_test(
                "triple_values",
                '"""triple_values: triples."""\nassert triple(1) == 3',
                points=2,
                hidden=True,
            ),
            graded_test("triple_edge", '"""triple_edge: edge cases (hidden)."""', hidden=True),
            written("question_one", "YOUR ANSWER HERE"),
            written("question_two", "Because the <b>gradient</b> vanishes."),
            new_code_cell("dlcourse.progress()"),
        ]
    )


@pytest.fixture
def shell(ipython, tmp_path):
    """An IPython shell that ran the fixture notebook up to the never-run answer."""
    notebook = fixture_notebook()
    path = tmp_path / "fixture.ipynb"
    nbformat.write(notebook, path)
    for cell in notebook.cells[:9]:
        if cell.cell_type == "code":
            ipython.run_cell(cell.source)
    ipython.user_ns["_fixture_path"] = str(path)
    return ipython


def test_report_of_the_fixture(shell):
    content = nbformat.reads(nbformat.writes(fixture_notebook()), as_version=4)
    report = build_report(content, shell.user_ns, shell=shell)
    by_id = {test.grade_id: test for test in report.tests}
    assert by_id["square_values"].status == PASSED
    assert by_id["double_values"].status == FAILED
    assert by_id["double_values"].message.startswith(
        "CheckError: `double([1, 2])` differs from the expected value"
    )
    assert by_id["double_shape"].status == PASSED and by_id["double_shape"].hidden_tests
    assert by_id["halve_values"].status == NOT_RUN  # the stub raised NotImplementedError
    assert by_id["triple_values"].status == NOT_RUN  # its answer cell never ran
    assert by_id["triple_edge"].status == HIDDEN_ONLY
    assert [e.grade_id for e in report.exercises] == ["square", "double", "halve", "triple"]
    assert [(w.grade_id, w.filled_in) for w in report.written] == [
        ("question_one", False),
        ("question_two", True),
    ]
    assert report.total_line() == (
        "Visible checks: 2 of 5 test cells pass (2 of 8 autograded points); 1 of 2 written "
        "answers filled in. Hidden tests run when your notebook is graded."
    )
    rows = {row[0]: row for row in report.rows()}
    assert rows["square"] == ("square", "1", "1 of 1 test cell pass", "")
    assert rows["double"][2].startswith("1 of 2 test cells pass; double_values: CheckError:")
    assert rows["double"][3] == "1 test cell"
    assert rows["halve"][2] == "not run yet"
    assert rows["triple"][1:] == ("3", "not run yet", "2 test cells")
    assert rows["question_one"][2] == "written answer: not filled in yet"


def test_progress_in_the_shell_prints_the_table_and_changes_nothing(shell, capsys):
    shell.user_ns.pop("leftover")  # the test cell ran once in the kernel itself
    np.random.rand(3)
    state = np.random.get_state()[1].copy()
    capsys.readouterr()
    shell.run_cell("dlcourse.progress(_fixture_path)")
    out = capsys.readouterr().out
    assert "✓" not in out  # the checks it re-ran print no pass line
    assert "square_values" not in out and "exercise" in out
    assert out.rstrip().endswith("Hidden tests run when your notebook is graded.")
    assert "leftover" not in shell.user_ns  # the tests ran in a copy
    assert (np.random.get_state()[1] == state).all()


def test_html_escapes_every_string(shell):
    content = nbformat.reads(nbformat.writes(fixture_notebook()), as_version=4)
    content.cells[13].metadata.nbgrader.grade_id = "<script>x</script>"
    page = build_report(content, shell.user_ns, shell=shell).html()
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert page.startswith("<table>") and "<td" in page


def test_find_notebook_ways(tmp_path, monkeypatch):
    path = tmp_path / "lesson.ipynb"
    nbformat.write(fixture_notebook(), path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    # Jupyter: __session__, as given or relative to the server root (its name here)
    assert find_notebook(None, {"__session__": str(path)})[1] == str(path)
    found = find_notebook(None, {"__session__": "course/release/lesson.ipynb"})
    assert found[1] == str(tmp_path / "lesson.ipynb")
    monkeypatch.setenv("JPY_SESSION_NAME", "/srv/other/lesson.ipynb")
    assert find_notebook(None, {})[1] == str(tmp_path / "lesson.ipynb")
    monkeypatch.delenv("JPY_SESSION_NAME")
    # VS Code
    assert find_notebook(None, {"__vsc_ipynb_file__": str(path)})[1] == str(path)
    # explicit, and nothing found: one line
    assert find_notebook(path, {})[1] == str(path)
    assert "no notebook at" in find_notebook(tmp_path / "none.ipynb", {})
    assert find_notebook(None, {}).startswith("dlcourse.progress(): cannot find")
    assert find_notebook(None, {"__session__": "elsewhere.ipynb"}).startswith("dlcourse")


def test_find_notebook_in_colab(monkeypatch):
    content = nbformat.reads(nbformat.writes(fixture_notebook()), as_version=4)
    message = types.ModuleType("google.colab._message")
    asked = []

    def blocking_request(kind, timeout_sec):
        asked.append((kind, timeout_sec))
        return {"ipynb": content}

    message.blocking_request = blocking_request
    colab = types.ModuleType("google.colab")
    colab._message = message
    google = types.ModuleType("google")
    google.colab = colab
    monkeypatch.setitem(sys.modules, "google", google)
    monkeypatch.setitem(sys.modules, "google.colab", colab)
    monkeypatch.setitem(sys.modules, "google.colab._message", message)
    found = find_notebook(None, {})
    assert found == (content, "Colab") and asked == [("get_ipynb", 30)]


def test_progress_never_raises(tmp_path, capsys):
    import dlcourse

    broken = tmp_path / "broken.ipynb"
    broken.write_text("{not json")
    dlcourse.progress(broken)
    out = capsys.readouterr().out
    assert out.startswith("dlcourse.progress() stopped (JSONDecodeError") and out.count("\n") == 1
    dlcourse.progress()  # outside a notebook: one line, at once
    assert capsys.readouterr().out.startswith("dlcourse.progress(): cannot find")
