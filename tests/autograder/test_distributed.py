"""`course grade` on Dask: the same grades everywhere, nothing lost when a worker or the
coordinator dies, and workers started by hand on "other machines" (here: loopback).

Each test grades a few students of the example course's demo class in a fresh copy.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import nbformat
import psutil
import pytest
from support import tight_example_course

from autograder.cluster import dask_client, separate_processes
from autograder.config import load_course, nbgrader_api
from autograder.democlass import make_demo_class
from autograder.grade import grade_all
from autograder.release import release_lessons
from autograder.workspace import ERROR, GRADED

pytestmark = [pytest.mark.slow]

HONEST = ["perfect", "partial", "blank"]
SLOW_SECONDS = 6  # the slow student's first cell sleeps this long (under the cell limit)
BIN = Path(sys.executable).parent


@pytest.fixture
def course():
    """A released copy of the example course with its demo class and a slow student."""
    base = Path(tempfile.mkdtemp(prefix="course-dask-test-", dir="/var/tmp"))
    course = load_course(tight_example_course(base))
    assert all(r.ok for r in release_lessons(course, course.lessons, run=False))
    (lesson,) = course.lessons
    make_demo_class(course, lesson, course.workspace / "submitted")
    perfect = course.layout.submitted_notebook("perfect", lesson.id)
    notebook = nbformat.read(perfect, as_version=4)
    first_code = next(cell for cell in notebook.cells if cell.cell_type == "code")
    first_code.source = f"import time\ntime.sleep({SLOW_SECONDS})\n" + first_code.source
    slow = course.layout.submitted_notebook("slow", lesson.id)
    slow.parent.mkdir(parents=True)
    nbformat.write(notebook, slow)
    yield course
    shutil.rmtree(base, ignore_errors=True)


def scores(results) -> dict[str, float]:
    return {r.student: r.score for r in results}


def test_a_local_cluster_gives_the_grades_plain_nbgrader_gives(course):
    """Honest submissions: Dask + sandbox + scoring = nbgrader's own autograde."""
    (lesson,) = course.lessons
    ours = grade_all(course, [lesson], HONEST, jobs=2)
    assert [r.status for r in ours] == [GRADED] * len(HONEST)
    assert len({r.worker for r in ours}) >= 1 and all(r.worker.startswith("tcp://") for r in ours)

    plain = nbgrader_api(course)
    for student in HONEST:
        assert plain.autograde(lesson.id, student, force=True, create=True)["success"]
    from nbgrader.api import Gradebook

    with Gradebook(course.gradebook_url) as gradebook:
        theirs = {s: gradebook.find_submission(lesson.id, s).score for s in HONEST}
    assert scores(ours) == theirs


def test_a_rerun_skips_what_is_unchanged_and_force_grades_again(course):
    (lesson,) = course.lessons
    first = grade_all(course, [lesson], HONEST, jobs=2)
    assert first.reused == 0 and all(r.fingerprint for r in first)
    again = grade_all(course, [lesson], HONEST, jobs=2)
    assert again.reused == len(HONEST) and scores(again) == scores(first)

    # A new hand-in is graded again; the others are kept.
    blank = course.layout.submitted_notebook("blank", lesson.id)
    blank.write_text(course.layout.submitted_notebook("perfect", lesson.id).read_text())
    changed = grade_all(course, [lesson], HONEST, jobs=2)
    assert changed.reused == len(HONEST) - 1
    assert scores(changed)["blank"] == scores(first)["perfect"]

    forced = grade_all(course, [lesson], HONEST, jobs=2, force=True)
    assert forced.reused == 0


def _kernels_below(pid: int) -> list[int]:
    try:
        children = psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    return [c.pid for c in children if "ipykernel" in " ".join(_cmdline(c))]


