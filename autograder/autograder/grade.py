"""`course grade`: autograde every submission, in parallel, each in its own sandbox.

nbgrader does the grading: its autograde sanitises a submission (clears outputs, puts
the instructor's test cells, hidden tests included, back in place), executes it, scores
each test cell from its outputs and writes the gradebook. The one step replaced is
execution: ``SandboxedExecute`` plants canary tests (``autograder.scoring``), runs the
kernel through ``autograder.sandbox`` (bubblewrap, cgroups, time, memory and output
limits) on a copy of the submission's plain files, never in nbgrader's output folder, then
settles the test cells' outputs so that nbgrader's scoring only gives credit for a clean
pass, and removes the canaries. The nbgrader process itself is trusted and keeps the
gradebook; only the kernel runs the student's code, and nothing it leaves is read back.

Before nbgrader sees a submission, the worker stages a copy of it (plain files only, the
notebook repaired where a student copied a cell, refused when it is too big to parse) and
scans its cells for tampering (``autograder.integrity``).

Each submission is graded by its own worker process (``python -m autograder.grade``,
address space capped), so a submission that breaks anything breaks only its own worker;
the coordinator records a reason and goes on. The coordinator prepares the gradebook
(lessons and students exist) before fanning out, and never runs the same submission twice
at once: nbgrader's check-then-insert on students and submissions races otherwise.

Per submission it writes ``<workspace>/results/<lesson>/<student>.json``: status, score,
reason, where and why execution stopped, time, memory, whether it was sandboxed,
integrity findings, the canaries' verdict and, when a canary passed (*tampered*) or the
scan found anything, why the autograded score is *withheld*: it counts 0 in the export
until ``course review`` accepts it (``autograder.review``). Such submissions are also
marked for manual review in the gradebook (``needs_manual_grade``).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import shutil
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Dict, List, Unicode

from autograder.config import Course, Lesson, load_course, nbgrader_api, nbgrader_config
from autograder.sandbox import Limits, execute_notebook
from autograder.sandbox.bwrap import Staged
from autograder.sandbox.runner import CANARY_MAX_S
from autograder.scoring import (
    judge_canaries,
    plant_canaries,
    quick_tests,
    remove_canaries,
    settle_test_cells,
)

# Margin on top of a lesson's notebook timeout for the worker's own start and nbgrader.
WORKER_GRACE_S = 120


@dataclass
class SubmissionResult:
    """What grading one (lesson, student) submission gave."""

    lesson: str
    student: str
    status: str  # graded, missing, invalid, error
    score: float = 0.0
    max_score: float = 0.0
    reason: str = ""
    execution: str = ""  # the sandbox's status: ok, notebook_timeout, memory, ...
    seconds: float = 0.0
    peak_memory_mb: float = 0.0
    sandboxed: bool = False
    findings: list[dict[str, Any]] = field(default_factory=list)
    stopped_cell: int | None = None  # the cell (index) where execution stopped, if it did
    stop_cause: str = ""  # finer than execution: e.g. "unresponsive" (see ExecutionResult)
    canaries: dict[str, Any] = field(default_factory=dict)  # planted, ran, passed
    tampered: bool = False  # a canary passed: the kernel interfered with the tests
    withheld: str = ""  # why the autograded score is withheld until `course review`
    notes: list[str] = field(default_factory=list)  # what grading repaired, e.g. copied cells
    submission_sha256: str = ""  # of the submitted notebook: a review holds for it only

    @property
    def flagged(self) -> bool:
        return bool(self.findings) or self.tampered


# --------------------------------------------------------------------------- nbgrader step


class SandboxedExecute(NbGraderPreprocessor):
    """nbgrader's execute step, run through ``autograder.sandbox``.

    Configured per lesson by the worker; writes the sandbox's ExecutionResult as JSON to
    ``result_path`` so the worker can report why a notebook stopped.
    """

    limits = Dict(help="autograder.sandbox.Limits as a dict (the lesson's limits)").tag(config=True)
    sandbox = Unicode("auto", help="auto, on or off").tag(config=True)
    result_path = Unicode("").tag(config=True)
    quick_tests = List(Unicode(), help="grade_ids of test cells known to be quick").tag(config=True)
    mask = List(Unicode(), help="folders the kernel must not see").tag(config=True)

    def preprocess(self, nb, resources):
        # nbgrader's output folder holds the sanitised notebook, hidden tests included, and
        # is where nbgrader writes afterwards: the kernel gets neither, only a copy of the
        # folder's other regular files (the student's and the lesson's).
        output_folder = Path(resources.get("metadata", {}).get("path") or ".")
        limits = Limits(**self.limits)
        mode = {"auto": None, "on": True, "off": False}[self.sandbox]
        mask = [Path(folder) for folder in self.mask]
        planted, canaries = plant_canaries(nb, quick=self.quick_tests)
        executed, outcome = execute_notebook(
            planted, output_folder, limits, sandbox=mode, mask=mask, canaries=canaries,
            exclude=("*.ipynb",),
        )  # fmt: skip
        verdict = judge_canaries(executed, outcome.replies, canaries)
        executed = remove_canaries(executed, outcome, canaries)
        settle_test_cells(executed, outcome.replies)
        if self.result_path:
            record = {**asdict(outcome), "canaries": asdict(verdict)}
            Path(self.result_path).write_text(json.dumps(record))
        return executed, resources


def _autograde_config(course: Course, lesson: Lesson, sandbox: str, execution_json: Path):
    from nbconvert.preprocessors import ClearMetadataPreprocessor
    from nbgrader.preprocessors import (
        AssignLatePenalties,
        CheckCellMetadata,
        IgnorePattern,
        LimitOutput,
        SaveAutoGrades,
    )

    c = nbgrader_config(course)
    # nbgrader's own list, with Execute replaced by the sandboxed one.
    c.Autograde.autograde_preprocessors = [
        SandboxedExecute,
        IgnorePattern,
        ClearMetadataPreprocessor,
        LimitOutput,
        SaveAutoGrades,
        AssignLatePenalties,
        CheckCellMetadata,
    ]
    c.SandboxedExecute.limits = asdict(lesson.limits)
    c.SandboxedExecute.quick_tests = sorted(quick_tests(course.workspace, lesson.id, CANARY_MAX_S))
    c.SandboxedExecute.sandbox = sandbox
    c.SandboxedExecute.result_path = str(execution_json)
    c.SandboxedExecute.mask = [str(folder) for folder in hidden_folders(course)]
    return c


def hidden_folders(course: Course) -> list[Path]:
    """What a kernel must not see: the course (source/ has the solutions and hidden
    tests), the workspace (other students, the gradebook) and a SQLite gradebook's folder."""
    from autograder.sandbox import REPOSITORY_ROOT

    folders = [course.root, course.workspace, REPOSITORY_ROOT]
    if course.gradebook_url.startswith("sqlite:///"):
        folders.append(Path(course.gradebook_url.removeprefix("sqlite:///")).parent)
    return list(dict.fromkeys(folder.resolve() for folder in folders))


