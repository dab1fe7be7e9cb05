"""autograder.scoring: test cells score on the grader's terms, and canaries catch a lying
kernel without ever failing an honest one."""

from __future__ import annotations

import ast
import random
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from nbgrader.utils import determine_grade

from autograder.sandbox import ExecutionResult, Limits, execute_notebook
from autograder.scoring import (
    corrupt_source,
    judge_canaries,
    plant_canaries,
    remove_canaries,
    settle_test_cells,
)

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "course" / "example" / "source" / "00_fixture" / "00_fixture.ipynb"
LESSONS = sorted((REPO / "source").glob("*/*.ipynb"))


def graded_test(source: str, points: int = 1, grade_id: str = "t") -> nbformat.NotebookNode:
    cell = new_code_cell(source)
    cell.metadata["nbgrader"] = {
        "grade": True, "solution": False, "locked": True, "points": points,
        "grade_id": grade_id, "schema_version": 3,
    }  # fmt: skip
    return cell


def answer_cell(source: str, grade_id: str = "a") -> nbformat.NotebookNode:
    cell = new_code_cell(source)
    cell.metadata["nbgrader"] = {
        "grade": False, "solution": True, "locked": False, "grade_id": grade_id,
        "schema_version": 3,
    }  # fmt: skip
    return cell


# --------------------------------------------------------------------------- settling


def test_an_execute_result_never_gives_credit():
    """nbgrader stops at the first execute_result and takes a non-number as full marks."""
    cell = graded_test("raise ValueError")
    cell.outputs = [
        new_output("execute_result", data={"text/plain": "'ok'"}, execution_count=1),
        new_output("error", ename="ValueError", evalue="", traceback=[]),
    ]
    assert determine_grade(cell) == (1, 1)  # nbgrader's own rule, the hole
    nb = new_notebook(cells=[cell])
    settle_test_cells(nb, ["error"])
    assert [out.output_type for out in nb.cells[0].outputs] == ["error"]
    assert determine_grade(nb.cells[0]) == (0, 1)


def test_a_reply_that_is_not_ok_fails_the_test_even_without_an_error_output():
    silenced, missing, clean = graded_test("x"), graded_test("y"), graded_test("z")
    nb = new_notebook(cells=[silenced, missing, clean, new_markdown_cell("text")])
    settle_test_cells(nb, ["error", None, "ok", None])
    assert determine_grade(nb.cells[0]) == (0, 1)
    assert nb.cells[0].outputs[0].ename == "TestNotPassed"
    assert determine_grade(nb.cells[1]) == (0, 1)
    assert determine_grade(nb.cells[2]) == (1, 1) and nb.cells[2].outputs == []


def test_stderr_fails_a_test():
    cell = graded_test("x")
    cell.outputs = [new_output("stream", name="stderr", text="warning\n")]
    nb = new_notebook(cells=[cell])
    settle_test_cells(nb, ["ok"])
    assert determine_grade(nb.cells[0]) == (0, 1)


# --------------------------------------------------------------------------- corrupting


def test_corrupt_source_changes_only_the_last_checks_expectation():
    source = (
        '"""doc."""\n'
        'checks.check_close("f(1)", f(1), 2.0, rtol=1.0, atol=5.0)\n'
        'checks.check_close("f(x)", f(x), [3.0, 4.0])\n'
        'checks.check_shape("f(x)", f(x), (2,))\n'
    )
    corrupted = corrupt_source(source, random.Random(0))
    assert corrupted is not None and corrupted != source
    ast.parse(corrupted)
    lines = corrupted.splitlines()
    assert lines[1] == 'checks.check_close("f(1)", f(1), 2.0, rtol=1.0, atol=5.0)'  # unchanged
    assert lines[2].startswith('checks.check_close("f(x)", f(x), (lambda w: ')
    assert "checks.to_numpy([3.0, 4.0]" in lines[2]
    assert lines[3] == 'checks.check_shape("f(x)", f(x), (2,))'  # shapes are never corrupted


