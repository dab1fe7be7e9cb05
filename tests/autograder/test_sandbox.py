"""autograder.sandbox runs a notebook to the end under limits, and marks what did not run.

The rule these tests guard most: a code cell that did not run because execution was
stopped gets an error output, or nbgrader would give an unexecuted test cell full marks.
Notebooks are tiny and built here; none imports TensorFlow. Tests that take the
``sandbox`` fixture run with bubblewrap and without it.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import os
import socket
import sys
import tempfile
import uuid
from pathlib import Path

import nbformat
import psutil
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from autograder.sandbox import (
    REPOSITORY_ROOT,
    ExecutionResult,
    Limits,
    bubblewrap_available,
    execute_notebook,
)
from autograder.sandbox import bwrap as bwrap_module
from autograder.sandbox import cgroups as cgroups_module
from autograder.sandbox import runner as runner_module

NO_BWRAP = "bubblewrap (bwrap) is missing or cannot create namespaces on this machine"
needs_bwrap = pytest.mark.skipif(not bubblewrap_available(), reason=NO_BWRAP)


def needs_cgroup(controller: str) -> pytest.MarkDecorator:
    """Skip where no writable ``controller`` group is below ours (not root, no delegation)."""
    parents = cgroups_module._parents()
    available = {*parents.v2_controllers, *parents.v1}
    reason = f"no writable {controller} cgroup controller below this process's group"
    return pytest.mark.skipif(controller not in available, reason=reason)


needs_memory_cgroup = needs_cgroup("memory")
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


def test_without_restarts_a_cell_that_ignores_the_interrupt_stops_the_notebook(tmp_path):
    limits = Limits(cell_timeout=1, notebook_timeout=30, max_restarts=0)
    stubborn = "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass"
    executed, result = run(notebook("x = 1", stubborn, "print(x)"), tmp_path / "work", limits)

    assert result.status == "kernel_died", result
    assert (result.cause, result.unrecovered, result.stopped_cell) == ("unresponsive", "limit", 1)
    assert "ignored the interrupt" in result.reason
    assert_unrun_cells_fail(executed, first_unrun=1)
    assert result.seconds < 15


# --- memory, a dead kernel, output -----------------------------------------------------------

HOG = "hog = b'x' * ({mb} * 2**20)\nimport time\ntime.sleep(10)"
MEMFD = """import os, time
fd = os.memfd_create('hog')
for _ in range({mb} // 10):
    os.write(fd, b'x' * (10 * 2**20))
time.sleep(10)"""


def test_without_restarts_a_memory_bomb_kills_the_kernel_and_stops(tmp_path, sandbox):
    limits = Limits(cell_timeout=30, notebook_timeout=60, memory_mb=500, max_restarts=0)
    nb = notebook("x = 1", HOG.format(mb=1500), "print('after')", "print('end')")
    executed, result = run(nb, tmp_path / "work", limits, sandbox=sandbox)

    assert result.status == "memory", result
    assert result.reason == (
        "the kernel used more than 500 MB and was stopped in cell 2; "
        "it had been restarted 0 times already"
    )
    assert result.peak_memory_mb >= 500  # a memory cgroup holds it at the cap
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
        pytest.param(
            "open('/dev/shm/big', 'wb').write(b'x' * (600 * 2**20))\nimport time\ntime.sleep(10)",
            id="shm-file",
            marks=needs_bwrap,
        ),
        pytest.param(  # the working folder is a tmpfs bigger than the memory here
            "open('big', 'wb').write(b'x' * (600 * 2**20))\nimport time\ntime.sleep(10)",
            id="working-folder",
            marks=needs_bwrap,
        ),
        pytest.param(  # a memfd is mapped by no process: only a memory cgroup counts it
            MEMFD.format(mb=1000),
            id="memfd",
            marks=needs_memory_cgroup,
        ),
        pytest.param(
            "import subprocess, sys\nsubprocess.run([sys.executable, '-c', {memfd!r}])",
            id="memfd-of-a-child",
            marks=needs_memory_cgroup,
        ),
    ],
)
def test_memory_of_child_processes_and_in_memory_files_counts(tmp_path, hog):
    limits = Limits(
        cell_timeout=30, notebook_timeout=60, memory_mb=500, disk_mb=2048, max_restarts=0
    )
    cell = hog.format(code=HOG.format(mb=1500), memfd=MEMFD.format(mb=1000))
    executed, result = run(notebook(cell, "print('after')"), tmp_path / "work", limits)

    assert result.status == "memory", result
    assert_unrun_cells_fail(executed, first_unrun=0)
    assert result.seconds < 6


def test_without_restarts_a_dead_kernel_stops_the_notebook(tmp_path, sandbox):
    nb = notebook("print('before')", "import os\nos._exit(1)", "print('after')", "x = 1")
    limits = dataclasses.replace(FAST, max_restarts=0)
    executed, result = run(nb, tmp_path / "work", limits, sandbox=sandbox)

    assert result.status == "kernel_died", result
    assert result.reason == "the kernel died in cell 2; it had been restarted 0 times already"
    assert result.restarts == []
    assert result.cells_run == 1
    assert enames(code_cells(executed)[1]) == ["KernelDied"]
    assert_unrun_cells_fail(executed, first_unrun=1)


def test_an_output_flood_is_cut_the_cell_fails_and_the_notebook_goes_on(tmp_path, sandbox):
    flood = "for i in range(200_000):\n    print('x' * 99)\ndone = True"  # 20 MB
    nb = notebook("print('small')", flood, "print('after', done)")
    limits = dataclasses.replace(FAST, output_mb=2, cell_output_mb=1)
    executed, result = run(nb, tmp_path / "work", limits, sandbox=sandbox)

    assert result.status == "output_limit", result
    assert result.stopped_cell is None and result.restarts == []
    assert result.truncated == [{"cell": 1, "scope": "cell", "limit_mb": 1}]
    assert result.cells_run == 3
    assert result.replies[1] == "ok"  # the kernel says ok; the note makes it fail
    assert len(nbformat.writes(executed)) < 1.5 * 2**20
    flooded = code_cells(executed)[1]
    assert enames(flooded) == ["OutputLimit"]
    assert flooded.outputs[0].output_type == "error"
    assert "passed 1 MB (the limit per cell)" in flooded.outputs[0].evalue
    assert stdout(flooded).startswith("x" * 99)  # what fitted is kept
    assert stdout(code_cells(executed)[2]) == "after True\n"  # the flood ran to its end
    assert result.seconds < 15


def test_one_huge_message_is_cut_to_the_limit(tmp_path):
    nb = notebook("print('y' * 20_000_000)", "print('after')")
    limits = dataclasses.replace(FAST, output_mb=2, cell_output_mb=1)
    executed, result = run(nb, tmp_path / "work", limits)

    assert result.status == "output_limit", result
    assert len(nbformat.writes(executed)) < 1.1 * 2**20
    assert enames(code_cells(executed)[0]) == ["OutputLimit"]
    assert stdout(code_cells(executed)[0]) == "y" * len(stdout(code_cells(executed)[0]))
    assert stdout(code_cells(executed)[1]) == "after\n"


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
print("listing", attempt(lambda: os.listdir({str(course)!r})))
print("course", attempt(lambda: open({str(course / "x")!r}, "w")))
print("tmp", attempt(lambda: open("/tmp/{name}", "w").write("x")))
print("home", attempt(lambda: open(os.path.expanduser("~/{name}"), "w").write("x")))
print("here", attempt(lambda: open("{name}", "w").write("x")))
print("root", attempt(lambda: open("/{name}", "w").write("x")))
"""
    workdir = course / "workspace" / "submitted" / "student" / "ps1"
    executed, result = run(notebook(probe), workdir, mask=[course])

    assert result.status == "ok", result
    lines = stdout(code_cells(executed)[0]).splitlines()
    assert lines == [
        "data student data",  # a copy of the working folder's files
        "secret FileNotFoundError",  # /var is not bound at all
        "listing FileNotFoundError",
        "course FileNotFoundError",
        "tmp ok",
        "home ok",
        "here ok",  # in the scratch copy
        "root OSError",  # read-only
    ]
    assert not Path("/tmp", name).exists()
    assert not Path.home().joinpath(name).exists()
    assert sorted(path.name for path in workdir.iterdir()) == ["data.txt"]  # never written


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


# --- limits the kernel cannot escape --------------------------------------------------------


@needs_bwrap
def test_the_working_folder_is_a_scratch_tmpfs_of_disk_mb(tmp_path):
    workdir = tmp_path / "work"
    workdir.mkdir()
    (workdir / "data.txt").write_text("lesson data")
    before = os.statvfs(tmp_path)
    fill = """
import errno
try:
    with open('big', 'wb') as file:
        for _ in range(100):
            file.write(b'x' * 2**20)
except OSError as error:
    print(errno.errorcode[error.errno])
"""
    limits = Limits(cell_timeout=20, notebook_timeout=30, memory_mb=1024, disk_mb=50)
    executed, result = run(notebook(fill, "print(open('data.txt').read())"), workdir, limits)

    assert result.status == "ok", result
    cells = code_cells(executed)
    assert stdout(cells[0]) == "ENOSPC\n"
    assert stdout(cells[1]) == "lesson data\n"
    assert sorted(path.name for path in workdir.iterdir()) == ["data.txt"]
    used = (before.f_bfree - os.statvfs(tmp_path).f_bfree) * before.f_frsize
    assert used < 40 * 2**20  # nothing landed on the host disk (others may write a little)


@pytest.mark.parametrize("sandbox", [pytest.param(True, marks=needs_bwrap), False])
def test_links_the_kernel_leaves_are_never_followed(tmp_path, sandbox):
    canary = Path(tempfile.mkdtemp(prefix="autograder-canary-", dir="/var/tmp")) / "gradebook.db"
    canary.write_text("grades")
    workdir = tmp_path / "work"
    workdir.mkdir()
    (workdir / "ps1.ipynb").write_text("notebook")
    (workdir / "outside").symlink_to(canary)  # links in the input are not copied either
    plant = f"""
import os
print(sorted(os.listdir('.')))
os.remove('ps1.ipynb')
os.symlink({str(canary)!r}, 'ps1.ipynb')
os.symlink({str(canary.parent)!r}, 'folder')
os.mkfifo('fifo')
"""
    try:
        executed, result = run(notebook(plant), workdir, sandbox=sandbox)
        assert result.status == "ok", result
        assert stdout(code_cells(executed)[0]) == "['ps1.ipynb']\n"
        assert canary.read_text() == "grades"
        assert sorted(path.name for path in workdir.iterdir()) == ["outside", "ps1.ipynb"]
        assert (workdir / "ps1.ipynb").read_text() == "notebook"
        assert not (workdir / "ps1.ipynb").is_symlink()
    finally:
        canary.unlink()
        canary.parent.rmdir()


@needs_bwrap
def test_the_kernel_cannot_rewrite_its_connection_file(tmp_path):
    canary = Path(tempfile.mkdtemp(prefix="autograder-canary-", dir="/var/tmp")) / "canary"
    canary.write_text("intact")
    probe = f"""
import os
from ipykernel.connect import get_connection_file
path = get_connection_file()
try:
    open(path, 'w').write('{{}}')
except OSError as error:
    print('connection file', type(error).__name__)
sockets = os.path.dirname(path) + '/sockets'
os.symlink({str(canary)!r}, sockets + '/planted')
print('planted', os.path.islink(sockets + '/planted'))
"""
    try:
        executed, result = run(notebook(probe, "print('still here')"), tmp_path / "work")
        assert result.status == "ok", result
        cells = code_cells(executed)
        assert stdout(cells[0]) == "connection file OSError\nplanted True\n"
        assert stdout(cells[1]) == "still here\n"
        assert canary.read_text() == "intact"
    finally:
        canary.unlink()
        canary.parent.rmdir()


@needs_bwrap
def test_only_an_allowlist_of_the_system_is_visible(tmp_path):
    canary = Path(tempfile.mkdtemp(prefix="autograder-canary-", dir="/var/tmp")) / "canary"
    canary.write_text("secret")
    paths = ["/run", "/var", "/home", "/root", "/srv", "/mnt", "/opt", str(canary), "/etc/shadow"]
    # Those holding the interpreter (pyenv's /root/.pyenv, say) show it and nothing else.
    python = [Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve()]
    paths = [path for path in paths if not any(Path(path) in p.parents for p in python)]
    probe = f"""
import os
for path in {paths!r}:
    try:
        open(path).read() if os.path.isfile(path) else os.listdir(path)
        print(path, 'visible')
    except OSError as error:
        print(path, type(error).__name__)
print('passwd', sorted(line.split(':')[0] for line in open('/etc/passwd')))
print('repository', sorted(os.listdir({str(REPOSITORY_ROOT)!r})))
"""
    try:
        executed, result = run(notebook(probe), tmp_path / "work")
    finally:
        canary.unlink()
        canary.parent.rmdir()
    assert result.status == "ok", result
    lines = stdout(code_cells(executed)[0]).splitlines()
    assert lines[:-2] == [f"{path} FileNotFoundError" for path in paths]
    assert "nobody" in lines[-2] and len(lines[-2].split(",")) == 2  # made up, not the host's
    # Of the course's repository: the virtual environment and lib/ (dlcourse), if there.
    assert set(ast.literal_eval(lines[-1].removeprefix("repository "))) <= {".venv", "lib"}


@needs_bwrap
def test_a_unix_socket_of_the_host_is_unreachable(tmp_path):
    folder = Path(tempfile.mkdtemp(prefix="autograder-socket-", dir="/var/tmp"))
    path = str(folder / "service.sock")
    probe = f"""
import socket
client = socket.socket(socket.AF_UNIX)
try:
    client.connect({path!r})
    print('connected')
except OSError as error:
    print(type(error).__name__)
"""
    try:
        with socket.socket(socket.AF_UNIX) as server:
            server.bind(path)
            server.listen()
            executed, result = run(notebook(probe), tmp_path / "work")
    finally:
        Path(path).unlink(missing_ok=True)
        folder.rmdir()
    assert result.status == "ok", result
    assert stdout(code_cells(executed)[0]) == "FileNotFoundError\n"


FORK_BOMB = """
import subprocess
children = []
try:
    for _ in range(200):
        children.append(subprocess.Popen(['sleep', '60']))
except OSError as error:
    print('stopped', type(error).__name__, len(children) < 40)
"""
THREAD_BOMB = """
import threading
event = threading.Event()
threads = []
try:
    for _ in range(200):
        threads.append(threading.Thread(target=event.wait, daemon=True))
        threads[-1].start()
except RuntimeError as error:
    print('stopped', error, len(threads) < 40)
event.set()
"""


@needs_cgroup("pids")
@pytest.mark.parametrize("bomb", [FORK_BOMB, THREAD_BOMB], ids=["processes", "threads"])
def test_processes_and_threads_end_at_the_limit(tmp_path, sandbox, bomb):
    limits = Limits(cell_timeout=20, notebook_timeout=30, processes=40)
    executed, result = run(notebook(bomb, "print('after')"), tmp_path / "work", limits,
                           sandbox=sandbox)  # fmt: skip

    assert result.status == "ok", result
    cells = code_cells(executed)
    assert stdout(cells[0]).startswith("stopped ") and stdout(cells[0]).endswith(" True\n")
    assert stdout(cells[1]) == "after\n"  # the kernel still answers


SPIN = """
import multiprocessing, time
def spin(seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass
if __name__ == '__main__':
    started = time.monotonic()
    workers = [multiprocessing.Process(target=spin, args=(1.5,)) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    import resource
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(round((used.ru_utime + used.ru_stime) / (time.monotonic() - started), 2))
"""


@needs_cgroup("cpu")
def test_busy_processes_get_about_the_cpus_of_the_quota(tmp_path):
    limits = Limits(cell_timeout=20, notebook_timeout=30, cpus=0.5)
    executed, result = run(notebook(SPIN), tmp_path / "work", limits)

    assert result.status == "ok", result
    cpus = float(stdout(code_cells(executed)[0]))
    assert 0.1 < cpus < 0.8  # unthrottled, two spinners take up to 2 CPUs


def test_no_process_or_group_outlives_the_run(tmp_path, sandbox, monkeypatch):
    made = []

    def remembered(limits):
        groups = cgroups_module.Cgroups.create(limits)
        made.append(groups)
        return groups

    monkeypatch.setattr(runner_module, "_cgroups", remembered)
    spawn = "import os\nfor _ in range(5):\n    os.system('sleep 600 &')"
    run(notebook(spawn, "import os\nos._exit(1)"), tmp_path / "work", sandbox=sandbox)

    assert len(made) == 2  # the os._exit got a fresh kernel, in fresh groups
    for groups in made:
        if groups is not None:
            assert groups.groups
            assert not any(folder.exists() for folder in groups.groups.values())


def test_without_writable_cgroups_the_polling_watchdog_holds_and_says_so(
    tmp_path, monkeypatch, caplog
):
    monkeypatch.setattr(cgroups_module, "_mounts", lambda: {})
    cgroups_module._parents.cache_clear()
    try:
        with caplog.at_level("WARNING", logger="autograder.sandbox"):
            assert cgroups_module.Cgroups.create(FAST) is None
            assert cgroups_module.Cgroups.create(FAST) is None
        warnings = [record.getMessage() for record in caplog.records]
        assert len(warnings) == 1, warnings  # said once
        assert "memory, pids, cpu" in warnings[0] and "polling" in warnings[0]
        limits = Limits(cell_timeout=30, notebook_timeout=60, memory_mb=500)
        executed, result = run(notebook(HOG.format(mb=1500)), tmp_path / "work", limits)
        assert result.status == "memory", result
    finally:
        cgroups_module._parents.cache_clear()


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
    monkeypatch.setattr(runner_module, "bwrap_command", lambda *a, **k: ["bwrap", "--bogus"])
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


@needs_bwrap
def test_a_folder_bound_back_from_under_tmp_is_visible(tmp_path):
    """A virtual environment in a checkout under /tmp (CI clones there) must reach the
    kernel although the sandbox's /tmp is a private tmpfs."""
    import shutil
    import tempfile

    outside = Path(tempfile.mkdtemp(prefix="ro-bind-", dir="/tmp"))
    try:
        (outside / "marker.txt").write_text("here")
        code = f"print(open({str(outside / 'marker.txt')!r}).read())"
        executed, result = run(notebook(code), tmp_path / "work", ro_binds=[outside])
        assert result.status == "ok", result
        assert executed.cells[0].outputs[0].text == "here\n"
    finally:
        shutil.rmtree(outside)
