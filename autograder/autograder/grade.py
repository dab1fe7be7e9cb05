"""`course grade`: autograde every submission, on Dask workers, each in its own sandbox.

nbgrader does the grading, split in three steps so that only execution leaves this
machine (the coordinator, which alone holds the gradebook and the hidden tests):

1. **prepare** (here): stage a copy of the submission (plain files only, the notebook
   repaired where a student copied a cell, refused when too big to parse), scan it for
   tampering (``autograder.integrity``), and sanitise it with nbgrader's autograde, its
   execute step replaced by ``HoldForExecution``: outputs cleared, the instructor's test
   cells, hidden ones included, back in place; canary tests planted
   (``autograder.scoring``).
2. **execute** (a Dask worker, ``autograder.cluster.execute_task``): the sanitised notebook
   and the lesson's and student's plain files run in the sandbox (bubblewrap, cgroups,
   time, memory and output limits); the executed notebook and its ExecutionResult come
   back.
3. **score** (here, as each result arrives): the canaries are judged and removed, the test
   cells settled so that only a clean pass gives credit, and nbgrader's autograde scores
   the executed notebook without executing it (its ``--no-execute`` path: sanitising
   again changes nothing in a notebook sanitised by the grader, and SaveAutoGrades writes
   the gradebook). Only notebooks executed by the grader after sanitising are scored.

Steps 1 and 3 run in a fresh process each (a fork server that has imported nbgrader
once), with a capped address space: a notebook that breaks nbgrader breaks only that
process, and the run records a reason and goes on. The gradebook is prepared (lessons and
students exist) before fanning out; no (lesson, student) is in two steps at once, and one
workspace is graded by one `course grade` at a time (a lock): nbgrader's check-then-insert
on students and submissions races otherwise.

Nothing is lost and nothing is done twice: each ``SubmissionResult`` is written
atomically to ``results/<lesson>/<student>.json`` the moment it is scored, with a
fingerprint of the submission, the lesson and its limits. A re-run skips a submission
whose fingerprint is unchanged and whose score is in the gradebook (``force`` grades
again); Ctrl-C stops cleanly and the next run resumes.

A result carries status, score, reason, where and why execution stopped, time, memory,
whether it was sandboxed, integrity findings, the canaries' verdict and, when a canary
passed (*tampered*) or the scan found anything, why the autograded score is *withheld*:
it counts 0 in the export until ``course review`` accepts it (``autograder.review``).
Such submissions are also marked for manual review in the gradebook.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import pickle
import shutil
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict
from pathlib import Path
from typing import Any

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import List, Unicode

from autograder.cluster import Progress, dashboard, dask_client, describe_failure, worker_threads
from autograder.config import Course, Lesson, load_course, nbgrader_api, nbgrader_config
from autograder.sandbox import ExecutionResult
from autograder.scoring import (
    judge_canaries,
    plant_canaries,
    quick_tests,
    remove_canaries,
    settle_test_cells,
)
from autograder.workspace import (
    ERROR,
    GRADED,
    INVALID,
    MISSING,
    SubmissionResult,
    counted_score,
    gradebook_folders,
)

# Seconds a prepare or score step may take (nbgrader on one notebook, no execution).
STEP_TIMEOUT_S = 300
# The plain files shipped with a submission (the lesson's and the student's), at most.
MAX_TASK_FILES_MB = 256

# --------------------------------------------------------------------------- nbgrader steps


class HoldForExecution(NbGraderPreprocessor):
    """nbgrader's execute step in the prepare pass: plants the canaries in the sanitised
    notebook and saves it, with the canaries' places, for the worker; executes nothing."""

    quick_tests = List(
        Unicode(), default_value=None, allow_none=True,
        help="grade_ids of the test cells that were quick at release (None: not known)",
    ).tag(config=True)  # fmt: skip
    task_path = Unicode("", help="where the sanitised notebook and canaries go").tag(config=True)

    def preprocess(self, nb, resources):
        planted, canaries = plant_canaries(nb, quick=self.quick_tests)
        record = {"notebook": nbformat.writes(planted), "canaries": canaries}
        Path(self.task_path).write_bytes(pickle.dumps(record))
        return nb, resources