def test_the_corruption_is_random_and_far_from_the_truth():
    """No constant marks a canary's expectation; every value moves far past tolerance."""
    import numpy as np

    from dlcourse import checks

    texts = set()
    for seed in range(50):
        corrupted = corrupt_source('checks.check_close("f", f(1), want)', random.Random(seed))
        texts.add(corrupted)
        expression = ast.parse(corrupted).body[0].value.args[2]
        for want in (np.array([0.0, 1.0, -2.5, 1e-9, 30.0, -1e12]), np.array(7.0), [1, 2]):
            value = eval(compile(ast.Expression(expression), "<canary>", "eval"),
                         {"checks": checks, "want": want})  # fmt: skip
            assert value.shape == np.shape(want) and np.all(np.isfinite(value))
            assert np.all(np.abs(value - want) >= 0.75 * (1 + np.abs(want)))
        # An honest answer of inf or nan cannot match a corrupted inf or nan.
        special = np.array([np.inf, -np.inf, np.nan])
        value = eval(compile(ast.Expression(expression), "<canary>", "eval"),
                     {"checks": checks, "want": special})  # fmt: skip
        assert np.all(np.isfinite(value))
        with pytest.raises(checks.CheckError):
            checks.check_close("f", special, value)
    assert len(texts) == 50


def test_a_corrupted_check_close_drops_its_tolerances():
    corrupted = corrupt_source('checks.check_close("f", f(1), 2.0, 1e3, atol=1e9, dtype=float)')
    assert corrupted is not None
    call = ast.parse(corrupted).body[0].value
    assert [k.arg for k in call.keywords] == ["dtype"] and len(call.args) == 3


@pytest.mark.parametrize(
    "source",
    [
        "x = 1",  # no check
        'if ok:\n    checks.check_close("f", f(1), 2.0)',  # may not run
        'try:\n    checks.check_close("f", f(1), 2.0)\nexcept Exception:\n    pass',  # swallowed
        'with ctx():\n    checks.check_close("f", f(1), 2.0)',  # a context may swallow it
        'for x in values:\n    checks.check_close("f", f(x), 2.0)',  # maybe an empty loop
        'def t():\n    checks.check_close("f", f(1), 2.0)\nt()',
        'check_close("f", f(1), 2.0)',  # not called through a module
        'checks.check_close("f", *args)',
        'checks.check_shape("f", f(1), (2,))',  # a shape one off is a common honest mistake
        "checks.check_close(",  # not Python
    ],
)
def test_cells_a_canary_cannot_corrupt_safely(source):
    assert corrupt_source(source) is None


def test_a_literal_loop_is_safe_and_unicode_offsets_hold():
    source = 'for x in [1, 2]:\n    checks.check_close("é ü f(x)", f(x), 2.0 * x)\n'
    corrupted = corrupt_source(source, random.Random(3))
    assert corrupted is not None and "to_numpy(2.0 * x" in corrupted and "é ü f(x)" in corrupted
    ast.parse(corrupted)


def test_every_lesson_has_canary_candidates():
    assert LESSONS, "no lesson notebooks found"
    for path in LESSONS:
        nb = nbformat.read(path, as_version=4)
        planted, canaries = plant_canaries(nb, random.Random(0))
        assert canaries, path.name


# --------------------------------------------------------------------------- planting


def fixture_notebook() -> nbformat.NotebookNode:
    return nbformat.read(FIXTURE, as_version=4)


@pytest.mark.parametrize("seed", range(20))
def test_canaries_sit_in_their_originals_run_of_tests(seed):
    nb = fixture_notebook()
    planted, canaries = plant_canaries(nb, random.Random(seed))
    assert canaries and len(planted.cells) == len(nb.cells) + len(canaries)
    for index, original in canaries.items():
        low, high = sorted((original, index))
        canary, real = planted.cells[index].source, planted.cells[original].source
        assert canary != real and canary.count("\n") == real.count("\n")
        between = planted.cells[low + 1 : high]
        for cell in between:  # only tests, other canaries or text in between
            meta = cell.metadata.get("nbgrader", {})
            assert cell.cell_type == "markdown" or (meta.get("grade") and not meta.get("solution"))
        assert planted.cells[index].metadata == planted.cells[original].metadata
        assert planted.cells[index].id != planted.cells[original].id
    # The original notebook is untouched, and removing the canaries gives it back.
    assert nb == fixture_notebook()
    outcome = ExecutionResult("ok", "", 0.0, 0.0, True, 0, 0, replies=["ok"] * len(planted.cells),
                              cell_seconds=[1.0] * len(planted.cells))  # fmt: skip
    back = remove_canaries(planted, outcome, canaries)
    assert [c.source for c in back.cells] == [c.source for c in nb.cells]
    assert len(outcome.replies) == len(outcome.cell_seconds) == len(nb.cells)


def test_remove_canaries_maps_the_stopped_cell():
    nb = new_notebook(cells=[answer_cell("x"), graded_test('checks.check_close("x", x, 1)')])
    planted, canaries = plant_canaries(nb, random.Random(0))
    ((at, original),) = canaries.items()
    assert planted.cells[original].source == nb.cells[1].source
    outcome = ExecutionResult("memory", "", 0.0, 0.0, True, 0, 0, stopped_cell=at)
    remove_canaries(planted, outcome, canaries)
    assert outcome.stopped_cell == 1  # stopped in the canary: reported at its original