# --------------------------------------------------------------------------- one submission


def grade_submission(
    course: Course, lesson: Lesson, student: str, sandbox: str
) -> SubmissionResult:
    """Grade one submission in this process (the worker's job); never raises for bad input.

    nbgrader reads a staged copy of the submission (regular files only; the notebook
    repaired where a student copied a cell), never the student's folder itself.
    """
    from autograder.integrity import scan_notebook

    result = SubmissionResult(lesson.id, student, status="graded")
    started = time.monotonic()
    submitted = course.workspace / "submitted" / student / lesson.id
    notebook_path = submitted / f"{lesson.id}.ipynb"
    source = nbformat.read(lesson.notebook(course.source), as_version=4)
    result.max_score = lesson.points

    if not notebook_path.is_file() or notebook_path.is_symlink():
        result.status, result.reason = "missing", "no submission"
        return result
    result.submission_sha256 = hashlib.sha256(notebook_path.read_bytes()).hexdigest()

    config_dir = course.workspace / "results" / lesson.id
    config_dir.mkdir(parents=True, exist_ok=True)
    execution_json = config_dir / f".{student}.execution.json"
    execution_json.unlink(missing_ok=True)
    config = _autograde_config(course, lesson, sandbox, execution_json)
    staged = course.workspace / "staging" / "submitted"
    target = staged / student / lesson.id
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    files = Staged.workdir(submitted, exclude=(f"{lesson.id}.ipynb",))  # plain files only
    try:
        files.copy_to(target)
    finally:
        files.close()
    config.CourseDirectory.submitted_directory = str(staged)

    notebook, problem = read_submission(notebook_path)
    if notebook is None:
        # Graded as the blank student copy: 0 for every test that the stubs fail, and a
        # reason. The student's file stays as it was.
        result.status = "invalid"
        result.reason = f"{problem}; graded as blank"
        shutil.copyfile(lesson.notebook(course.release), target / f"{lesson.id}.ipynb")
    else:
        repaired = repair_copied_cells(notebook)
        if repaired:
            result.notes.append(repaired)
        nbformat.write(notebook, target / f"{lesson.id}.ipynb")
        result.findings = [
            asdict(f) for f in scan_notebook(_without_release_cells(notebook, course), source)
        ]

    outcome = nbgrader_api(course, config).autograde(lesson.id, student, force=True, create=True)
    if not outcome["success"]:
        result.status = "error"
        result.reason = "nbgrader autograde failed: " + _last_line(
            outcome.get("error") or outcome.get("log")
        )
    if execution_json.is_file():
        execution = json.loads(execution_json.read_text())
        execution_json.unlink()
        result.execution = execution["status"]
        result.stopped_cell = execution.get("stopped_cell")
        result.stop_cause = execution.get("cause", "")
        result.peak_memory_mb = execution["peak_memory_mb"]
        result.sandboxed = execution["sandboxed"]
        result.canaries = execution.get("canaries", {})
        if execution["status"] != "ok" and result.status == "graded":
            result.reason = execution["reason"]
    elif result.status == "graded":
        result.status = "error"
        result.reason = "the notebook was not executed (nbgrader stopped before it)"
    result.score = _score(course, lesson.id, student) if result.status != "error" else 0.0
    if result.canaries.get("passed"):
        result.tampered = True
        names = ", ".join(result.canaries["passed"])
        result.withheld = (
            f"a test that must fail passed (a copy of {names} with a wrong expectation): "
            "the notebook's process interfered with the tests"
        )
    elif result.findings:
        result.withheld = f"{len(result.findings)} integrity finding(s) to review"
    if result.withheld or result.findings:
        _mark_for_review(course, lesson.id, student)
    result.seconds = time.monotonic() - started
    return result


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


