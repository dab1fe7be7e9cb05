"""A crash costs only the cell that caused it: the sandbox restarts the kernel and goes on.

An output flood is cut (the cell fails) and execution goes on; a memory blow-up, a dead
kernel or a cell that ignores the interrupt gets a fresh kernel in a fresh sandbox, which
re-runs the earlier cells that worked (set-up, answers whose tests passed, demos; not
tests, not failed cells, not the answers of failed exercises) and goes on after the
crashed cell. Notebooks are tiny and built here, limits small, so each test takes
seconds; they run with bubblewrap and cgroups where this machine has them.
"""

from __future__ import annotations

import dataclasses
import json
import time
import tracemalloc
from pathlib import Path

import nbformat
import psutil
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from autograder import scoring
from autograder.sandbox import ExecutionResult, Limits, Status, execute_notebook

LIMITS = Limits(cell_timeout=3, notebook_timeout=60, memory_mb=400, output_mb=2, cell_output_mb=0.5)

# Each in the first answer cell, after its definition: the answer is there in the first
# pass only (the flood's cell runs to its end, so its answer stays).
CRASHES = {
    "flood": "for i in range(100_000):\n    print('x' * 99)",  # 10 MB
    "memory": "hog = b'x' * (1500 * 2**20)",
    "exit": "import os\nos._exit(1)",
    "sigint": "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass",
}
ENAME = {
    "flood": "OutputLimit",
    "memory": "MemoryLimit",
    "exit": "KernelDied",
    "sigint": "CellTimeoutError",
}


# --- helpers ----------------------------------------------------------------------------


def _nbgrader(grade_id: str, *, solution: bool, grade: bool) -> dict:
    return {"nbgrader": {"grade": grade, "grade_id": grade_id, "locked": not solution,
                         "points": 1 if grade else 0, "schema_version": 3,
                         "solution": solution, "task": False}}  # fmt: skip


def answer(source: str, grade_id: str) -> nbformat.NotebookNode:
    """A student's answer cell (nbgrader solution, not graded itself)."""
    return new_code_cell(source, metadata=_nbgrader(grade_id, solution=True, grade=False))


def test(source: str, grade_id: str) -> nbformat.NotebookNode:
    """An nbgrader autograder-test cell worth 1 point."""
    return new_code_cell(source, metadata=_nbgrader(grade_id, solution=False, grade=True))


test.__test__ = False  # a helper, not a pytest test


def notebook(*cells: str | nbformat.NotebookNode) -> nbformat.NotebookNode:
    return new_notebook(
        cells=[new_code_cell(cell) if isinstance(cell, str) else cell for cell in cells]
    )


def run(
    nb: nbformat.NotebookNode, workdir: Path, limits: Limits = LIMITS, **kw
) -> tuple[nbformat.NotebookNode, ExecutionResult]:
    """execute_notebook, then check that it left no process behind and that its result
    is plain JSON (the grading worker ships it as ``asdict`` JSON)."""
    workdir.mkdir(exist_ok=True)
    before = set(psutil.Process().children(recursive=True))
    executed, result = execute_notebook(nb, workdir, limits, **kw)
    assert set(psutil.Process().children(recursive=True)) - before == set()
    assert json.loads(json.dumps(dataclasses.asdict(result))) == dataclasses.asdict(result)
    return executed, result


def enames(cell: nbformat.NotebookNode) -> list[str]:
    return [out.ename for out in cell.outputs if out.output_type == "error"]


def stdout(cell: nbformat.NotebookNode) -> str:
    return "".join(
        out.text for out in cell.outputs if out.output_type == "stream" and out.name == "stdout"
    )


def grades(nb: nbformat.NotebookNode, replies: list[str | None]) -> dict[str, float]:
    """What nbgrader gives each test cell, after the grader's own settling."""
    from nbgrader.utils import determine_grade  # slow to import: only here

    scoring.settle_test_cells(nb, replies)
    return {
        cell.metadata.nbgrader.grade_id: determine_grade(cell)[0]
        for cell in nb.cells
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade")
    }


def lesson(crash: str) -> nbformat.NotebookNode:
    """Set-up, two exercises (the first answer also crashes), a demo at the end."""
    return notebook(
        "import math\ndata = [1, 2, 3]\nprint('set-up')",
        new_markdown_cell("## Exercise 1"),
        answer(f"def double(x):\n    return 2 * x\n{crash}", "double"),
        test("assert double(2) == 4", "test_double"),
        new_markdown_cell("## Exercise 2"),
        answer("def total():\n    return sum(data)", "total"),
        test("assert total() == 6", "test_total"),
        "print('demo', total(), math.sqrt(16))",
    )