def _sanitise_config(course: Course, lesson: Lesson, submitted: Path, task_path: Path):
    c = nbgrader_config(course)
    c.CourseDirectory.submitted_directory = str(submitted)
    c.Autograde.autograde_preprocessors = [HoldForExecution]
    quick = quick_tests(course.workspace, lesson.id)
    c.HoldForExecution.quick_tests = None if quick is None else sorted(quick)
    c.HoldForExecution.task_path = str(task_path)
    return c


def _score_config(course: Course, executed: Path):
    """nbgrader's own autograde on a notebook the grader executed: its ``--no-execute``."""
    c = nbgrader_config(course)
    c.CourseDirectory.submitted_directory = str(executed)
    c.Execute.enabled = False
    c.ClearOutput.enabled = False
    return c


def hidden_folders(course: Course) -> list[Path]:
    """What a kernel must not see: the course (source/ has the solutions and hidden
    tests), the workspace (other students, the gradebook) and the folders through which
    the gradebook is reached (an SQLite file's, a PostgreSQL server's socket folder)."""
    from autograder.sandbox import REPOSITORY_ROOT

    folders = [course.root, course.workspace, REPOSITORY_ROOT]
    folders += gradebook_folders(course.gradebook_url)
    return list(dict.fromkeys(folder.resolve() for folder in folders))


# --------------------------------------------------------------------------- one submission


def prepare_submission(course: Course, lesson: Lesson, student: str, sandbox: str) -> dict:
    """Step 1, in its own process: stage, scan and sanitise one submission.

    Returns ``result`` (the SubmissionResult so far, as a dict) and ``task``: what the
    worker executes (``autograder.cluster.execute_task``), or None when there is nothing
    to execute (no submission, or nbgrader refused it: ``result`` says why).
    """
    from autograder.integrity import scan_notebook

    layout = course.layout
    result = SubmissionResult(lesson.id, student, status=GRADED, max_score=lesson.points)
    notebook_path = layout.submitted_notebook(student, lesson.id)
    if not notebook_path.is_file() or notebook_path.is_symlink():
        result.status, result.reason = MISSING, "no submission"
        return {"result": asdict(result), "task": None}
    result.submission_sha256 = hashlib.sha256(notebook_path.read_bytes()).hexdigest()

    scratch = _scratch(course, lesson.id, student)
    target = scratch / "submitted" / student / lesson.id
    _stage_files(layout.submitted(student, lesson.id), target, exclude=(f"{lesson.id}.ipynb",))
    notebook, problem = read_submission(notebook_path)
    if notebook is None:
        # Graded as the blank student copy: 0 for every test that the stubs fail, and a
        # reason. The student's file stays as it was.
        result.status = INVALID
        result.reason = f"{problem}; graded as blank"
        shutil.copyfile(lesson.notebook(course.release), target / f"{lesson.id}.ipynb")
    else:
        repaired = repair_copied_cells(notebook)
        if repaired:
            result.notes.append(repaired)
        nbformat.write(notebook, target / f"{lesson.id}.ipynb")
        source = nbformat.read(lesson.notebook(course.source), as_version=4)
        result.findings = [
            asdict(f)
            for f in scan_notebook(_without_release_cells(notebook, course, source), source)
        ]

    held = scratch / "held.pickle"
    config = _sanitise_config(course, lesson, scratch / "submitted", held)
    outcome = nbgrader_api(course, config).autograde(lesson.id, student, force=True, create=True)
    if not outcome["success"] or not held.is_file():
        result.status = ERROR
        result.reason = "nbgrader could not sanitise it: " + _last_line(
            outcome.get("error") or outcome.get("log")
        )
        return {"result": asdict(result), "task": None}
    sanitised = pickle.loads(held.read_bytes())
    autograded = layout.autograded_notebook(student, lesson.id).parent
    task = {
        "lesson": lesson.id,
        "student": student,
        "notebook": sanitised["notebook"],
        "canaries": sanitised["canaries"],
        "files": _read_files(autograded, exclude=("*.ipynb",)),
        "limits": asdict(lesson.limits),
        "sandbox": {"auto": None, "on": True, "off": False}[sandbox],
        "mask": [str(folder) for folder in hidden_folders(course)],
    }
    return {"result": asdict(result), "task": task}