def _without_release_cells(notebook, course: Course):
    """The submission without the cells `course release` added, when they are unchanged
    (an edited one stays, and is scanned like any cell of the student's)."""
    from autograder.release import BADGE_CELL_ID, INSTALL_CELL_ID, install_cell_source

    expected = {INSTALL_CELL_ID: install_cell_source(course)}
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
            return float(gradebook.find_submission(lesson_id, student).score)
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


def grade_all(
    course: Course,
    lessons: list[Lesson],
    students: list[str] | None = None,
    *,
    jobs: int | None = None,
    sandbox: str = "auto",
    progress: bool = False,
) -> list[SubmissionResult]:
    """Grade every (lesson, student) submission with ``jobs`` worker processes.

    Students default to everyone with a submission in the workspace, plus the roster.
    """
    from tqdm import tqdm

    submitted = course.workspace / "submitted"
    if students is None:
        found = {p.name for p in submitted.iterdir() if p.is_dir()} if submitted.is_dir() else set()
        students = sorted(found | set(course.students() or []))
    _prepare_gradebook(course, lessons, students)
    tasks = [(lesson, student) for lesson in lessons for student in students]
    jobs = max(1, jobs or os.cpu_count() or 1)
    with (
        ThreadPoolExecutor(max_workers=jobs) as pool,
        tqdm(total=len(tasks), desc="grade", unit="notebook", disable=not progress) as bar,
    ):
        futures = {
            task: pool.submit(_run_worker, course, *task, sandbox)
            for task in sorted(tasks, key=lambda task: _expected_cost(course, *task), reverse=True)
        }
        for _ in as_completed(futures.values()):
            bar.update(1)
        results = [futures[task].result() for task in tasks]  # in the course's order
    for result in results:
        path = course.workspace / "results" / result.lesson / f"{result.student}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(asdict(result), indent=1, sort_keys=True))
    return results