# --- each kind of crash in the first answer costs only that exercise ---------------------


@pytest.mark.parametrize("kind", list(CRASHES))
def test_a_crash_in_the_first_answer_costs_only_its_exercise(tmp_path, kind):
    executed, result = run(lesson(CRASHES[kind]), tmp_path / "work")

    assert result.stopped_cell is None, result  # every cell had its turn
    assert result.unrecovered == ""
    crashed = executed.cells[2]
    assert enames(crashed)[0] == ENAME[kind], crashed.outputs
    assert crashed.outputs[0].output_type == "error"  # first: the cell fails
    assert stdout(executed.cells[0]) == "set-up\n"  # the first pass's output, once
    assert stdout(executed.cells[7]) == "demo 6 4.0\n"
    got = grades(executed, result.replies)
    if kind == "flood":  # the cell ran to its end: its answer is there, only it failed
        assert result.status == Status.OUTPUT_LIMIT
        assert result.truncated == [{"cell": 2, "scope": "cell", "limit_mb": 0.5}]
        assert result.restarts == []
        assert got == {"test_double": 1, "test_total": 1}
    else:
        assert result.restarts and result.restarts[0]["cell"] == 2
        assert len(result.restarts) == 1
        assert got == {"test_double": 0, "test_total": 1}
        assert result.cells_run == 5  # all but the crashed one
    assert result.seconds < 25


def test_a_restart_says_what_happened_as_data(tmp_path):
    executed, result = run(lesson(CRASHES["memory"]), tmp_path / "work")

    assert result.status == "memory" and result.cause == "memory", result
    ((restart,),) = [result.restarts]
    assert restart["cell"] == 2
    assert (restart["status"], restart["cause"]) == ("memory", "memory")
    assert (restart["limit"], restart["unit"]) == (400, "MB")
    assert restart["replayed"] == 1  # the set-up cell; not the crashed answer
    assert restart["skipped"] == 0
    assert 0 < restart["start_seconds"] < 10
    assert 0 <= restart["replay_seconds"] < 5
    assert "400 MB" in executed.cells[2].outputs[0].evalue
    assert result.replies[2] is None  # a crashed cell has no reply
    assert result.cell_seconds[2] is not None
    assert result.peak_memory_mb >= 400


def test_a_cell_that_ignores_the_interrupt_is_reported_with_its_time_limit(tmp_path):
    executed, result = run(lesson(CRASHES["sigint"]), tmp_path / "work")

    assert (result.status, result.cause) == ("kernel_died", "unresponsive"), result
    restart = result.restarts[0]
    assert (restart["status"], restart["cause"]) == ("kernel_died", "unresponsive")
    assert (restart["limit"], restart["unit"]) == (3, "s")
    assert "ran longer than 3 s and ignored the interrupt" in executed.cells[2].outputs[0].evalue


# --- what the fresh kernel re-runs -------------------------------------------------------


def test_the_replay_reruns_only_the_cells_that_worked_and_discards_their_outputs(tmp_path):
    nb = notebook(
        "import os\ncounter = []\nprint('set-up')",
        answer("a = 1", "a"),
        test("counter.append('test a')\nassert a == 2", "test_a"),  # fails
        answer("b = 2", "b"),
        test("counter.append('test b')\nassert b == 2", "test_b"),  # passes
        "c = 3\n1 / 0",  # errors
        "d = 4\nprint('demo', d)",
        "import os\nos._exit(1)",
        "print(sorted(k for k in 'abcd' if k in globals()), counter)",
    )
    executed, result = run(nb, tmp_path / "work")

    assert result.stopped_cell is None, result
    assert stdout(executed.cells[8]) == "['b', 'd'] []\n"
    assert (result.restarts[0]["replayed"], result.restarts[0]["skipped"]) == (3, 2)
    assert stdout(executed.cells[0]) == "set-up\n"  # not printed again
    assert stdout(executed.cells[6]) == "demo 4\n"
    assert executed.cells[6].execution_count == 7
    assert executed.cells[8].execution_count == 9  # counts go on after the restart


