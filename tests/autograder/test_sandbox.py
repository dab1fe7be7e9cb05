"""autograder.sandbox runs a notebook to the end under limits, and marks what did not run.

The rule these tests guard most: a code cell that did not run because execution was
stopped gets an error output, or nbgrader would give an unexecuted test cell full marks.
Notebooks are tiny and built here; none imports TensorFlow. Tests that take the
``sandbox`` fixture run with bubblewrap and without it.
"""

from __future__ import annotations

import json
import socket
import tempfile
import uuid
from pathlib import Path

import nbformat
import psutil
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from autograder.sandbox import ExecutionResult, Limits, bubblewrap_available, execute_notebook
from autograder.sandbox import bwrap as bwrap_module
from autograder.sandbox import runner as runner_module

NO_BWRAP = "bubblewrap (bwrap) is missing or cannot create namespaces on this machine"
needs_bwrap = pytest.mark.skipif(not bubblewrap_available(), reason=NO_BWRAP)
FAST = Limits(cell_timeout=10, notebook_timeout=30, memory_mb=1024, output_mb=1)


@pytest.fixture(
    params=[pytest.param(True, marks=needs_bwrap, id="bwrap"), pytest.param(False, id="plain")]
)
def sandbox(request) -> bool:
    """Run the test with bubblewrap and without it."""
    return request.param


# --- helpers ----------------------------------------------------------------------------