def _expected_cost(course: Course, lesson: Lesson, student: str) -> float:
    """Seconds the submission's last grading took (0 when never graded), to start the
    longest first.

    With a few workers, one slow notebook (a loop that runs into the cell timeout) started
    last leaves the other workers idle while it runs; started first, it overlaps with the
    rest. Only a re-grade knows which one that is: a notebook's size says nothing of it.
    """
    result = course.workspace / "results" / lesson.id / f"{student}.json"
    with contextlib.suppress(OSError, ValueError, TypeError, AttributeError):
        return float(json.loads(result.read_text()).get("seconds", 0.0))
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


# Workers start from a fork server that has imported nbgrader and this module once:
# each submission still gets a fresh process (that can be killed), without paying the
# seconds of imports again.
_PRELOAD = ["autograder.grade", "autograder.integrity", "nbgrader.apps", "nbgrader.api"]


def _worker_context():
    import multiprocessing

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_PRELOAD)
    return context


def _run_worker(course: Course, lesson: Lesson, student: str, sandbox: str) -> SubmissionResult:
    out = course.workspace / "results" / lesson.id / f".{student}.worker.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.unlink(missing_ok=True)
    started = time.monotonic()
    limit = lesson.limits.notebook_timeout + WORKER_GRACE_S
    process = _worker_context().Process(
        target=_worker, args=(str(course.file), lesson.id, student, sandbox, str(out))
    )
    process.start()
    process.join(limit)
    if process.is_alive():
        process.kill()
        process.join()
        reason = f"the grading worker ran longer than {limit:.0f} s and was stopped"
    elif out.is_file():
        result = SubmissionResult(**json.loads(out.read_text()))
        out.unlink()
        return result
    else:
        reason = f"the grading worker stopped without a result (exit code {process.exitcode})"
    return SubmissionResult(
        lesson.id, student, status="error", reason=reason, max_score=lesson.points,
        score=0.0, seconds=time.monotonic() - started,
    )  # fmt: skip


# The grading worker is trusted code that reads hostile input (a notebook of any shape, a
# kernel's outputs): its address space is capped, so a notebook that would blow it up
# ends as an "error" result (MemoryError) instead of swapping the machine. The kernel it
# starts gets the limit lifted (autograder.sandbox.runner) and is capped by cgroups.
WORKER_MEMORY_MB = 3072


def cap_own_memory(megabytes: int) -> None:
    """Cap this process's address space (the soft limit only, so a child may lift it)."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = megabytes * 2**20
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _worker(config: str, lesson_id: str, student: str, sandbox: str, out: str) -> None:
    """One submission, in its own process; any failure becomes an "error" result."""
    import warnings

    # nbgrader's gradebook code trips SQLAlchemy's autoflush warnings on every submission;
    # they say nothing about the submission and bury what does on the instructor's terminal.
    warnings.filterwarnings("ignore", module="nbgrader")
    warnings.filterwarnings("ignore", message=".*not in session.*")
    cap_own_memory(WORKER_MEMORY_MB)
    course = load_course(config)
    lesson = course.lesson(lesson_id)
    try:
        result = grade_submission(course, lesson, student, sandbox)
    except Exception as error:  # a bug or a broken gradebook: record it, keep the batch going
        result = SubmissionResult(
            lesson_id, student, status="error", max_score=lesson.points,
            reason=f"grading failed: {type(error).__name__}: {error}"[:500],
        )  # fmt: skip
    Path(out).write_text(json.dumps(asdict(result)))


def main(argv: list[str] | None = None) -> int:
    """The worker: grade one submission and write its SubmissionResult as JSON."""
    parser = argparse.ArgumentParser(prog="python -m autograder.grade")
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--lesson", required=True)
    parser.add_argument("--student", required=True)
    parser.add_argument("--sandbox", choices=["auto", "on", "off"], default="auto")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    _worker(str(args.config), args.lesson, args.student, args.sandbox, str(args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