def test_the_fresh_kernel_works_in_a_fresh_copy_of_the_working_folder(tmp_path):
    workdir = tmp_path / "work"
    workdir.mkdir()
    (workdir / "given.txt").write_text("given\n")
    nb = notebook(
        "open('given.txt', 'a').write('appended\\n')",
        "open('scratch.txt', 'w').write('left by a failed cell')\n1 / 0",
        "import os\nos._exit(1)",
        "import os\nprint(repr(open('given.txt').read()), os.path.exists('scratch.txt'))",
    )
    executed, result = run(nb, workdir)

    assert len(result.restarts) == 1, result
    # The set-up's append ran once in the fresh copy: not on top of the first pass's.
    assert stdout(executed.cells[3]) == "'given\\nappended\\n' False\n"
    assert (workdir / "given.txt").read_text() == "given\n"  # the input is never written


def test_a_second_and_third_crash_restart_again_up_to_the_limit(tmp_path):
    exit_ = "import os\nos._exit(1)"
    nb = notebook("x = 1", exit_, "x += 1", exit_, "x += 1", exit_, "print(x)")
    executed, result = run(nb, tmp_path / "work", dataclasses.replace(LIMITS, max_restarts=3))

    assert result.stopped_cell is None, result
    assert [r["cell"] for r in result.restarts] == [1, 3, 5]
    assert [r["replayed"] for r in result.restarts] == [1, 2, 3]
    assert stdout(executed.cells[6]) == "3\n"


# --- the ends of recovery -----------------------------------------------------------------


def test_a_notebook_that_crashes_in_every_cell_stops_after_max_restarts(tmp_path):
    exit_ = "import os\nos._exit(1)"
    nb = notebook("x = 1", *[exit_] * 6, test("assert x == 1", "test_x"))
    executed, result = run(nb, tmp_path / "work")  # max_restarts=3

    assert result.status == "kernel_died", result
    assert (result.cause, result.unrecovered, result.stopped_cell) == ("kernel_died", "limit", 4)
    assert result.reason == "the kernel died in cell 5; it had been restarted 3 times already"
    assert [r["cell"] for r in result.restarts] == [1, 2, 3]
    assert enames(executed.cells[4]) == ["KernelDied"]
    for cell in executed.cells[5:]:
        assert enames(cell) == ["NotRun"]
        assert "had been restarted 3 times" in cell.outputs[0].evalue
    assert grades(executed, result.replies) == {"test_x": 0}
    assert result.seconds < 25


def test_a_notebook_that_crashes_in_every_cell_ends_within_its_time_limit(tmp_path):
    limits = dataclasses.replace(LIMITS, notebook_timeout=6, max_restarts=100)
    slow_exit = "import os, time\ntime.sleep(1)\nos._exit(1)"
    nb = notebook("x = 1", *[slow_exit] * 20)
    started = time.monotonic()
    executed, result = run(nb, tmp_path / "work", limits)

    assert result.stopped_cell is not None, result
    assert 1 <= len(result.restarts) < 6
    if result.status == "notebook_timeout":  # the time ran out in a cell
        assert result.unrecovered == ""
    else:  # or while the fresh kernel started or re-ran the set-up
        assert (result.status, result.unrecovered) == ("kernel_died", "time"), result
        assert result.reason.endswith("no time was left to restart it")
    assert all(enames(cell) == ["NotRun"] for cell in executed.cells[result.stopped_cell + 1 :])
    # The first kernel's start is not the notebook's time; everything after it is.
    assert time.monotonic() - started < limits.notebook_timeout + 10


def test_a_replay_that_crashes_again_ends_the_notebook(tmp_path):
    deadline = time.time() + 5  # the set-up exits once it is past: in the replay only
    nb = notebook(
        f"import os, time\nif time.time() > {deadline}:\n    os._exit(1)",
        f"import os, time\ntime.sleep(max(0, {deadline} - time.time()) + 0.2)\nos._exit(1)",
        "print('after')",
    )
    executed, result = run(nb, tmp_path / "work", dataclasses.replace(LIMITS, cell_timeout=10))

    assert (result.status, result.unrecovered, result.stopped_cell) == (
        "kernel_died", "replay", 1,
    ), result  # fmt: skip
    assert result.restarts == []
    assert "re-running cell 1" in result.reason
    assert enames(executed.cells[2]) == ["NotRun"]


def test_a_stop_at_the_notebook_time_limit_is_never_restarted(tmp_path):
    limits = dataclasses.replace(LIMITS, cell_timeout=30, notebook_timeout=2)
    nb = notebook("x = 1", "import time\ntime.sleep(10)", "print(x)")
    executed, result = run(nb, tmp_path / "work", limits)

    assert (result.status, result.stopped_cell, result.restarts) == ("notebook_timeout", 1, [])
    assert enames(executed.cells[2]) == ["NotRun"]