def _cmdline(process: psutil.Process) -> list[str]:
    try:
        return process.cmdline()
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return []


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_a_worker_killed_mid_task_loses_nothing_and_leaves_no_kernel(course):
    """SIGKILL the worker that runs the slow submission while its kernel runs: the task
    is retried on another worker, the grade is right, and the kernel died with the worker."""
    (lesson,) = course.lessons
    students = ["slow", *HONEST]
    with dask_client(2) as client:
        pids = client.run(os.getpid)  # worker address -> pid
        address = client.scheduler.address
        outcome: dict = {}
        thread = threading.Thread(
            target=lambda: outcome.update(
                run=grade_all(course, [lesson], students, jobs=2, scheduler=address)
            )
        )
        thread.start()
        victim, kernels = None, []
        deadline = time.monotonic() + 120
        while victim is None and time.monotonic() < deadline:
            for worker, keys in client.processing().items():
                if any("execute-" in str(key) and "-slow-" in str(key) for key in keys):
                    kernels = _kernels_below(pids[worker])
                    if kernels:
                        victim = pids[worker]
            time.sleep(0.2)
        assert victim is not None, "the slow submission's kernel was never seen running"
        os.kill(victim, signal.SIGKILL)
        thread.join(300)
        assert not thread.is_alive()
    results = {r.student: r for r in outcome["run"]}
    assert results["slow"].status == GRADED, results["slow"]
    assert results["slow"].score == results["perfect"].score == 4
    time.sleep(1)
    assert not [pid for pid in kernels if _alive(pid)], "a kernel outlived its worker"


def test_a_submission_that_kills_two_workers_is_an_error_and_the_batch_goes_on(course):
    (lesson,) = course.lessons
    from autograder.cluster import ALLOWED_FAILURES

    notebook = nbformat.read(course.layout.submitted_notebook("perfect", lesson.id), 4)
    first_code = next(cell for cell in notebook.cells if cell.cell_type == "code")
    first_code.source = "import time\ntime.sleep(25)\n" + first_code.source
    killer = course.layout.submitted_notebook("killer", lesson.id)
    killer.parent.mkdir(parents=True)
    nbformat.write(notebook, killer)
    with dask_client(2) as client:
        address = client.scheduler.address
        outcome: dict = {}
        thread = threading.Thread(
            target=lambda: outcome.update(
                run=grade_all(course, [lesson], ["killer", "perfect"], jobs=2, scheduler=address)
            )
        )
        thread.start()
        killed: set[str] = set()
        deadline = time.monotonic() + 180
        while len(killed) <= ALLOWED_FAILURES and time.monotonic() < deadline:
            pids = client.run(os.getpid)
            for worker, keys in client.processing().items():
                running = any("-killer-" in str(key) for key in keys)
                if running and worker not in killed and _kernels_below(pids[worker]):
                    os.kill(pids[worker], signal.SIGKILL)
                    killed.add(worker)
            time.sleep(0.2)
        thread.join(300)
    results = {r.student: r for r in outcome["run"]}
    assert results["killer"].status == ERROR
    assert "killed 2 grading workers" in results["killer"].reason
    assert results["perfect"].status == GRADED and results["perfect"].score == 4


