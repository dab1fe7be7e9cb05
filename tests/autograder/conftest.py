"""The graded demo class of the fixture course, shared by the pipeline's slow tests.

Grading the class takes about a minute, so it is done once per test session, on the one
xdist worker that runs every module marked ``xdist_group("graded_class")``.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import nbformat
import pytest
from support import tight_example_course

from autograder.config import load_course
from autograder.democlass import make_demo_class
from autograder.grade import grade_all
from autograder.release import release_lessons


def write_cheater(perfect: Path, target: Path) -> None:
    """square wrong, hidden behind patched NumPy comparisons; row_means right."""
    notebook = nbformat.read(perfect, as_version=4)
    cell = next(
        c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "square"
    )
    cell.source = (
        "np.allclose = lambda *a, **k: True\n"
        "np.testing.assert_allclose = lambda *a, **k: None\n"
        "np.abs = lambda x: 0 * x\n"
        "def square(x):\n    return x"
    )
    target.parent.mkdir(parents=True)
    nbformat.write(notebook, target)


@pytest.fixture(scope="session")
def graded():
    """The fixture course with tight limits, released, its demo class made and graded.

    It lives under /var/tmp, which the sandbox does not hide by itself (unlike /tmp):
    so the reads-source attack fails only if grading hides the course's own folders.
    """
    base = Path(tempfile.mkdtemp(prefix="course-grade-test-", dir="/var/tmp"))
    config = tight_example_course(base)
    course = load_course(config)
    assert all(r.ok for r in release_lessons(course, course.lessons, run=False))
    (lesson,) = course.lessons
    expected = make_demo_class(course, lesson, course.workspace / "submitted")
    write_cheater(
        course.workspace / "submitted" / "perfect" / lesson.id / f"{lesson.id}.ipynb",
        course.workspace / "submitted" / "cheater" / lesson.id / f"{lesson.id}.ipynb",
    )
    results = {r.student: r for r in grade_all(course, [lesson], jobs=2)}
    yield course, expected, results
    shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server():
    """A throwaway PostgreSQL server for the session (tests/autograder/postgres.py), on a
    Unix socket under /var/tmp; stopped and removed at the end, whatever the tests did.
    ``postgres_server.create_database()`` gives the URL of a fresh database.

    Without PostgreSQL the tests are skipped only where scripts/install-system-packages
    could not have installed it (not root, or not Debian); elsewhere they fail."""
    from postgres import INSTALL_SCRIPT, could_install, missing_reason, start_server

    reason = missing_reason()
    if reason is not None:
        if could_install():
            pytest.fail(f"{reason}: run {INSTALL_SCRIPT} (as root; `make setup` does)", False)
        pytest.skip(f"{reason}, and {INSTALL_SCRIPT} cannot install it here (not root or no "
                    "apt-get): sudo apt-get install postgresql")  # fmt: skip
    server = start_server()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgres_url(postgres_server):
    """The URL of a fresh, empty database on the session's PostgreSQL server."""
    return postgres_server.create_database()