# --- output floods -------------------------------------------------------------------------


def test_one_flood_leaves_the_later_cells_their_outputs(tmp_path):
    flood = "for i in range(50_000):\n    print('x' * 99)"  # 5 MB
    nb = notebook(flood, "print('after one flood')", flood, flood, flood, "print('late')")
    executed, result = run(nb, tmp_path / "work")  # 0.5 MB a cell, 2 MB in all

    assert result.status == "output_limit" and result.stopped_cell is None, result
    assert stdout(executed.cells[1]) == "after one flood\n"
    assert enames(executed.cells[1]) == []
    assert [(t["cell"], t["scope"]) for t in result.truncated] == [
        (0, "cell"), (2, "cell"), (3, "cell"), (4, "notebook"), (5, "notebook"),
    ]  # fmt: skip
    late = executed.cells[5]  # the notebook's room is spent: its output is cut too, and it fails
    assert enames(late) == ["OutputLimit"]
    assert "outputs of the notebook passed 2 MB" in late.outputs[0].evalue
    assert len(nbformat.writes(executed)) < 2.5 * 2**20  # JSON's indents and quotes


def test_a_flooding_test_cannot_pass(tmp_path):
    nb = notebook(
        "x = 1",
        test("for i in range(20_000):\n    print('x' * 99)\nassert x == 1", "test_x"),
    )
    executed, result = run(nb, tmp_path / "work")

    assert result.replies[1] == "ok"  # the kernel's word
    assert grades(executed, result.replies) == {"test_x": 0}  # the note's error decides


def test_a_display_update_cannot_overwrite_the_note_of_a_cut_cell(tmp_path):
    nb = notebook(
        "from IPython.display import display\n"
        "display('small', display_id='d')\n"
        "for i in range(20_000):\n    print('x' * 99)",
        "from IPython.display import update_display\nupdate_display('over', display_id='d')",
    )
    executed, result = run(nb, tmp_path / "work")

    assert [out.output_type for out in executed.cells[0].outputs][:2] == ["error", "display_data"]
    assert executed.cells[0].outputs[1].data["text/plain"] == "'small'"


def test_the_grader_does_not_hold_what_a_flood_prints(tmp_path):
    flood = "for i in range(400_000):\n    print('x' * 99)"  # 40 MB, in many messages
    run(notebook("x = 1"), tmp_path / "warm-up")  # what is imported on first use
    tracemalloc.start()
    try:
        executed, result = run(notebook(flood), tmp_path / "work", dataclasses.replace(
            LIMITS, cell_timeout=30))  # fmt: skip
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.truncated and result.cells_run == 1, result
    assert peak < 20 * 2**20, peak


# --- canaries across restarts --------------------------------------------------------------


def canary_lesson(first_answer: str) -> tuple[nbformat.NotebookNode, dict[int, int]]:
    """A lesson with one canary (after its original, as ``plant_canaries`` puts them)."""
    check = "from dlcourse import checks\nchecks.check_close('total', total(), 6)"
    nb = notebook(
        "data = [1, 2, 3]",
        answer(f"def double(x):\n    return 2 * x\n{first_answer}", "double"),
        test("assert double(2) == 4", "test_double"),
        answer("def total():\n    return sum(data)", "total"),
        test(check, "test_total"),
        test(scoring.corrupt_source(check), "test_total"),  # the canary
        "print('end')",
    )
    return nb, {5: 4}


def test_a_canary_after_a_crash_still_fails_as_it_must(tmp_path):
    nb, canaries = canary_lesson(CRASHES["exit"])
    executed, result = run(nb, tmp_path / "work", canaries=canaries)

    assert len(result.restarts) == 1, result
    assert result.replies[4] == "ok" and result.replies[5] == "error"
    verdict = scoring.judge_canaries(executed, result.replies, canaries)
    assert (verdict.planted, verdict.ran, verdict.passed) == (1, 1, [])
    assert stdout(executed.cells[6]) == "end\n"