# --------------------------------------------------------------------------- in a kernel

FAST = Limits(cell_timeout=20, notebook_timeout=60, memory_mb=1024, output_mb=1)


def run_with_all_canaries(nb, tmp_path):
    planted, canaries = plant_canaries(nb, random.Random(1), count=99)
    executed, result = execute_notebook(planted, tmp_path, FAST, canaries=canaries)
    return judge_canaries(executed, result.replies, canaries, result.cell_seconds)


def test_canaries_fail_on_the_solution_and_on_a_blank_answer(tmp_path):
    nb = fixture_notebook()
    verdict = run_with_all_canaries(nb, tmp_path)
    assert verdict.ran == verdict.planted == 2 and not verdict.tampered
    blank = fixture_notebook()
    for cell in blank.cells:
        if cell.metadata.get("nbgrader", {}).get("solution") and cell.cell_type == "code":
            cell.source = f"def {cell.metadata['nbgrader']['grade_id']}(*args):\n    return 0"
    assert not run_with_all_canaries(blank, tmp_path).tampered


@pytest.mark.parametrize(
    "attack",
    [
        # Patched checks, through a loop variable.
        "for m in [checks]:\n    m.check_close = m.check_shape = lambda *a, **k: None",
        # Silenced tracebacks and a forged reply.
        "import ipykernel.ipkernel as k\n"
        "_run = k.IPythonKernel.do_execute\n"
        "async def _ok(self, *a, **kw):\n"
        "    reply = await _run(self, *a, **kw)\n"
        "    reply['status'] = 'ok'\n"
        "    return reply\n"
        "k.IPythonKernel.do_execute = _ok\n"
        "get_ipython().showtraceback = lambda *a, **k: None",
        # Every exception swallowed by a custom run_cell.
        "sh = get_ipython()\n"
        "_orig = sh.run_cell\n"
        "def _quiet(raw_cell, *a, **k):\n"
        "    return _orig('try:\\n' + '\\n'.join('    ' + l for l in raw_cell.splitlines())"
        " + '\\nexcept BaseException:\\n    pass', *a, **k)\n"
        "sh.run_cell = _quiet",
        # Slow tests: a canary used to be skipped after an original that took over 2 s.
        "import time\n"
        "def _slow_pass(*a, **k):\n"
        "    time.sleep(2.2)\n"
        "for m in [checks]:\n"
        "    m.check_close = _slow_pass",
        # A canary recognised by its source (the kernel can read its own frames) and
        # dodged by stopping the kernel: a crash used to leave the canary unjudged.
        "import linecache, os, sys\n"
        "def _pass_or_crash(*a, **k):\n"
        "    caller = sys._getframe(1).f_code.co_filename\n"
        "    if 'choose(' in ''.join(linecache.getlines(caller)):\n"
        "        os._exit(1)\n"
        "for m in [checks]:\n"
        "    m.check_close = _pass_or_crash",
    ],
)
def test_a_kernel_that_lies_about_tests_is_caught(tmp_path, attack):
    nb = fixture_notebook()
    setup = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "setup")
    index = nb.cells.index(setup)
    nb.cells.insert(index + 1, new_code_cell(attack))
    verdict = run_with_all_canaries(nb, tmp_path)
    assert verdict.tampered, verdict


def test_only_quick_tests_get_canaries_before_or_after_them_at_random():
    nb = fixture_notebook()
    quick = {"row_means_values", "square_values"}
    copied, before, after = set(), set(), set()
    for seed in range(40):
        planted, canaries = plant_canaries(nb, random.Random(seed), quick=quick)
        for index, original in canaries.items():
            grade_id = planted.cells[original].metadata["nbgrader"]["grade_id"]
            copied.add(grade_id)
            (before if index < original else after).add(grade_id)
    assert copied == before == after == quick
    assert plant_canaries(nb, random.Random(0), quick=set())[1] == {}  # none was quick


def test_release_timings_mark_the_quick_tests(tmp_path):
    from autograder.scoring import quick_tests, record_test_timings

    nb = fixture_notebook()
    seconds = [0.1] * len(nb.cells)
    seconds[
        [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells].index("row_means_values")
    ] = 30.0
    record_test_timings(tmp_path, "00_fixture", nb, seconds)
    assert quick_tests(tmp_path, "00_fixture", 2.0) == {"square_values", "row_means_shape"}
    assert quick_tests(tmp_path, "unknown", 2.0) is None  # not known: every test may get one
