"""The whole pipeline on a PostgreSQL gradebook gives what it gives on SQLite.

The example course (tight limits) is released with `course release`, its demo class made
and graded twice: once on the default SQLite gradebook and once on a fresh database of the
session's throwaway PostgreSQL server (tests/autograder/postgres.py). Then `course
export`, `course report`, `course feedback`, `course review` and the formgrader's API run
on both, and everything they give must be equal. Grading each class takes about a minute,
so it is done once per module.

One more student, ``probes-gradebook``, answers right only where the server's socket
folder is out of sight: a kernel in the sandbox never sees the gradebook.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import pytest
from support import tight_example_course

from autograder import cli
from autograder.config import CourseConfigError, load_course, parse_course
from autograder.democlass import Expected, make_demo_class
from autograder.grade import grade_all
from autograder.sandbox import bubblewrap_available
from autograder.workspace import SubmissionResult, gradebook_folders, shown_url

pytestmark = pytest.mark.xdist_group("postgresql")

PROBER = "probes-gradebook"
AUTOGRADED_POINTS = 4.0  # of the lesson's 5: one is a written answer, graded by hand


@dataclass
class GradedClass:
    config: Path
    results: dict[str, SubmissionResult]
    expected: dict[str, Expected]

    @property
    def course(self):
        return load_course(self.config)

    def run(self, capsys, *args: str) -> str:
        """`course --config <this class> ARGS`: its output (it must succeed)."""
        capsys.readouterr()
        code = cli.main(["--config", str(self.config), *args])
        out, err = capsys.readouterr()
        assert code == 0, f"course {' '.join(args)} exited {code}:\n{out}\n{err}"
        return out


def _graded_class(base: Path, gradebook: str | None, socket_folder: Path) -> GradedClass:
    config = tight_example_course(base)
    if gradebook is not None:
        text = config.read_text()
        config.write_text(text.replace("[course]\n", f'[course]\ngradebook = "{gradebook}"\n', 1))
    assert cli.main(["--config", str(config), "release", "--no-run"]) == 0
    course = load_course(config)
    assert course.gradebook_url == (gradebook or course.gradebook_url)
    (lesson,) = course.lessons
    expected = make_demo_class(course, lesson, course.workspace / "submitted")
    _write_prober(course, lesson, socket_folder)
    results = {r.student: r for r in grade_all(course, [lesson], jobs=2)}
    return GradedClass(config, results, expected)


def _write_prober(course, lesson, socket_folder: Path) -> None:
    """The perfect submission, whose first answer raises where the socket folder shows."""
    perfect = course.workspace / "submitted" / "perfect" / lesson.id / f"{lesson.id}.ipynb"
    notebook = nbformat.read(perfect, as_version=4)
    cell = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("solution"))
    cell.source = (
        f"import os\nassert not os.path.exists({str(socket_folder)!r}), 'the gradebook shows'\n"
        + cell.source
    )
    target = course.workspace / "submitted" / PROBER / lesson.id / f"{lesson.id}.ipynb"
    target.parent.mkdir(parents=True)
    nbformat.write(notebook, target)


@pytest.fixture(scope="module")
def classes(postgres_server):
    """The same demo class graded on SQLite and on PostgreSQL: (sqlite, postgresql)."""
    base = Path(tempfile.mkdtemp(prefix="course-postgresql-test-", dir="/var/tmp"))
    try:
        url = postgres_server.create_database()
        folder = postgres_server.socket_folder
        sqlite = _graded_class(base / "sqlite", None, folder)
        postgresql = _graded_class(base / "postgresql", url, folder)
        yield sqlite, postgresql
    finally:
        shutil.rmtree(base, ignore_errors=True)


# What grading must give alike on both gradebooks (not times, memory or workers).
SAME = (
    "status", "score", "max_score", "reason", "execution", "stop_cause", "stopped_cell",
    "tampered", "withheld", "submission_sha256",
)  # fmt: skip


def _comparable(result: SubmissionResult) -> dict:
    shown = {key: getattr(result, key) for key in SAME}
    shown["rules"] = sorted({finding["rule"] for finding in result.findings})
    return shown


def test_release_puts_the_lesson_in_the_postgresql_database(classes, postgres_server):
    _, postgresql = classes
    course = postgresql.course
    database = urlsplit(course.gradebook_url).path.lstrip("/")
    tables = {row[0] for row in postgres_server.sql(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'", database
    )}  # fmt: skip
    assert {"assignment", "notebook", "grade_cells", "alembic_version"} <= tables
    ((version,),) = postgres_server.sql("SELECT version_num FROM alembic_version", database)
    assert version  # stamped by the `alembic` command nbgrader runs
    assert postgres_server.sql("SELECT name FROM assignment", database) == [("00_fixture",)]
    assert not (course.workspace / "gradebook.db").exists()


def test_the_same_grades_on_sqlite_and_postgresql(classes):
    sqlite, postgresql = classes
    assert set(sqlite.results) == set(postgresql.results) == set(sqlite.expected) | {PROBER}
    for student in sorted(sqlite.results):
        assert _comparable(postgresql.results[student]) == _comparable(sqlite.results[student]), (
            student
        )
    # Grading really ran (equal grades could be equally broken); test_grade.py checks the
    # rest of each student's outcome.
    for student, want in postgresql.expected.items():
        assert postgresql.results[student].status == want.status, student
    scores = {student: result.score for student, result in postgresql.results.items()}
    assert scores["perfect"] == AUTOGRADED_POINTS and scores["blank"] == 0
    assert 0 < scores["partial"] < AUTOGRADED_POINTS
    # The results files are what grade_all returned.
    for student, result in postgresql.results.items():
        path = postgresql.course.workspace / "results" / "00_fixture" / f"{student}.json"
        assert json.loads(path.read_text())["score"] == result.score, student


def test_a_kernel_never_sees_the_gradebooks_socket(classes):
    if not bubblewrap_available():
        pytest.skip("bubblewrap is not available: grading ran without the sandbox")
    for graded in classes:
        prober = graded.results[PROBER]
        assert prober.score == AUTOGRADED_POINTS == graded.results["perfect"].score, prober


def test_every_cell_of_the_gradebooks_is_the_same(classes):
    from nbgrader.api import Gradebook

    cells = []
    for graded in classes:
        with Gradebook(graded.course.gradebook_url) as gradebook:
            submission_cells = {}
            for submission in gradebook.assignment_submissions("00_fixture"):
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        submission_cells[(submission.student_id, grade.name)] = (
                            grade.auto_score, grade.manual_score, grade.needs_manual_grade,
                        )  # fmt: skip
            cells.append(submission_cells)
    assert cells[0] and cells[0] == cells[1]


def test_export_gives_the_same_files(classes, capsys):
    files = []
    for graded in classes:
        graded.run(capsys, "export")
        export = graded.course.workspace / "export"
        files.append({name: (export / name).read_text() for name in ("grades.csv", "cells.csv")})
    assert files[0] == files[1]
    assert "probes-gradebook" in files[1]["grades.csv"]


def test_report_reads_the_postgresql_gradebook(classes, capsys):
    from autograder.report import report_data

    outputs = [graded.run(capsys, "report") for graded in classes]
    assert all("warning" not in out for out in outputs), outputs
    assert outputs[0].split("wrote")[0] == outputs[1].split("wrote")[0]
    data = [report_data(graded.course) for graded in classes]
    for key in ("counts", "flagged", "tests", "grades", "n_students", "students"):
        assert data[0][key] == data[1][key], key
    assert data[1]["tests"] and not data[1]["warnings"]
    assert any(s["manual_pending"] for s in data[1]["submissions"])  # from the gradebook


def test_feedback_gives_the_same_pages(classes, capsys):
    pages = []
    for graded in classes:
        graded.run(capsys, "feedback")
        folder = graded.course.workspace / "feedback"
        pages.append({
            str(path.relative_to(folder)): path.read_text() for path in folder.rglob("*.html")
        })  # fmt: skip
    assert len(pages[0]) == len(classes[0].results)
    assert pages[0] == pages[1]


def test_review_decides_alike_on_both(classes, capsys):
    waiting = [graded.run(capsys, "review") for graded in classes]
    assert waiting[0] == waiting[1] and "fakes-checks" in waiting[1]
    grades = []
    for graded in classes:
        graded.run(capsys, "review", "00_fixture", "patches-allclose", "--accept")
        graded.run(capsys, "export")
        grades.append((graded.course.workspace / "export" / "grades.csv").read_text())
    assert grades[0] == grades[1]


def test_the_formgrader_reads_the_postgresql_gradebook(classes):
    from autograder.formgrader import start

    sqlite, postgresql = classes
    server = start(postgresql.course)
    try:
        request = urllib.request.Request(
            f"{server.base_url}/formgrader/api/submissions/00_fixture",
            headers={"Authorization": f"token {server.token}"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            submissions = json.loads(response.read())
    finally:
        server.stop()
    shown = {s["student"]: s for s in submissions}
    handed_in = {name for name, r in sqlite.results.items() if r.status in ("graded", "invalid")}
    assert handed_in <= set(shown)
    assert shown["perfect"]["score"] == sqlite.results["perfect"].score
    assert shown["perfect"]["needs_manual_grade"]  # its written answer waits for a person
    assert shown["blank"]["score"] == sqlite.results["blank"].score


# --------------------------------------------------------------------------- URLs


def test_a_password_is_never_shown(postgres_server, tmp_path, capsys):
    url = postgres_server.url("no_such_database").replace("postgres@", "postgres:s3cret@")
    config = tight_example_course(tmp_path)
    config.write_text(config.read_text().replace("[course]\n", f'[course]\ngradebook = "{url}"\n'))
    assert cli.main(["--config", str(config), "export"]) == cli.EXIT_PROBLEMS
    out, err = capsys.readouterr()
    assert "s3cret" not in out + err
    assert "cannot use the gradebook postgresql+psycopg://postgres:***@/no_such_database" in err
    assert "does not exist" in err


def test_gradebook_urls_and_their_folders():
    socket = "postgresql+psycopg://u:pw@/gb?host=/var/tmp/pg-x&password=pw"
    assert gradebook_folders(socket) == [Path("/var/tmp/pg-x")]
    assert gradebook_folders("sqlite:////srv/course/gradebook.db") == [Path("/srv/course")]
    assert gradebook_folders("postgresql+psycopg://u@%2Frun%2Fpg/gb") == [Path("/run/pg")]
    assert gradebook_folders("postgresql+psycopg://u:pw@db.example:5432/gb") == []
    assert "pw" not in shown_url(socket)
    assert shown_url("sqlite:////srv/g.db") == "sqlite:////srv/g.db"
    base = {"id": "c", "title": "T", "repository": "https://x/y"}
    with pytest.raises(CourseConfigError, match=r"postgresql\+psycopg") as error:
        parse_course({"course": {**base, "gradebook": "postgresql://u:pw@h/db"}}, root=Path("/"))
    assert ":pw@" not in str(error.value)
