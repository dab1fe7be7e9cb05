"""A hostile class, graded once through the real pipeline: no cheat raises a grade, nothing
reaches the instructor's machine or the hidden tests, careless hand-ins grade as what they are.

The class (``hostile_cases.CASES``) is the example lesson's perfect submission with its
``square`` answer replaced by an attack and a wrong ``square``: ``row_means`` stays right,
so an attack that gains nothing exports 2 of 4 autograded points (0 when it stops the
kernel), and a withheld one 0. Before grading, canary files are planted where a kernel
must not reach (under /var/tmp, the course root, the workspace, /srv), the test listens on
a Unix socket, and the gradebook gets a sentinel; afterwards every one of them must be as
it was, and no process that grading started may be left.
"""

from __future__ import annotations

import base64
import contextlib
import csv
import hashlib
import json
import os
import re
import secrets
import shutil
import socket
import sqlite3
import stat
import tempfile
import threading
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import psutil
import pytest
from hostile_cases import (
    CASES,
    CLEAN,
    FINDINGS,
    FLAGGED,
    LESSON,
    RESUBMITTED,
    RIGHT_SQUARE,
    TAMPERED,
    Case,
    write_case,
)
from support import tight_example_course

from autograder.config import load_course
from autograder.democlass import make_demo_class
from autograder.export import export_grades
from autograder.feedback import feedback_path, write_feedback
from autograder.grade import grade_all
from autograder.release import release_lessons
from autograder.sandbox import bubblewrap_available

AUTOGRADED_POINTS = 4.0

pytestmark = [
    pytest.mark.slow,
    pytest.mark.xdist_group("hostile_class"),
    pytest.mark.skipif(not bubblewrap_available(), reason="bubblewrap is not available here"),
]

# What of the hidden tests (and of the canaries made from them) must never reach a student.
HIDDEN_SNIPPETS = (
    "square([-2, 0.5])",
    "np.array([4.0, 0.25])",
    "np.array([-2.0, 0.5])",
    "np.arange(6.0).reshape(2, 3)",
    "np.array([1.0, 4.0])",
)
CANARY_SNIPPETS = ("(lambda w: (w == w)",)  # the corrupted expectation of a canary

# Known holes, by test and case: documented, strict (once fixed they fail, so the mark goes).
# Fixed since this suite was written: a dlcourse package shadowed from the working folder
# (the folder is off sys.path and dlcourse.checks is imported before student code), links
# made in the working folder (a finding), and hidden tests carried onto the feedback page
# by a later visible test (no text of a test that ran after a hidden one is shown).
GAINS_HOLES: dict[str, str] = {}
FLAG_HOLES: dict[str, str] = {}
_LINECACHE = (
    "inherent to tests that run in the student's process: IPython caches every cell it runs "
    "in linecache (compiler.cache), test cells included, so code a hidden test calls can "
    "read its source while it runs (as it can read the test's frame and constants); what "
    "it reads cannot leave: feedback shows nothing of a test that ran after a hidden one, "
    "outputs are never shown, the working folder is discarded, there is no network"
)
READABLE_HOLES = {
    "leak-linecache": _LINECACHE,
    "leak-print-and-files": _LINECACHE,
    "leak-exception-name-and-html": _LINECACHE,
    "leak-stashed-for-a-visible-test": _LINECACHE,
}
FEEDBACK_HOLES: dict[str, str] = {}


# --------------------------------------------------------------------------- the class


@dataclass
class Hostile:
    course: object
    base: Path
    token: str
    short: str  # the comm the attacks give the processes they start
    results: dict = field(default_factory=dict)
    grades: dict = field(default_factory=dict)  # grades.csv rows by student
    cells: list = field(default_factory=list)  # cells.csv rows
    feedback_errors: dict = field(default_factory=dict)
    canaries: dict = field(default_factory=dict)  # path -> (bytes, mode, mtime_ns)
    trees: dict = field(default_factory=dict)  # folder -> digest, before grading
    connections: list = field(default_factory=list)  # accepted on the test's sockets
    strays: list = field(default_factory=list)  # processes left after grading
    seconds: float = 0.0
    export_dir: Path | None = None