def _course_grade(course, *extra: str, **kwargs) -> subprocess.Popen:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.Popen(
        [str(BIN / "course"), "--config", str(course.file), "grade", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
        start_new_session=True, **kwargs,
    )  # fmt: skip


def test_a_coordinator_killed_mid_run_resumes_without_grading_again(course):
    (lesson,) = course.lessons
    results = course.layout.root / "results" / lesson.id
    process = _course_grade(course, "--jobs", "2")
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and len(list(results.glob("*.json"))) < 3:
        time.sleep(0.2)
    # The coordinator and its local cluster, as when its machine is lost.
    os.killpg(process.pid, signal.SIGKILL)
    out, _ = process.communicate()
    written = {p.name: p.read_text() for p in results.glob("*.json")}
    everyone = len(course.layout.submitters())
    assert 3 <= len(written) < everyone, out

    again = _course_grade(course, "--jobs", "2")
    out, _ = again.communicate(timeout=300)
    assert again.returncode in (0, 1), out
    assert f"{len(written)} unchanged since their last grade, kept" in out, out
    for name, text in written.items():  # not graded again: the very same files
        assert (results / name).read_text() == text, name
    assert len(list(results.glob("*.json"))) == everyone


def test_ctrl_c_stops_cleanly_says_what_was_done_and_the_next_run_resumes(course):
    (lesson,) = course.lessons
    results = course.layout.root / "results" / lesson.id
    process = _course_grade(course, "--jobs", "2")
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and not list(results.glob("*.json")):
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in its terminal sends
    out, _ = process.communicate(timeout=120)
    assert process.returncode == 130, out
    assert "Traceback" not in out, out
    graded = len(list(results.glob("*.json")))
    assert f"stopped: {graded} graded in this run" in out, out
    assert "run `course grade` again to resume" in out
    assert not course.layout.staging.exists()

    again = _course_grade(course, "--jobs", "2")
    out, _ = again.communicate(timeout=300)
    assert f"{graded} unchanged since their last grade, kept" in out, out
    assert len(list(results.glob("*.json"))) == len(course.layout.submitters())


@pytest.fixture
def separate_cluster(tmp_path):
    """`dask scheduler` and two `dask worker` processes, started as separate commands."""
    with separate_processes(tmp_path, workers=2) as address:
        yield address


def test_workers_started_by_hand_grade_a_class(course, separate_cluster):
    (lesson,) = course.lessons
    run = grade_all(course, [lesson], HONEST, scheduler=separate_cluster)
    assert scores(run) == {"perfect": 4, "partial": 2, "blank": 0}
    assert len({r.worker for r in run}) <= 2
    assert all(r.sandboxed for r in run) or not shutil.which("bwrap")


# --------------------------------------------------------------------------- quick units


@pytest.mark.parametrize("name", ["../escape", "/etc/passwd", "a/../../b", ""])
def test_a_task_cannot_write_outside_its_folder(tmp_path, name):
    from autograder.cluster import write_files

    with pytest.raises(ValueError, match="unsafe file name"):
        write_files(tmp_path, {name: b"x"})


def test_a_task_writes_its_files_below_its_folder(tmp_path):
    from autograder.cluster import write_files

    write_files(tmp_path, {"data/a.csv": b"1,2", "b.txt": b"b"})
    assert (tmp_path / "data" / "a.csv").read_bytes() == b"1,2"


def test_progress_off_a_terminal_is_a_line_a_minute(monkeypatch):
    import io

    from autograder.cluster import Progress

    stream = io.StringIO()
    progress = Progress(4, terminal=False, stream=stream)
    progress.update(failed=False)
    assert stream.getvalue() == ""  # less than a minute: nothing yet
    monkeypatch.setattr(Progress, "LOG_EVERY_S", 0.0)
    progress.update(failed=True)
    progress.close()
    line = stream.getvalue()
    assert "2/4 done, 1 failed, 2 remaining" in line and "/min" in line


def test_the_reason_for_a_task_that_killed_its_workers():
    from autograder.cluster import ALLOWED_FAILURES, describe_failure

    class KilledWorker(Exception):
        pass

    reason = describe_failure(KilledWorker("execute-x"))
    assert f"killed {ALLOWED_FAILURES + 1} grading workers" in reason


def test_course_toml_names_a_scheduler(tmp_path):
    from autograder.config import CourseConfigError, parse_course

    raw = {
        "course": {"id": "c", "title": "C", "repository": "https://example.org/c"},
        "grading": {"scheduler": "tcp://10.0.0.5:8786"},
    }
    assert parse_course(raw, root=tmp_path).scheduler == "tcp://10.0.0.5:8786"
    assert parse_course({"course": raw["course"]}, root=tmp_path).scheduler == ""
    with pytest.raises(CourseConfigError, match="scheduler's address"):
        parse_course({**raw, "grading": {"scheduler": "10.0.0.5"}}, root=tmp_path)
    with pytest.raises(CourseConfigError, match="unknown key"):
        parse_course({**raw, "grading": {"workers": 4}}, root=tmp_path)


def test_one_course_grade_per_workspace(tmp_path):
    import dataclasses

    from autograder.demo import EXAMPLE_COURSE_FILE
    from autograder.grade import _workspace_lock

    course = dataclasses.replace(load_course(EXAMPLE_COURSE_FILE), workspace=tmp_path)
    with (
        _workspace_lock(course),
        pytest.raises(RuntimeError, match="another `course grade` is grading"),
        _workspace_lock(course),
    ):
        pass
    with _workspace_lock(course):  # released: free again
        pass


def test_a_result_is_replaced_whole_or_not_at_all(tmp_path, monkeypatch):
    from autograder.workspace import Layout, SubmissionResult

    layout = Layout(tmp_path)
    first = SubmissionResult("01_x", "ada", status=GRADED, score=3.0)
    layout.write_result(first)

    def crash(*args):
        raise OSError("disk gone")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        layout.write_result(SubmissionResult("01_x", "ada", status=GRADED, score=4.0))
    assert layout.read_result("01_x", "ada").score == 3.0
    assert [p.name for p in layout.results_dir("01_x").iterdir()] == ["ada.json"]