def score_submission(
    course: Course, lesson: Lesson, student: str, result: dict, task: dict, executed: dict
) -> dict:
    """Step 3, in its own process: judge the canaries, settle the test cells and let
    nbgrader score the executed notebook (no execution). Returns the SubmissionResult."""
    result = SubmissionResult.from_dict(result)
    outcome = ExecutionResult(**executed["execution"])
    canaries = {int(k): int(v) for k, v in task["canaries"].items()}
    notebook = nbformat.reads(executed["notebook"], as_version=4)
    verdict = judge_canaries(notebook, outcome.replies, canaries, outcome.cell_seconds)
    notebook = remove_canaries(notebook, outcome, canaries)
    settle_test_cells(notebook, outcome.replies)

    scratch = _scratch(course, lesson.id, student, fresh=False)
    folder = scratch / "executed" / student / lesson.id
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    nbformat.write(notebook, folder / f"{lesson.id}.ipynb")
    timestamp = scratch / "submitted" / student / lesson.id / "timestamp.txt"
    if timestamp.is_file():  # the hand-in time, for nbgrader's late penalty
        shutil.copyfile(timestamp, folder / "timestamp.txt")
    config = _score_config(course, scratch / "executed")
    graded = nbgrader_api(course, config).autograde(lesson.id, student, force=True, create=True)
    if not graded["success"]:
        result.status = ERROR
        result.reason = "nbgrader could not score it: " + _last_line(
            graded.get("error") or graded.get("log")
        )

    result.execution = outcome.status
    result.stopped_cell = outcome.stopped_cell
    result.stop_cause = outcome.cause
    result.restarts = outcome.restarts
    result.truncated = outcome.truncated
    result.unrecovered = outcome.unrecovered
    result.peak_memory_mb = outcome.peak_memory_mb
    result.sandboxed = outcome.sandboxed
    result.canaries = asdict(verdict)
    result.worker = executed.get("worker", "")
    if outcome.status != "ok" and result.status == GRADED:
        result.reason = outcome.reason
    result.score = _score(course, lesson.id, student) if result.status != ERROR else 0.0
    if verdict.tampered:
        result.tampered = True
        result.withheld = verdict.explanation
    elif result.findings:
        result.withheld = f"{len(result.findings)} integrity finding(s) to review"
    if result.withheld or result.findings:
        _mark_for_review(course, lesson.id, student)
    return asdict(result)


def _scratch(course: Course, lesson_id: str, student: str, fresh: bool = True) -> Path:
    """The submission's scratch folder under staging/ (emptied when ``fresh``)."""
    folder = course.layout.staging / lesson_id / student
    if fresh:
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    return folder


def _stage_files(source: Path, target: Path, exclude: tuple[str, ...]) -> None:
    """Copy the plain files of ``source`` to ``target`` (no links, devices or fifos)."""
    from autograder.sandbox.bwrap import Staged

    target.mkdir(parents=True, exist_ok=True)
    files = Staged.workdir(source, exclude=exclude)
    try:
        files.copy_to(target)
    finally:
        files.close()