class SocketTrap:
    """A Unix socket (a path under /var/tmp, and an abstract name) that answers with the
    right ``square``: a kernel that reaches it gains points, and is recorded."""

    def __init__(self, path: Path, abstract: str):
        self.connections: list[str] = []
        self.servers = []
        for address in (str(path), "\0" + abstract):
            server = socket.socket(socket.AF_UNIX)
            server.bind(address)
            server.listen(8)
            server.settimeout(0.2)
            self.servers.append(server)
        if path.exists():
            os.chmod(path, 0o777)
        self.stopping = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self.stopping:
            for server in self.servers:
                with contextlib.suppress(OSError):
                    client, _ = server.accept()
                    self.connections.append(repr(server.getsockname()))
                    with client:
                        client.sendall(RIGHT_SQUARE.encode())

    def close(self):
        self.stopping = True
        self.thread.join(5)
        for server in self.servers:
            server.close()


def _walk(folder: Path) -> list[Path]:
    """Everything under ``folder``, sorted; links are listed, never followed."""
    found = []
    for here, dirnames, filenames in os.walk(folder, followlinks=False):
        found += [Path(here, name) for name in dirnames + filenames]
    return sorted(found)


def _digest(folder: Path) -> str:
    """Names, kinds and contents of everything under ``folder``, links not followed."""
    h = hashlib.sha256()
    for path in _walk(folder):
        info = path.lstat()
        h.update(f"{path.relative_to(folder)}\0{stat.S_IFMT(info.st_mode)}\0".encode())
        if stat.S_ISLNK(info.st_mode):
            h.update(os.readlink(path).encode())
        elif stat.S_ISREG(info.st_mode):
            h.update(path.read_bytes())
    return h.hexdigest()


def _snapshot(path: Path):
    info = path.lstat()
    return (path.read_bytes() if stat.S_ISREG(info.st_mode) else None, info.st_mode, info.st_ino)


def _descendants_since(started: float) -> list[psutil.Process]:
    me = psutil.Process()
    found = []
    for child in me.children(recursive=True):
        with contextlib.suppress(psutil.Error):
            if child.create_time() >= started - 1 and "forkserver" not in " ".join(child.cmdline()):
                found.append(child)
    return found


def _marked(short: str) -> list[psutil.Process]:
    found = []
    for process in psutil.process_iter(["name"]):
        if (process.info["name"] or "").startswith(short):
            found.append(process)
    return found


