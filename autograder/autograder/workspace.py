"""The workspace and what grading recorded there: one owner for both.

A course's workspace (``[course] workspace`` in course.toml) holds everything the pipeline
writes. ``Layout`` says where each thing lives, so no module builds these paths by hand:

    workspace/
      submitted/<student>/<lesson>/        what `course collect` put in place (nbgrader's)
      autograded/<student>/<lesson>/       nbgrader's graded copy, hidden tests included
      feedback/<student>/<lesson>.html     the student's page
      results/<lesson>/<student>.json      a ``SubmissionResult``, written atomically
      reviews/<lesson>/<student>.json      `course review`'s decision
      timings/<lesson>.json                test cells' times, measured by `course release`
      export/                              grades.csv and cells.csv (`course export`)
      staging/                             scratch copies made while grading
      grading.lock                         held by the one `course grade` running here
      exchange/, .formgrader/              nbgrader's exchange, the formgrader's settings
      gradebook.db                         nbgrader's gradebook, unless course.toml names
                                           another (SQLite file or PostgreSQL server)

``SubmissionResult`` is what grading one (lesson, student) submission gave; grade writes
it, and export, feedback, report and review read it back through ``Layout``.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit, urlunsplit

# Statuses of a SubmissionResult (what grading did; the execution's own status is in
# ``execution``): graded (scored, whatever the score), missing (nothing handed in),
# invalid (not a readable notebook: graded as the blank copy), error (no trustworthy
# score: the grader or its worker failed).
GRADED, MISSING, INVALID, ERROR = "graded", "missing", "invalid", "error"
HANDED_IN = (GRADED, INVALID)


@dataclass
class SubmissionResult:
    """What grading one (lesson, student) submission gave."""

    lesson: str
    student: str
    status: str  # GRADED, MISSING, INVALID or ERROR
    score: float = 0.0
    max_score: float = 0.0
    reason: str = ""
    execution: str = ""  # the sandbox's status: ok, notebook_timeout, memory, ...
    seconds: float = 0.0  # wall time of the whole grading, preparation to score
    peak_memory_mb: float = 0.0
    sandboxed: bool = False
    findings: list[dict[str, Any]] = field(default_factory=list)
    stopped_cell: int | None = None  # the cell (index) where execution stopped, if it did
    stop_cause: str = ""  # finer than execution: e.g. "unresponsive" (see ExecutionResult)
    # Crashes the notebook recovered from and outputs cut, as the sandbox's ExecutionResult
    # gives them (cell indices of the graded notebook, canaries removed):
    restarts: list[dict[str, Any]] = field(default_factory=list)  # cell, status, limit...
    truncated: list[dict[str, Any]] = field(default_factory=list)  # cell, scope, limit_mb
    unrecovered: str = ""  # why a crash ended the notebook: limit, time, start, replay
    canaries: dict[str, Any] = field(default_factory=dict)  # planted, ran, passed
    tampered: bool = False  # a canary passed: the kernel interfered with the tests
    withheld: str = ""  # why the autograded score is withheld until `course review`
    notes: list[str] = field(default_factory=list)  # what grading repaired, e.g. copied cells
    submission_sha256: str = ""  # of the submitted notebook: a review holds for it only
    fingerprint: str = ""  # of notebook, lesson and limits: a re-run skips it when unchanged
    worker: str = ""  # the Dask worker that executed it
    # prepare, execute (from hand-over to result: queueing included), run (the sandbox's
    # own time on the worker), score:
    step_seconds: dict[str, float] = field(default_factory=dict)

    @property
    def flagged(self) -> bool:
        return bool(self.findings) or self.tampered

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1, sort_keys=True)

    @classmethod
    def from_dict(cls, raw: Any) -> SubmissionResult:
        """A result from its JSON form; unknown keys (from a newer or older version) are
        dropped, missing ones take their defaults. Raises ValueError when it is not one."""
        if not isinstance(raw, dict):
            raise ValueError("not a JSON object")
        known = {f.name for f in fields(cls)}
        missing = {"lesson", "student", "status"} - raw.keys()
        if missing:
            raise ValueError(f"no {', '.join(sorted(missing))}")
        result = cls(**{key: value for key, value in raw.items() if key in known})
        if not isinstance(result.findings, list) or not isinstance(result.canaries, dict):
            raise ValueError("findings or canaries of the wrong type")
        result.score = float(result.score or 0.0)
        result.max_score = float(result.max_score or 0.0)
        return result


@dataclass(frozen=True)
class Layout:
    """Where each thing lives in a workspace (see the module's docstring)."""

    root: Path

    @property
    def submitted_root(self) -> Path:
        return self.root / "submitted"

    def submitted(self, student: str, lesson: str) -> Path:
        return self.submitted_root / student / lesson

    def submitted_notebook(self, student: str, lesson: str) -> Path:
        return self.submitted(student, lesson) / f"{lesson}.ipynb"

    def autograded_notebook(self, student: str, lesson: str) -> Path:
        return self.root / "autograded" / student / lesson / f"{lesson}.ipynb"

    @property
    def feedback_root(self) -> Path:
        return self.root / "feedback"

    def feedback_page(self, student: str, lesson: str) -> Path:
        return self.feedback_root / student / f"{lesson}.html"

    @property
    def results_root(self) -> Path:
        return self.root / "results"

    def results_dir(self, lesson: str) -> Path:
        return self.results_root / lesson

    def result_path(self, lesson: str, student: str) -> Path:
        return self.results_dir(lesson) / f"{student}.json"

    def review_path(self, lesson: str, student: str) -> Path:
        return self.root / "reviews" / lesson / f"{student}.json"

    def timings_path(self, lesson: str) -> Path:
        return self.root / "timings" / f"{lesson}.json"

    @property
    def staging(self) -> Path:
        return self.root / "staging"

    @property
    def export(self) -> Path:
        return self.root / "export"

    @property
    def grading_lock(self) -> Path:
        return self.root / "grading.lock"

    def submitters(self) -> set[str]:
        """Everyone with a folder under submitted/."""
        folder = self.submitted_root
        return {p.name for p in folder.iterdir() if p.is_dir()} if folder.is_dir() else set()

    def read_result(self, lesson: str, student: str) -> SubmissionResult | None:
        """The last grading's result, or None when there is none (or it is unreadable)."""
        try:
            raw = json.loads(self.result_path(lesson, student).read_text(encoding="utf-8"))
            return SubmissionResult.from_dict(raw)
        except (OSError, ValueError, TypeError):
            return None

    def write_result(self, result: SubmissionResult) -> Path:
        """Write ``result`` atomically: readers see the old file or the new one, whole,
        even when this process dies halfway (the file is replaced, never rewritten)."""
        path = self.result_path(result.lesson, result.student)
        write_atomically(path, result.to_json())
        return path

    def results(self, lessons: list[str]) -> tuple[list[SubmissionResult], list[str]]:
        """Every results file of these lessons, and a warning for each unreadable one."""
        found, warnings = [], []
        for lesson in lessons:
            folder = self.results_dir(lesson)
            for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
                if path.name.startswith("."):  # a temporary file of write_atomically
                    continue
                try:
                    result = SubmissionResult.from_dict(json.loads(path.read_text("utf-8")))
                except (OSError, ValueError, TypeError) as error:
                    warnings.append(f"{path}: unreadable results file ({error}); left out")
                    continue
                # The file's place says whose it is, whatever its content claims.
                result.lesson, result.student = lesson, path.stem
                found.append(result)
        return found, warnings

    def graded_students(self, lessons: list[str]) -> set[str]:
        """Everyone with a results file in one of these lessons."""
        students: set[str] = set()
        for lesson in lessons:
            folder = self.results_dir(lesson)
            if folder.is_dir():
                students |= {p.stem for p in folder.glob("*.json") if not p.name.startswith(".")}
        return students


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` in one step (temporary file, fsync, rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def counted_score(submission: Any, points: float | None = None) -> float:
    """The score of an nbgrader submission as the course counts it: its points (default:
    nbgrader's score, the sum of its cells) less the late penalty, taken off once, never
    below 0. Grade, export, feedback and report all count with this."""
    penalty = float(getattr(submission, "late_submission_penalty", None) or 0.0)
    points = float(submission.score or 0.0) if points is None else points
    return max(0.0, points - penalty)


# --------------------------------------------------------------------------- gradebook URL


def sqlite_file(url: str) -> Path | None:
    """The file of an SQLite gradebook URL, None for a server (PostgreSQL...)."""
    return Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None


def gradebook_exists(url: str) -> bool:
    """False for an SQLite file that does not exist yet (opening it would create it); a
    server's database is taken to exist (opening it tells)."""
    file = sqlite_file(url)
    return file is None or file.is_file()


def gradebook_folders(url: str) -> list[Path]:
    """The folders of this machine through which the gradebook is reached, which a
    kernel must not see: an SQLite file's folder, a server's Unix socket folder (libpq's
    ``host=/folder`` in the query, or a host that is a path). A TCP server has none."""
    file = sqlite_file(url)
    if file is not None:
        return [file.parent]
    parts = urlsplit(url)
    host, _, port = parts.netloc.rpartition("@")[2].rpartition(":")
    hosts = [unquote(host if port.isdigit() else parts.netloc.rpartition("@")[2])]
    for key, value in parse_qsl(parts.query):
        if key == "host":
            hosts += value.split(",")
    return list(dict.fromkeys(Path(host) for host in hosts if host.startswith("/")))


def shown_url(url: str) -> str:
    """The URL without its password (in the user part or a ``password=`` query), for
    messages and logs."""
    parts = urlsplit(url)
    if parts.password is None and "password=" not in parts.query:
        return url  # as it is: urlunsplit would drop an SQLite URL's empty host
    netloc = parts.netloc
    if parts.password is not None:
        netloc = netloc.replace(f":{parts.password}@", ":***@", 1)
    query = "&".join(
        "password=***" if item.startswith("password=") else item for item in parts.query.split("&")
    )
    return urlunsplit(parts._replace(netloc=netloc, query=query))