def notebook(*cells: str | nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A notebook of code cells (strings) and any other cells given as nodes."""
    return new_notebook(
        cells=[new_code_cell(cell) if isinstance(cell, str) else cell for cell in cells]
    )


def run(
    nb: nbformat.NotebookNode,
    workdir: Path,
    limits: Limits = FAST,
    **kw,
) -> tuple[nbformat.NotebookNode, ExecutionResult]:
    """execute_notebook, then check that it left no process behind."""
    workdir.mkdir(exist_ok=True)
    before = set(psutil.Process().children(recursive=True))
    executed, result = execute_notebook(nb, workdir, limits, **kw)
    assert set(psutil.Process().children(recursive=True)) - before == set()
    return executed, result


def code_cells(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [cell for cell in nb.cells if cell.cell_type == "code"]


def enames(cell: nbformat.NotebookNode) -> list[str]:
    return [out.ename for out in cell.outputs if out.output_type == "error"]


def stdout(cell: nbformat.NotebookNode) -> str:
    return "".join(out.text for out in cell.outputs if out.output_type == "stream")


def assert_unrun_cells_fail(nb: nbformat.NotebookNode, first_unrun: int) -> None:
    """Code cells from ``first_unrun`` on (indices among code cells) score 0 in nbgrader:
    their first output is an error."""
    cells = code_cells(nb)
    assert first_unrun < len(cells)
    for cell in cells[first_unrun:]:
        assert cell.outputs, cell.source
        assert cell.outputs[0].output_type == "error", cell.outputs
    for cell in cells[first_unrun + 1 :]:
        assert enames(cell) == ["NotRun"]


def grade_cell(source: str, grade_id: str) -> nbformat.NotebookNode:
    """An nbgrader autograder-test cell worth 1 point."""
    nbgrader = {"grade": True, "grade_id": grade_id, "locked": True, "points": 1,
                "schema_version": 3, "solution": False, "task": False}  # fmt: skip
    return new_code_cell(source, metadata={"nbgrader": nbgrader})


# --- the rule that matters most ----------------------------------------------------------


def test_nbgrader_gives_no_points_for_test_cells_that_did_not_run(tmp_path):
    from nbgrader.utils import determine_grade  # slow to import: only here

    nb = notebook(
        "def f():\n    return 1",
        grade_cell("assert f() == 1", "ran"),
        "import time\ntime.sleep(5)",
        grade_cell("assert True", "stopped"),
        grade_cell("", "blank"),
    )
    limits = Limits(cell_timeout=10, notebook_timeout=1.5)
    executed, result = run(nb, tmp_path / "work", limits)

    assert result.status == "notebook_timeout", result
    grades = {
        cell.metadata.nbgrader.grade_id: determine_grade(cell)[0]
        for cell in code_cells(executed)
        if "nbgrader" in cell.metadata
    }
    assert grades == {"ran": 1, "stopped": 0, "blank": 0}


# --- running, errors and time limits -----------------------------------------------------------


def test_a_normal_notebook_runs_to_the_end(tmp_path, sandbox):
    stale = new_code_cell("y = 2", outputs=[new_output("stream", name="stdout", text="faked")])
    skipped = new_code_cell("print('tagged')", metadata={"tags": ["skip-execution"]})
    nb = notebook(
        "print('hello')",
        "1 / 0",
        new_markdown_cell("# text"),
        "x = 21",
        "",
        stale,
        skipped,
        "x * y",
    )
    executed, result = run(nb, tmp_path / "work", sandbox=sandbox)

    assert result.status == "ok", result
    assert result.sandboxed is sandbox
    assert result.cells_run == result.cells_total == 6
    assert result.reason == "all 6 code cells ran"
    cells = code_cells(executed)
    assert stdout(cells[0]) == "hello\n"
    assert enames(cells[1]) == ["ZeroDivisionError"]  # an error, and the next cells still run
    assert cells[3].outputs == []  # blank: not run, nothing to score
    assert stdout(cells[4]) == ""  # the outputs it came with are gone
    assert stdout(cells[5]) == "tagged\n"  # a skip-execution tag does not skip a cell
    assert cells[6].outputs[0].data["text/plain"] == "42"
    assert executed.metadata.language_info.name == "python"
    assert nb.cells[5].outputs[0].text == "faked"  # the caller's notebook is untouched
    assert 0 < result.peak_memory_mb < 1024


def test_a_cell_over_its_time_limit_is_interrupted_and_the_next_cells_run(tmp_path, sandbox):
    limits = Limits(cell_timeout=1.5, notebook_timeout=30)
    nb = notebook("x = 1", "while True:\n    pass", "print(x + 1)")
    executed, result = run(nb, tmp_path / "work", limits, sandbox=sandbox)

    assert result.status == "ok", result
    assert result.cells_run == result.cells_total == 3
    looping = code_cells(executed)[1]
    assert enames(looping) == ["CellTimeoutError", "KeyboardInterrupt"]
    assert "longer than 1.5 s" in looping.outputs[0].evalue
    assert stdout(code_cells(executed)[2]) == "2\n"
    assert result.seconds < 10


def test_over_the_notebook_time_limit_every_unexecuted_cell_gets_an_error(tmp_path, sandbox):
    limits = Limits(cell_timeout=10, notebook_timeout=2)
    nap = "import time\ntime.sleep(0.8)"
    nb = notebook(nap, nap, nap, nap, new_markdown_cell("text"), nap, "", "print('end')")
    executed, result = run(nb, tmp_path / "work", limits, sandbox=sandbox)

    assert result.status == "notebook_timeout", result
    assert result.cells_run == 2
    assert result.reason == "the notebook was stopped after 2 s (notebook time limit) in cell 3"
    cells = code_cells(executed)
    assert enames(cells[2])[0] == "NotebookTimeout"
    assert_unrun_cells_fail(executed, first_unrun=2)
    assert "not run: the notebook was stopped after 2 s" in cells[-1].outputs[0].evalue
    assert result.seconds < 8


def test_a_cell_that_ignores_the_interrupt_stops_the_notebook(tmp_path):
    limits = Limits(cell_timeout=1, notebook_timeout=30)
    stubborn = "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass"
    executed, result = run(notebook("x = 1", stubborn, "print(x)"), tmp_path / "work", limits)

    assert result.status == "kernel_died", result
    assert "ignored the interrupt" in result.reason
    assert_unrun_cells_fail(executed, first_unrun=1)
    assert result.seconds < 15


# --- memory, a dead kernel, output -----------------------------------------------------------

HOG = "hog = b'x' * ({mb} * 2**20)\nimport time\ntime.sleep(10)"


def test_a_memory_bomb_kills_the_kernel(tmp_path, sandbox):
    limits = Limits(cell_timeout=30, notebook_timeout=60, memory_mb=500)
    nb = notebook("x = 1", HOG.format(mb=1500), "print('after')", "print('end')")
    executed, result = run(nb, tmp_path / "work", limits, sandbox=sandbox)

    assert result.status == "memory", result
    assert result.reason == "the kernel used more than 500 MB and was stopped in cell 2"
    assert result.peak_memory_mb > 500
    assert enames(code_cells(executed)[1])[0] == "MemoryLimit"
    assert_unrun_cells_fail(executed, first_unrun=1)
    assert result.seconds < 6  # killed at once, not after the cell's sleep


@pytest.mark.parametrize(
    "hog",
    [
        pytest.param(
            "import subprocess, sys\nsubprocess.run([sys.executable, '-c', {code!r}])",
            id="child-process",
        ),
        pytest.param(  # only the sandbox's /tmp is in memory
            "open('/tmp/big', 'wb').write(b'x' * (600 * 2**20))\nimport time\ntime.sleep(10)",
            id="tmpfs-file",
            marks=needs_bwrap,
        ),
    ],
)
def test_memory_of_child_processes_and_in_memory_files_counts(tmp_path, hog):
    limits = Limits(cell_timeout=30, notebook_timeout=60, memory_mb=500)
    cell = hog.format(code=HOG.format(mb=1500))
    executed, result = run(notebook(cell, "print('after')"), tmp_path / "work", limits)

    assert result.status == "memory", result
    assert_unrun_cells_fail(executed, first_unrun=0)
    assert result.seconds < 6


def test_a_dead_kernel_stops_the_notebook(tmp_path, sandbox):
    nb = notebook("print('before')", "import os\nos._exit(1)", "print('after')", "x = 1")
    executed, result = run(nb, tmp_path / "work", sandbox=sandbox)

    assert result.status == "kernel_died", result
    assert result.reason == "the kernel died in cell 2"
    assert result.cells_run == 1
    assert enames(code_cells(executed)[1]) == ["KernelDied"]
    assert_unrun_cells_fail(executed, first_unrun=1)


def test_an_output_flood_is_cut_and_stops_the_notebook(tmp_path, sandbox):
    flood = "for i in range(500_000):\n    print('x' * 99)"  # 50 MB
    nb = notebook("print('small')", flood, "print('after')")
    executed, result = run(nb, tmp_path / "work", sandbox=sandbox)  # output_mb=1

    assert result.status == "output_limit", result
    assert result.reason == "the outputs passed 1 MB and the notebook was stopped in cell 2"
    assert len(nbformat.writes(executed)) < 1.5 * 2**20
    flooded = code_cells(executed)[1]
    assert enames(flooded) == ["OutputLimit"]
    assert flooded.outputs[0].output_type == "error"
    assert stdout(flooded).startswith("x" * 99)  # what fitted is kept
    assert_unrun_cells_fail(executed, first_unrun=1)
    assert result.seconds < 10


def test_one_huge_message_is_cut_to_the_limit(tmp_path):
    nb = notebook("print('y' * 20_000_000)", "print('after')")
    executed, result = run(nb, tmp_path / "work")  # output_mb=1

    assert result.status == "output_limit", result
    assert len(nbformat.writes(executed)) < 1.1 * 2**20
    assert stdout(code_cells(executed)[0]) == "y" * len(stdout(code_cells(executed)[0]))
    assert_unrun_cells_fail(executed, first_unrun=0)


def test_a_progress_line_rewritten_with_carriage_returns_is_not_a_flood(tmp_path):
    # 2 MB as sent, a few bytes once each \r has rewritten the line (as a notebook shows it)
    progress = "for i in range(200_000):\n    print(f'\\rstep {i:06d}', end='')"
    executed, result = run(notebook(progress, "print('after')"), tmp_path / "work")

    assert result.status == "ok", result
    assert stdout(code_cells(executed)[0]) == "step 199999"
    assert len(nbformat.writes(executed)) < 50_000


def test_a_cell_printing_without_end_still_times_out(tmp_path):
    endless = "i = 0\nwhile True:\n    i += 1\n    print(f'\\r{i}', end='')"
    limits = Limits(cell_timeout=1.5, notebook_timeout=30, output_mb=1)
    executed, result = run(notebook(endless, "print('after')"), tmp_path / "work", limits)

    assert result.status == "ok", result
    assert enames(code_cells(executed)[0])[0] == "CellTimeoutError"
    assert stdout(code_cells(executed)[1]) == "after\n"
    assert result.seconds < 10


def test_a_long_line_is_kept_quickly(tmp_path):
    # nbclient's own merging of streams would take minutes over a 1 MB line
    executed, result = run(notebook("print('z' * 900_000)"), tmp_path / "work")
    assert result.status == "ok", result
    assert len(stdout(code_cells(executed)[0])) == 900_001
    assert result.seconds < 10


# --- isolation ------------------------------------------------------------------------------


@pytest.fixture
def course():
    """A course repository outside /tmp (the sandbox hides /tmp anyway) with a secret."""
    root = Path(tempfile.mkdtemp(prefix="autograder-test-course-", dir="/var/tmp"))
    (root / "source").mkdir()
    (root / "source" / "solution.txt").write_text("the answer")
    workdir = root / "workspace" / "submitted" / "student" / "ps1"
    workdir.mkdir(parents=True)
    (workdir / "data.txt").write_text("student data")
    yield root
    for path in sorted(root.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    root.rmdir()


@needs_bwrap
def test_the_sandbox_hides_the_course_and_keeps_writes_private(tmp_path, course):
    name = f"autograder-test-{uuid.uuid4().hex}"
    probe = f"""
import os
def attempt(action):
    try:
        action()
        return "ok"
    except OSError as error:
        return type(error).__name__
print("data", open("data.txt").read())
print("secret", attempt(lambda: open({str(course / "source" / "solution.txt")!r}).read()))
print("listing", os.listdir({str(course)!r}))
print("course", attempt(lambda: open({str(course / "x")!r}, "w")))
print("tmp", attempt(lambda: open("/tmp/{name}", "w").write("x")))
print("home", attempt(lambda: open(os.path.expanduser("~/{name}"), "w").write("x")))
print("here", attempt(lambda: open("{name}", "w").write("x")))
"""
    workdir = course / "workspace" / "submitted" / "student" / "ps1"
    executed, result = run(notebook(probe), workdir, mask=[course])

    assert result.status == "ok", result
    lines = stdout(code_cells(executed)[0]).splitlines()
    assert lines == [
        "data student data",
        "secret FileNotFoundError",
        "listing ['workspace']",
        "course OSError",  # read-only
        "tmp ok",
        "home ok",
        "here ok",
    ]
    assert not Path("/tmp", name).exists()
    assert not Path.home().joinpath(name).exists()
    assert (workdir / name).exists()  # the working folder is the one writable host folder


@needs_bwrap
def test_the_sandbox_has_no_network(tmp_path):
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        probe = f"import socket\nsocket.create_connection(('127.0.0.1', {port}), timeout=2)"
        executed, result = run(notebook(probe), tmp_path / "work")
    assert result.status == "ok", result
    assert enames(code_cells(executed)[0]) == ["ConnectionRefusedError"]


@needs_bwrap
def test_the_course_packages_import_in_the_sandbox(tmp_path):
    probe = "import numpy, dlcourse\nprint(numpy.ones(3).sum(), dlcourse.__name__)"
    executed, result = run(notebook(probe), tmp_path / "work")
    assert result.status == "ok", result
    assert stdout(code_cells(executed)[0]) == "3.0 dlcourse\n"


def test_the_kernel_gets_a_minimal_environment(tmp_path, sandbox, monkeypatch):
    monkeypatch.setenv("GRADER_SECRET", "s3cret")
    probe = "import json, os\nprint(json.dumps(dict(os.environ)))"
    extra = {"DLCOURSE_DATA_DIR": "/data", "HOME": "/somewhere"}
    executed, result = run(notebook(probe), tmp_path / "work", sandbox=sandbox, env=extra)

    assert result.status == "ok", result
    kernel_env = json.loads(stdout(code_cells(executed)[0]))
    assert "GRADER_SECRET" not in kernel_env
    assert "s3cret" not in json.dumps(kernel_env)
    assert kernel_env["NBGRADER_EXECUTION"] == "autograde"
    assert kernel_env["DLCOURSE_OFFLINE"] == "1"
    assert kernel_env["MPLBACKEND"] == "Agg"
    assert kernel_env["DLCOURSE_DATA_DIR"] == "/data"  # the caller's additions
    home = kernel_env["HOME"]
    assert home != "/somewhere"  # but not its own HOME
    assert kernel_env["KERAS_HOME"].startswith(home)
    assert kernel_env["MPLCONFIGDIR"].startswith(home)


def test_no_process_started_by_the_kernel_survives(tmp_path, sandbox):
    marker = f"{300 + uuid.uuid4().int % 1000}.5"  # a sleep no one else runs
    spawn = f"import subprocess\nsubprocess.Popen(['sleep', '{marker}'], start_new_session=True)"
    cells = [spawn]
    if sandbox:  # an orphan leaves the kernel's tree; only the pid namespace catches it
        cells.append(f"import os\nos.system('sleep {marker} &')")
    run(notebook(*cells), tmp_path / "work", sandbox=sandbox)

    survivors = [p for p in psutil.process_iter(["cmdline"]) if marker in (p.info["cmdline"] or [])]
    assert survivors == []


def test_the_runtime_folder_is_removed(tmp_path, monkeypatch):
    private = Path(tempfile.mkdtemp(dir="/tmp"))  # short: it holds the kernel's sockets
    monkeypatch.setattr(tempfile, "tempdir", str(private))
    try:
        run(notebook("print(1)"), tmp_path / "work")
        assert list(private.iterdir()) == []
    finally:
        private.rmdir()


# --- what is not a run ----------------------------------------------------------------------


def test_something_that_is_not_a_notebook_is_invalid(tmp_path):
    executed, result = run({"cells": "nope", "nbformat": 4}, tmp_path / "work")
    assert result.status == "invalid"
    assert result.reason.startswith("not a notebook")
    assert executed.cells == []


def test_a_kernel_that_cannot_start_is_invalid_and_nothing_scores(tmp_path):
    nb = notebook("x = 1", "assert x == 1")
    executed, result = run(nb, tmp_path / "work", kernel_name="no-such-kernel")
    assert result.status == "invalid", result
    assert "could not start" in result.reason
    assert result.cells_run == 0 and result.cells_total == 2
    assert_unrun_cells_fail(executed, first_unrun=0)


@needs_bwrap
def test_a_sandbox_that_cannot_start_is_invalid_and_says_why(tmp_path, monkeypatch):
    monkeypatch.setattr(runner_module, "bwrap_command", lambda *args: ["bwrap", "--bogus"])
    executed, result = run(notebook("x = 1"), tmp_path / "work")
    assert result.status == "invalid", result
    assert "bwrap: Unknown option --bogus" in result.reason
    assert_unrun_cells_fail(executed, first_unrun=0)


def test_the_callers_mistakes_raise(tmp_path, monkeypatch):
    with pytest.raises(FileNotFoundError):
        execute_notebook(notebook("1"), tmp_path / "missing", FAST)
    monkeypatch.setattr(runner_module, "bubblewrap_available", lambda: False)
    with pytest.raises(RuntimeError, match="bubblewrap"):
        execute_notebook(notebook("1"), tmp_path, FAST, sandbox=True)
    with pytest.raises(ValueError, match="cell_timeout"):
        Limits(cell_timeout=0)


def test_bubblewrap_is_unavailable_without_bwrap(monkeypatch):
    monkeypatch.setattr(bwrap_module.shutil, "which", lambda name: None)
    bubblewrap_available.cache_clear()
    try:
        assert bubblewrap_available() is False
    finally:
        bubblewrap_available.cache_clear()