@pytest.fixture(scope="session")
def hostile():
    token = secrets.token_hex(6)
    short = "hst" + token[:8]
    base = Path(tempfile.mkdtemp(prefix="course-hostile-", dir="/var/tmp"))
    config = tight_example_course(base)
    root = config.parents[1]
    course = load_course(config)
    assert all(r.ok for r in release_lessons(course, course.lessons, run=False))
    (lesson,) = course.lessons
    make_demo_class(course, lesson, base / "demo")
    perfect_path = base / "demo" / "perfect" / LESSON / f"{LESSON}.ipynb"
    perfect = nbformat.read(perfect_path, as_version=4)
    state = Hostile(course=course, base=base, token=token, short=short)

    # Canaries where no kernel may reach: each holds a right answer to `square`, so a
    # kernel that reads one gains points.
    canary_text = f"{RIGHT_SQUARE}# CANARY-{token}\n".encode()
    planted = {
        "CANARY": Path(f"/var/tmp/hostile-canary-{token}.py"),
        "ROOT_CANARY": root / f"CANARY-{token}.py",
        "WS_CANARY": course.workspace / f"CANARY-{token}.py",
        "SRV_CANARY": Path(f"/srv/hostile-canary-{token}.py"),
    }
    course.workspace.mkdir(parents=True, exist_ok=True)
    for path in planted.values():
        with contextlib.suppress(OSError):  # /srv may not be writable: its read still fails
            path.write_bytes(canary_text)
            path.chmod(0o644)
    trap = SocketTrap(base / "trap.sock", f"hostile-{token}")
    values = {
        "TOKEN": token,
        "SHORT": short,
        "BASE": str(base),
        "GRADEBOOK": course.gradebook_url.removeprefix("sqlite:///"),
        "SOURCE_NB": str(lesson.notebook(course.source)),
        "SOCKET": str(base / "trap.sock"),
        "ABSTRACT": f"hostile-{token}",
        "MEMORY_MB": str(lesson.limits.memory_mb),
        "CANARY_NAME": planted["CANARY"].name,
        **{name: str(path) for name, path in planted.items()},
    }
    submitted = course.workspace / "submitted"
    for name in ("perfect", "resubmission-fails"):
        folder = submitted / name / LESSON
        folder.mkdir(parents=True)
        shutil.copyfile(perfect_path, folder / f"{LESSON}.ipynb")
    # An earlier, perfect, grade of the student whose re-submission cannot be graded.
    (earlier,) = grade_all(course, [lesson], ["resubmission-fails"], jobs=1)
    assert earlier.status == "graded" and earlier.score == AUTOGRADED_POINTS, earlier
    shutil.rmtree(submitted / RESUBMITTED.name)
    for case in CASES:
        write_case(case, perfect, submitted / case.name / LESSON, values)

    from nbgrader.api import Gradebook

    with Gradebook(course.gradebook_url) as gradebook:
        gradebook.update_or_create_student("sentinel", first_name=token, last_name="intact")
    state.canaries = {path: _snapshot(path) for path in planted.values() if path.exists()}
    state.trees = {
        folder: _digest(folder)
        for folder in (root / "source", root / "release", root / "course", submitted)
    }

    started = time.time()
    try:
        results = grade_all(course, [lesson], jobs=2)
        state.seconds = time.time() - started
        state.results = {r.student: r for r in results}
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            state.strays = _marked(short) + _descendants_since(started)
            if not state.strays:
                break
            time.sleep(0.5)
        state.strays = [f"{p.pid} {_describe(p)}" for p in state.strays]
    finally:
        trap.close()
        state.connections = list(trap.connections)

    state.export_dir = base / "export"
    grades_csv, cells_csv = export_grades(course, state.export_dir)
    with grades_csv.open(newline="") as file:
        state.grades = {row["student"]: row for row in csv.DictReader(file)}
    with cells_csv.open(newline="") as file:
        state.cells = list(csv.DictReader(file))
    for student in state.results:
        try:
            write_feedback(course, [LESSON], [student])
        except Exception as error:  # a page that could not be written: the test says so
            state.feedback_errors[student] = f"{type(error).__name__}: {error}"
    if os.environ.get("HOSTILE_SUMMARY"):  # for a person: what each submission got
        summary = {
            student: {
                "raw": r.score, "exported": state.grades[student][LESSON], "status": r.status,
                "execution": r.execution, "tampered": r.tampered, "withheld": r.withheld,
                "rules": sorted({f["rule"] for f in r.findings}), "canaries": r.canaries,
                "seconds": round(r.seconds, 1), "notes": state.grades[student]["notes"],
            }
            for student, r in state.results.items()
        }  # fmt: skip
        summary["_grading_seconds"] = round(state.seconds, 1)
        Path(os.environ["HOSTILE_SUMMARY"]).write_text(json.dumps(summary, indent=1))
    yield state
    for process in _marked(short):
        with contextlib.suppress(psutil.Error):
            process.kill()
    for path in planted.values():
        with contextlib.suppress(OSError):
            path.unlink()
    shutil.rmtree(base, ignore_errors=True)


def _describe(process: psutil.Process) -> str:
    with contextlib.suppress(psutil.Error):
        return f"{process.name()} {' '.join(process.cmdline())[:120]}"
    return "(gone)"


def _exported(state: Hostile, student: str) -> float | None:
    value = state.grades[student][LESSON]
    return None if value == "" else float(value)


def _params(cases: list[Case], holes: dict[str, str] | None = None):
    holes = holes or {}
    return [
        pytest.param(
            case,
            id=case.name,
            marks=[pytest.mark.xfail(strict=True, reason=holes[case.name])]
            if case.name in holes
            else [],
        )
        for case in cases
    ]


ATTACKS = [case for case in CASES if case.group != "careless"]
CARELESS = [case for case in CASES if case.group == "careless" and case is not RESUBMITTED]
LEAKS = [case for case in CASES if case.leaks]


# --------------------------------------------------------------------------- the tests


def test_the_control_submission_gets_full_marks(hostile):
    """The perfect notebook the attacks start from: full autograded marks, not held back
    (so a 2 below is what an attack cost, not a broken pipeline)."""
    result = hostile.results["perfect"]
    assert result.status == "graded" and result.score == AUTOGRADED_POINTS, result
    assert not result.withheld and not result.tampered and not result.findings, result
    assert _exported(hostile, "perfect") == AUTOGRADED_POINTS
    assert result.canaries.get("ran", 0) >= 1, result.canaries  # canaries do run