def _read_files(folder: Path, exclude: tuple[str, ...]) -> dict[str, bytes]:
    """The plain files below ``folder`` as {relative POSIX path: bytes}, for a task."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="grading-files-") as copy:
        _stage_files(folder, Path(copy), exclude)  # the same rules as every other copy
        files, total = {}, 0
        for path in sorted(Path(copy).rglob("*")):
            if path.is_file():
                total += path.stat().st_size
                if total > MAX_TASK_FILES_MB * 2**20:
                    raise ValueError(f"the submission's files are over {MAX_TASK_FILES_MB} MB")
                files[path.relative_to(copy).as_posix()] = path.read_bytes()
    return files


# Caps on what a worker parses (collect refuses such notebooks first; this is the second
# wall, for a folder of submissions put in place by hand).
MAX_NOTEBOOK_BYTES = 64 * 2**20
MAX_CELLS = 5000


def read_submission(path: Path) -> tuple[nbformat.NotebookNode | None, str]:
    """The notebook at ``path``, or None and why it cannot be graded as it is."""
    try:
        size = path.stat().st_size
        if size > MAX_NOTEBOOK_BYTES:
            return None, f"the notebook is {size / 2**20:.0f} MB, over the grader's limit"
        text = path.read_text(encoding="utf-8")
        try:
            raw = json.loads(text)  # counted before nbformat's validation, which costs more
        except ValueError:
            return None, "not a readable notebook (not valid JSON)"
        cells = raw.get("cells") if isinstance(raw, dict) else None
        if not isinstance(cells, list):
            return None, "not a readable notebook (it has no list of cells)"
        if len(cells) > MAX_CELLS:
            return None, f"the notebook has {len(cells)} cells, over the limit of {MAX_CELLS}"
        del raw, cells
        notebook = nbformat.reads(text, as_version=4)
    except Exception as error:  # wrong schema, bad encoding
        return None, f"not a readable notebook ({type(error).__name__})"
    return notebook, ""


def repair_copied_cells(notebook: nbformat.NotebookNode) -> str:
    """Resolve what Jupyter's "copy cell" leaves, in place; say what was done ("" if
    nothing). nbgrader fails a notebook in which two cells share a grade_id or an id.

    The last copy of an nbgrader cell keeps its role (as nbgrader's DeduplicateIds
    would); earlier copies become plain cells of the student's. Repeated cell ids get
    fresh ones.
    """
    seen_grade_ids: set[str] = set()
    copies: list[str] = []
    for cell in reversed(notebook.cells):
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id is None:
            continue
        if grade_id in seen_grade_ids:
            del cell.metadata["nbgrader"]
            copies.append(str(grade_id))
        else:
            seen_grade_ids.add(grade_id)
    seen_ids: set[str] = set()
    for number, cell in enumerate(notebook.cells):
        if "id" in cell:
            if cell.id in seen_ids:
                cell.id = f"copy-{number}-{cell.id}"[:64]
            seen_ids.add(cell.id)
    if not copies:
        return ""
    names = ", ".join(sorted(set(copies)))
    return f"copied cells of {names}: the last copy of each was graded"


def _without_release_cells(notebook, course: Course, source):
    """The submission without the cells `course release` added, when they are unchanged
    (an edited one stays, and is scanned like any cell of the student's)."""
    from autograder.release import BADGE_CELL_ID, INSTALL_CELL_ID, install_cell_source

    expected = {INSTALL_CELL_ID: install_cell_source(course, source)}
    kept = [
        cell
        for cell in notebook.cells
        if not (
            cell.get("id") == BADGE_CELL_ID
            and cell.cell_type == "markdown"
            or cell.get("id") in expected
            and cell.source == expected[cell.get("id")]
        )
    ]
    copy = nbformat.from_dict(dict(notebook))
    copy.cells = kept
    return copy


def _score(course: Course, lesson_id: str, student: str) -> float:
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(course.gradebook_url) as gradebook:
        try:
            return counted_score(gradebook.find_submission(lesson_id, student))
        except MissingEntry:
            return 0.0


def _mark_for_review(course: Course, lesson_id: str, student: str) -> None:
    """Flag every graded cell of the submission, so formgrader lists it for a person."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(course.gradebook_url) as gradebook:
        try:
            submission = gradebook.find_submission(lesson_id, student)
        except MissingEntry:
            return
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                grade.needs_manual_grade = True
        gradebook.db.commit()


def _last_line(text: str | None) -> str:
    lines = [line for line in (text or "").strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else "no details"


# --------------------------------------------------------------------------- the class


class GradingRun(list):
    """The results of a `course grade` run (a list, in the course's order), and how it
    went: ``reused`` how many were unchanged since their last grade and kept,
    ``interrupted`` whether Ctrl-C stopped it (the list then holds what was done)."""

    reused: int = 0
    interrupted: bool = False
    remaining: int = 0
    dashboard: str = ""


def grade_all(
    course: Course,
    lessons: list[Lesson],
    students: list[str] | None = None,
    *,
    jobs: int | None = None,
    sandbox: str = "auto",
    progress: bool = False,
    scheduler: str | None = None,
    force: bool = False,
) -> GradingRun:
    """Grade every (lesson, student) submission; execution on Dask workers.

    Students default to everyone with a submission in the workspace, plus the roster.
    ``scheduler`` (default: course.toml's ``[grading] scheduler``) is a Dask scheduler's
    address; without one, an embedded LocalCluster of ``jobs`` workers (default: the
    CPU count) runs here. ``force`` grades again what is unchanged since its last grade.
    ``progress`` shows a bar on a terminal; otherwise a line a minute goes to stderr
    when the run takes that long.
    """
    layout = course.layout
    if students is None:
        students = sorted(layout.submitters() | set(course.students() or []))
    jobs = max(1, jobs or os.cpu_count() or 1)
    scheduler = course.scheduler if scheduler is None else scheduler
    with _workspace_lock(course):
        shutil.rmtree(layout.staging, ignore_errors=True)  # an earlier run's, if it died
        _prepare_gradebook(course, lessons, students)
        run = GradingRun()
        done: dict[tuple[str, str], SubmissionResult] = {}
        todo = []
        in_gradebook = _graded_in_gradebook(course, lessons)
        for lesson in lessons:
            for student in students:
                mark = fingerprint(course, lesson, student, sandbox)
                kept = None if force else layout.read_result(lesson.id, student)
                if kept and _still_valid(kept, mark, (lesson.id, student) in in_gradebook):
                    done[lesson.id, student] = kept
                else:
                    todo.append((lesson, student, mark))
        run.reused = len(done)
        todo.sort(key=lambda task: _expected_cost(course, task[0], task[1]), reverse=True)
        if todo:
            with dask_client(jobs, scheduler or "") as client:
                run.dashboard = dashboard(client) if scheduler else ""
                if run.dashboard:
                    print(f"course grade: Dask dashboard at {run.dashboard}", file=sys.stderr)
                # Workers elsewhere must not decide "auto" for themselves: one without
                # bubblewrap would run kernels unsandboxed. They get "on" (an error result
                # where bwrap is missing); the local cluster shares this machine's check.
                remote_sandbox = "on" if scheduler and sandbox == "auto" else sandbox
                grader = _Coordinator(course, client, remote_sandbox, jobs)
                run.interrupted = grader.run(todo, done, progress)
        shutil.rmtree(layout.staging, ignore_errors=True)
        run.remaining = len(todo) + run.reused - len(done)
        order = [(lesson.id, student) for lesson in lessons for student in students]
        run.extend(done[key] for key in order if key in done)
        return run


def fingerprint(course: Course, lesson: Lesson, student: str, sandbox: str) -> str:
    """What a grade depends on: the submitted files, the lesson (its source folder, as
    nbgrader's hidden tests come from there), its limits, the sandbox mode and the
    grader's version. Equal fingerprints: grading again would give the same result."""
    from importlib.metadata import version

    digest = hashlib.sha256(f"{version('dlcourse-autograder')}|{sandbox}|".encode())
    digest.update(json.dumps(asdict(lesson.limits), sort_keys=True).encode())
    digest.update(_folder_digest(lesson.notebook(course.source).parent).encode())
    digest.update(_folder_digest(course.layout.submitted(student, lesson.id)).encode())
    return digest.hexdigest()


def _folder_digest(folder: Path) -> str:
    """A hash of the names and contents of the regular files below ``folder``."""
    digest = hashlib.sha256()
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.is_symlink():
                digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _still_valid(kept: SubmissionResult, mark: str, in_gradebook: bool) -> bool:
    """Whether a result can stand for a re-run: same fingerprint, a real grade (errors
    are tried again), and, for a handed-in notebook, its score still in the gradebook."""
    if kept.fingerprint != mark or kept.status == ERROR:
        return False
    return kept.status == MISSING or in_gradebook


def _graded_in_gradebook(course: Course, lessons: list[Lesson]) -> set[tuple[str, str]]:
    from nbgrader.api import Gradebook, MissingEntry

    found = set()
    with Gradebook(course.gradebook_url) as gradebook:
        for lesson in lessons:
            with contextlib.suppress(MissingEntry):
                for submission in gradebook.find_assignment(lesson.id).submissions:
                    found.add((lesson.id, submission.student.id))
    return found


@contextlib.contextmanager
def _workspace_lock(course: Course):
    """One `course grade` per workspace at a time (nbgrader races otherwise)."""
    course.workspace.mkdir(parents=True, exist_ok=True)
    path = course.layout.grading_lock
    with open(path, "a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            holder = lock.read().strip() or "another process"
            raise RuntimeError(
                f"another `course grade` is grading this workspace ({holder}); wait for it"
            ) from None
        lock.seek(0)
        lock.truncate()
        lock.write(f"pid {os.getpid()}")
        lock.flush()
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


class _Coordinator:
    """Feeds the Dask workers and scores what they return, each result written at once.

    One thread per submission in flight (enough to keep every worker busy while others
    prepare or score); prepare and score steps run in child processes, at most
    ``local_jobs`` at a time (this machine's CPUs).
    """

    def __init__(self, course: Course, client: Any, sandbox: str, local_jobs: int) -> None:
        self.course = course
        self.client = client
        self.sandbox = sandbox
        self.local_jobs = max(1, min(local_jobs, os.cpu_count() or 1))
        self.local = threading.Semaphore(self.local_jobs)
        self.stopping = threading.Event()
        self.children: set[Any] = set()
        self.futures: set[Any] = set()
        self.lock = threading.Lock()
        self.done: dict[tuple[str, str], SubmissionResult] = {}  # set by run()
        self.bar: Progress | None = None

    def run(self, todo: list, done: dict, progress: bool) -> bool:
        """Grade ``todo``, adding each result to ``done`` as soon as it is written (so
        ``done`` is exactly what is on disk, even after Ctrl-C); True when Ctrl-C
        stopped it."""
        in_flight = 2 * worker_threads(self.client) + self.local_jobs
        self.done, self.bar = done, Progress(len(todo), terminal=progress)
        pool = ThreadPoolExecutor(max_workers=min(in_flight, 1024), thread_name_prefix="grade")
        try:
            futures = [pool.submit(self.grade_one, *task) for task in todo]
            for future in as_completed(futures):
                future.result()  # a bug of the coordinator's own surfaces here
            return False
        except KeyboardInterrupt:
            self.stop()
            return True
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            self.bar.close()

    def record(self, result: SubmissionResult) -> None:
        """Write ``result`` and count it done (unless the run is stopping)."""
        with self.lock:
            if self.stopping.is_set():
                return
            self.course.layout.write_result(result)
            self.done[result.lesson, result.student] = result
            self.bar.update(failed=result.status == ERROR)

    def stop(self) -> None:
        self.stopping.set()
        with self.lock:
            children, futures = list(self.children), list(self.futures)
        for child in children:
            with contextlib.suppress(Exception):
                child.kill()
        with contextlib.suppress(Exception):
            self.client.cancel(futures)

    def grade_one(self, lesson: Lesson, student: str, mark: str) -> SubmissionResult | None:
        """All three steps for one submission; None when the run is stopping."""
        started = time.monotonic()
        seconds: dict[str, float] = {}
        try:
            prepared = self.timed(seconds, "prepare", self.step, prepare_submission,
                                  lesson, student, self.sandbox)  # fmt: skip
            result, task = prepared["result"], prepared["task"]
            if task is not None:
                executed = self.timed(seconds, "execute", self.execute, task)
                if "execution" in executed:  # the sandbox's own time, without the queue
                    seconds["run"] = float(executed["execution"].get("seconds") or 0.0)
                if "failure" in executed:
                    result = {**result, "status": ERROR, "reason": executed["failure"]}
                else:
                    result = self.timed(seconds, "score", self.step, score_submission,
                                        lesson, student, result, task, executed)  # fmt: skip
            result = SubmissionResult.from_dict(result)
        except _Stopped:
            return None
        except _StepFailed as failure:
            result = SubmissionResult(
                lesson.id, student, status=ERROR, max_score=lesson.points, reason=str(failure)
            )
        if result.status == ERROR:
            result.score = 0.0
        result.fingerprint = mark
        result.seconds = time.monotonic() - started
        result.step_seconds = {name: round(value, 3) for name, value in seconds.items()}
        self.record(result)
        shutil.rmtree(self.course.layout.staging / lesson.id / student, ignore_errors=True)
        return result

    @staticmethod
    def timed(seconds: dict[str, float], name: str, function: Callable, *args: Any) -> Any:
        """``function(*args)``, its wall time added to ``seconds[name]``."""
        started = time.monotonic()
        try:
            return function(*args)
        finally:
            seconds[name] = time.monotonic() - started

    def execute(self, task: dict) -> dict:
        """Step 2 on a Dask worker; ``failure`` says why when it gave no result."""
        from autograder.cluster import execute_task

        if self.stopping.is_set():
            raise _Stopped
        future = self.client.submit(
            execute_task, task, pure=False, key=f"execute-{task['lesson']}-{task['student']}-"
            + hashlib.sha256(os.urandom(16)).hexdigest()[:8],
        )  # fmt: skip
        with self.lock:
            self.futures.add(future)
        try:
            return future.result()
        except Exception as error:
            if self.stopping.is_set():
                raise _Stopped from None
            return {"failure": describe_failure(error)}
        finally:
            with self.lock:
                self.futures.discard(future)
            future.release()

    def step(self, function: Callable, lesson: Lesson, student: str, *args: Any) -> dict:
        """Run a prepare or score step in a fresh child process; its return value."""
        with self.local:
            if self.stopping.is_set():
                raise _Stopped
            scratch = self.course.layout.staging / lesson.id / student
            scratch.mkdir(parents=True, exist_ok=True)
            name = function.__name__
            inbox, outbox = scratch / f"{name}.in", scratch / f"{name}.out"
            inbox.write_bytes(pickle.dumps(args))
            outbox.unlink(missing_ok=True)
            child = _worker_context().Process(
                target=_child, args=(str(self.course.file), name, lesson.id, student, inbox, outbox)
            )
            with self.lock:
                self.children.add(child)
            child.start()
            child.join(STEP_TIMEOUT_S)
            with self.lock:
                self.children.discard(child)
            if child.is_alive():
                child.kill()
                child.join()
                raise _StepFailed(f"{_STEP_WORDS[name]} took longer than {STEP_TIMEOUT_S} s")
        if self.stopping.is_set():
            raise _Stopped
        if not outbox.is_file():
            raise _StepFailed(
                f"{_STEP_WORDS[name]} stopped without a result (exit code {child.exitcode})"
            )
        value = pickle.loads(outbox.read_bytes())  # written by our own child, not a kernel
        if isinstance(value, str):
            raise _StepFailed(value)
        return value


class _Stopped(Exception):
    """The run is stopping (Ctrl-C): drop this submission, write nothing."""


class _StepFailed(Exception):
    """A prepare or score step gave no result; the message is the reason."""


_STEPS = {"prepare_submission": prepare_submission, "score_submission": score_submission}
_STEP_WORDS = {"prepare_submission": "preparing it", "score_submission": "scoring it"}


def _child(config: str, name: str, lesson_id: str, student: str, inbox: Path, outbox: Path):
    """One step in its own process; any failure becomes a reason (a string)."""
    import signal
    import warnings

    # Ctrl-C is the coordinator's to handle: it kills the steps it no longer wants.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # nbgrader's gradebook code trips SQLAlchemy's autoflush warnings on every submission;
    # they say nothing about the submission and bury what does on the instructor's terminal.
    warnings.filterwarnings("ignore", module="nbgrader")
    warnings.filterwarnings("ignore", message=".*not in session.*")
    cap_own_memory(WORKER_MEMORY_MB)
    try:
        course = load_course(config)
        args = pickle.loads(Path(inbox).read_bytes())
        value: Any = _STEPS[name](course, course.lesson(lesson_id), student, *args)
    except Exception as error:  # a bug, a broken gradebook: record it, keep the batch going
        value = f"{_STEP_WORDS[name]} failed: {type(error).__name__}: {error}"[:500]
    Path(outbox).write_bytes(pickle.dumps(value))


def _expected_cost(course: Course, lesson: Lesson, student: str) -> float:
    """Seconds the submission's last grading took (0 when never graded), to start the
    longest first.

    With a few workers, one slow notebook (a loop that runs into the cell timeout) started
    last leaves the other workers idle while it runs; started first, it overlaps with the
    rest. Only a re-grade knows which one that is: a notebook's size says nothing of it.
    """
    path = course.layout.result_path(lesson.id, student)
    with contextlib.suppress(OSError, ValueError, TypeError, AttributeError):
        return float(json.loads(path.read_text()).get("seconds", 0.0))
    return 0.0


def _prepare_gradebook(course: Course, lessons: list[Lesson], students: list[str]) -> None:
    """Lessons must be released; students are created here, once, before any worker runs."""
    from nbgrader.api import Gradebook, MissingEntry

    nbgrader_api(course)  # puts alembic on PATH and makes the workspace
    with Gradebook(course.gradebook_url) as gradebook:
        for lesson in lessons:
            try:
                gradebook.find_assignment(lesson.id)
            except MissingEntry:
                raise RuntimeError(
                    f"lesson {lesson.id} is not in the gradebook yet: run `course release "
                    f"{lesson.id}` first"
                ) from None
        for student in students:
            gradebook.update_or_create_student(student)


# Steps run in processes from a fork server that has imported nbgrader and this module
# once: each submission still gets fresh processes (that can be killed), without paying
# the seconds of imports again.
# (Measured: a step costs about 1 s more when its imports are left to the step.)
_PRELOAD = [
    "autograder.grade", "autograder.integrity", "autograder.release", "nbgrader.apps",
    "nbgrader.api", "nbgrader.converters", "nbgrader.preprocessors", "nbconvert.exporters",
    "IPython.core.inputtransformer2", "sqlalchemy.dialects.sqlite", "sqlite3", "difflib",
    "dlcourse",  # release's install cell names dlcourse's pinned install line
]  # fmt: skip


def _worker_context():
    import multiprocessing

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_PRELOAD)
    return context


# The grading worker is trusted code that reads hostile input (a notebook of any shape, a
# kernel's outputs): its address space is capped, so a notebook that would blow it up
# ends as an "error" result (MemoryError) instead of swapping the machine. Kernels run
# elsewhere (Dask workers), capped by cgroups.
WORKER_MEMORY_MB = 3072


def cap_own_memory(megabytes: int) -> None:
    """Cap this process's address space (the soft limit only, so a child may lift it)."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = megabytes * 2**20
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