def test_a_canary_whose_original_crashed_is_not_run_and_crashes_in_canaries_are_free(tmp_path):
    exit_ = "import os\nos._exit(1)"
    nb = notebook(
        "x = 1",
        test(exit_, "test_one"),  # an original: the student's code behind it crashes
        test(exit_, "test_one"),  # its canary, after it: not run
        test(exit_, "test_two"),  # a canary before its original: it runs, and crashes
        test(exit_, "test_two"),  # that original: it crashes too
        "print('end', x)",
    )
    canaries = {2: 1, 3: 4}
    limits = dataclasses.replace(LIMITS, max_restarts=1)
    executed, result = run(nb, tmp_path / "work", limits, canaries=canaries)

    # The student's cells crash twice (1 and 4) with max_restarts=1: the second crash
    # stops the notebook. The canary's crash (3) in between got a restart of its own.
    assert [r["cell"] for r in result.restarts] == [1, 3]
    assert (result.stopped_cell, result.unrecovered) == (4, "limit"), result
    assert result.replies[2] is None and result.cell_seconds[2] is None  # not run
    assert result.status == "kernel_died"
    assert enames(executed.cells[5]) == ["NotRun"]
    # Both canaries did what their originals did: nothing to hold against the student.
    verdict = scoring.judge_canaries(executed, result.replies, canaries, result.cell_seconds)
    assert not verdict.tampered, verdict


def test_a_canary_that_stops_the_kernel_where_its_original_did_not_is_caught(tmp_path):
    nb, canaries = canary_lesson("")
    nb.cells[5].source = "import os\nos._exit(1)"  # the canary "recognised" and dodged
    executed, result = run(nb, tmp_path / "work", canaries=canaries)

    assert [r["cell"] for r in result.restarts] == [5] and result.replies[4] == "ok"
    assert stdout(executed.cells[6]) == "end\n"  # the student's cells go on, as always
    verdict = scoring.judge_canaries(executed, result.replies, canaries, result.cell_seconds)
    assert verdict.dodged == ["test_total"] and verdict.tampered


def test_a_canary_runs_whatever_its_original_cost_and_off_the_notebooks_clock(tmp_path):
    slow = "import time\ntime.sleep(3)\n"
    nb, canaries = canary_lesson("")
    nb.cells[0].source = "from dlcourse import checks\n" + nb.cells[0].source  # off the timed cells
    nb.cells[4].source = slow + nb.cells[4].source  # an original slower than CANARY_MAX_S
    nb.cells[5].source = slow + nb.cells[5].source
    nb.cells[6].source = slow + nb.cells[6].source
    # 9 s of cells: the notebook's 8 s hold the student's 6 s; the canary's 3 are extra.
    limits = dataclasses.replace(LIMITS, cell_timeout=10, notebook_timeout=8)
    executed, result = run(nb, tmp_path / "work", limits, canaries=canaries)

    assert result.status == "ok", result
    assert result.replies[4] == "ok" and result.replies[5] == "error"  # it ran, and failed
    assert stdout(executed.cells[6]) == "end\n"


def test_remove_canaries_maps_and_drops_restarts_and_cuts(tmp_path):
    nb, canaries = canary_lesson(CRASHES["memory"])
    executed, result = run(nb, tmp_path / "work", canaries=canaries)
    result.restarts.append(dict(result.restarts[0], cell=5))  # as if the canary crashed
    result.truncated.append({"cell": 6, "scope": "cell", "limit_mb": 0.5})

    back = scoring.remove_canaries(executed, result, canaries)
    assert len(back.cells) == 6
    assert [r["cell"] for r in result.restarts] == [1]
    assert result.truncated == [{"cell": 5, "scope": "cell", "limit_mb": 0.5}]


def test_a_kernel_cannot_stretch_its_time_limit_inside_a_canary(tmp_path):
    from autograder.sandbox.runner import CANARY_CREDIT_S

    nb, canaries = canary_lesson("")
    nb.cells[0].source = "from dlcourse import checks\n" + nb.cells[0].source
    spend = CANARY_CREDIT_S + 5  # a kernel that "works" inside a canary, off the clock
    nb.cells[5].source = f"import time\ntime.sleep({spend})\n" + nb.cells[5].source
    nb.cells[6].source = "import time\ntime.sleep(4)\n" + nb.cells[6].source
    # 5 s of the canary count, and the last cell's 4 s pass the notebook's 8 s.
    limits = dataclasses.replace(LIMITS, cell_timeout=30, notebook_timeout=8)
    executed, result = run(nb, tmp_path / "work", limits, canaries=canaries)

    assert result.replies[5] == "error"  # the canary ran, and failed as it must
    assert result.status == "notebook_timeout" and result.stopped_cell == 6, result