@pytest.mark.parametrize("case", _params(ATTACKS, GAINS_HOLES))
def test_an_attack_gains_nothing(hostile, case: Case):
    """grades.csv never shows more than the answers behind the attack earned, and 0
    autograded points while the score is withheld."""
    result = hostile.results[case.name]
    assert result.status == case.status, result
    exported = _exported(hostile, case.name)
    assert exported is not None, hostile.grades[case.name]
    assert exported <= case.honest, (exported, result)
    if result.withheld:
        assert exported == 0, (exported, result)
    else:
        assert exported == result.score, (exported, result)
    if case.group != "fake-pass":
        # Nothing outside the sandbox answered: not even the raw score went up.
        assert result.score <= case.honest, result
    if result.score > case.honest:  # the kernel lied: only a withheld score may hide it
        assert result.withheld and result.flagged, result
    if case.execution:
        assert result.execution == case.execution, result
    if result.withheld:
        assert hostile.grades[case.name]["notes"], hostile.grades[case.name]  # says why


@pytest.mark.parametrize(
    "case", _params([c for c in ATTACKS if c.flag], {**GAINS_HOLES, **FLAG_HOLES})
)
def test_an_attack_is_flagged(hostile, case: Case):
    """The attack is caught: a canary passed (tampered) or the scan reported it, and the
    score is withheld until an instructor looks."""
    result = hostile.results[case.name]
    if case.flag == TAMPERED:
        assert result.tampered and result.withheld, result
    elif case.flag == FINDINGS:
        assert result.findings and result.withheld, result
    elif case.flag == FLAGGED:
        assert (result.tampered or result.findings) and result.withheld, result


@pytest.mark.parametrize("case", _params(CARELESS))
def test_a_careless_hand_in_grades_as_what_it_is(hostile, case: Case):
    result = hostile.results[case.name]
    assert result.status == case.status, result
    assert _exported(hostile, case.name) == case.honest, (hostile.grades[case.name], result)
    assert result.score == case.honest, result
    if case.flag == CLEAN:
        assert not result.withheld and not result.tampered and not result.findings, result
    if case.name.startswith("copied-"):
        assert result.notes, result  # says which copy was graded
    if case.status == "invalid":
        assert result.reason, result
        assert "invalid" in hostile.grades[case.name]["notes"], hostile.grades[case.name]


def test_a_failed_regrade_keeps_no_older_grade(hostile):
    """Graded 4/4 earlier; the re-submission cannot be graded: grades.csv shows no score
    and says why, cells.csv too, never the older grade."""
    result = hostile.results[RESUBMITTED.name]
    assert result.status == "error" and result.reason, result
    row = hostile.grades[RESUBMITTED.name]
    assert row[LESSON] == "", row
    assert "error" in row["notes"], row
    cells = [r for r in hostile.cells if r["student"] == RESUBMITTED.name]
    assert cells and all(r["status"] == "error" and r["reason"] for r in cells), cells
    assert all(r["score"] in ("", "0") for r in cells), cells


@pytest.mark.parametrize("case", _params(LEAKS, FEEDBACK_HOLES))
def test_feedback_shows_nothing_the_kernel_produced_for_hidden_tests(hostile, case: Case):
    """The attack put what it found (compressed, as an exception message, a class name,
    printed, displayed) into the hidden-test cells' outputs: none of it, and no line of
    the hidden tests, is on the student's feedback page."""
    assert case.name not in hostile.feedback_errors, hostile.feedback_errors[case.name]
    page = feedback_path(hostile.course, case.name, LESSON).read_text(encoding="utf-8")
    assert hostile.token not in page
    for snippet in (*HIDDEN_SNIPPETS, *CANARY_SNIPPETS):
        assert snippet not in page and _squeeze(snippet) not in _squeeze(page), snippet
    assert "LEAK" not in page


@pytest.mark.parametrize("case", _params([c for c in LEAKS if c.readable], READABLE_HOLES))
def test_the_kernel_cannot_read_the_hidden_tests(hostile, case: Case):
    """What the attack gathered while a hidden test ran (history, notebook files,
    linecache) holds no line of the hidden tests."""
    payloads = _payloads(hostile, case.name)
    assert payloads, "the attack's payload is not in the executed notebook: it did not run"
    for payload in payloads:
        seen = zlib.decompress(base64.b85decode(payload)).decode()
        for snippet in (*HIDDEN_SNIPPETS, *CANARY_SNIPPETS):
            assert snippet not in seen, (snippet, seen[:2000])


def _payloads(hostile: Hostile, student: str) -> list[str]:
    """What the attack put in the outputs of the executed notebook (not in its source)."""
    path = hostile.course.workspace / "autograded" / student / LESSON / f"{LESSON}.ipynb"
    notebook = nbformat.read(path, as_version=4)
    texts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            texts += [output.get("ename", ""), output.get("evalue", ""), output.get("text", "")]
            texts += [str(value) for value in output.get("data", {}).values()]
    pattern = re.compile(rf"LEAK-{hostile.token}:(.+?):END")
    return [found for text in texts for found in pattern.findall(text)]


def test_every_feedback_page_was_written_and_none_leaks(hostile):
    assert not hostile.feedback_errors, hostile.feedback_errors
    for student in set(hostile.results) - set(FEEDBACK_HOLES):  # those: their own test
        page = feedback_path(hostile.course, student, LESSON).read_text(encoding="utf-8")
        assert hostile.token not in page, student
        assert not any(snippet in page for snippet in HIDDEN_SNIPPETS), student


def test_nothing_outside_the_sandbox_changed(hostile):
    for path, before in hostile.canaries.items():
        assert _snapshot(path) == before, path
    for folder, before in hostile.trees.items():
        assert _digest(folder) == before, f"{folder} changed during grading"
    # No file the kernels wrote (named with the token) exists outside them: not in the
    # course, the workspace (autograded/ included), /var/tmp, /tmp or /dev/shm.
    leftovers = []
    for top in (hostile.base, Path("/var/tmp"), Path("/tmp"), Path("/dev/shm")):
        with contextlib.suppress(OSError):
            for entry in top.iterdir() if top != hostile.base else _walk(top):
                if hostile.token in entry.name and "canary" not in entry.name.lower():
                    leftovers.append(str(entry))
    assert not leftovers, leftovers
    # What a kernel left in its working folder is never copied back.
    autograded = hostile.course.workspace / "autograded"
    for name in ("up", "root", "base", "hard.py", "hosts", "gradebook.db"):
        assert not list(autograded.glob(f"*/{LESSON}/{name}")), name
    assert not (autograded / "shadow-dlcourse-written" / LESSON / "dlcourse").exists()


def test_the_gradebook_is_intact(hostile):
    from nbgrader.api import Gradebook

    path = Path(hostile.course.gradebook_url.removeprefix("sqlite:///"))
    assert not path.is_symlink() and path.is_file()
    assert path.read_bytes()[:16] == b"SQLite format 3\0"
    with contextlib.closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    with Gradebook(hostile.course.gradebook_url) as gradebook:
        sentinel = gradebook.find_student("sentinel")
        assert (sentinel.first_name, sentinel.last_name) == (hostile.token, "intact")
        for student, result in hostile.results.items():
            if result.status in ("graded", "invalid"):
                submission = gradebook.find_submission(LESSON, student)
                assert float(submission.score) == result.score, student


def test_no_process_started_by_grading_survives(hostile):
    assert not hostile.strays, hostile.strays


def test_no_kernel_reached_the_host_sockets(hostile):
    assert not hostile.connections, hostile.connections


def test_every_kernel_ran_sandboxed(hostile):
    ran = [r for r in hostile.results.values() if r.execution and r.status == "graded"]
    assert ran and all(r.sandboxed for r in ran), [r.student for r in ran if not r.sandboxed]


def test_review_lists_the_tampered_first_and_accept_releases_the_score(hostile, capsys):
    from autograder import cli

    withheld = [r for r in hostile.results.values() if r.withheld]
    assert withheld, "nothing was withheld"
    assert cli.main(["--config", str(hostile.course.file), "review"]) == cli.EXIT_OK
    listed = [line.split()[0] for line in capsys.readouterr().out.splitlines()[:-1]
              if line and not line.startswith(" ")]  # fmt: skip
    assert set(listed) == {r.student for r in withheld}, listed
    tampered = {r.student for r in withheld if r.tampered}
    assert set(listed[: len(tampered)]) == tampered, listed
    # A flagged submission whose answers are honest: accepted, its points count.
    chosen = next(r for r in withheld if not r.tampered and 0 < r.score <= 2)
    assert _exported(hostile, chosen.student) == 0
    args = ["--config", str(hostile.course.file), "review", LESSON, chosen.student, "--accept"]
    assert cli.main(args) == cli.EXIT_OK
    grades_csv, _ = export_grades(hostile.course, hostile.base / "export-after-review")
    with grades_csv.open(newline="") as file:
        rows = {row["student"]: row for row in csv.DictReader(file)}
    assert float(rows[chosen.student][LESSON]) == chosen.score
    others = [r for r in withheld if r.student != chosen.student]
    assert all(float(rows[r.student][LESSON]) == 0 for r in others)


def _squeeze(text: str) -> str:
    return "".join(text.split())
