"""`course release`: make the student notebooks with nbgrader, then prove them right.

For each lesson:

1. nbgrader's generate_assignment turns ``source/<id>/<id>.ipynb`` into
   ``release/<id>/<id>.ipynb`` (solutions become stubs that raise
   ``NotImplementedError``, hidden tests are removed, outputs cleared) and records the
   lesson in the gradebook.
2. Two cells are added for Colab: an "Open in Colab" badge after the title, and a cell
   before the first code cell that installs ``dlcourse`` when (and only when) it runs in
   Colab. Both have fixed ids so that the release is byte-identical when nothing changed.
   Every test cell whose source has a hidden-tests region is marked
   ``metadata["dlcourse"] = {"hidden_tests": True}`` in the student copy, so that
   ``dlcourse.progress()`` can say which exercises still have hidden tests to come.
   nbgrader reads only ``metadata["nbgrader"]``, so neither its checks nor grading see it.
3. Proofs, each a ``ReleaseProblem`` when it fails:
   - leak scan: no line of a solution or hidden-test region of the source (that does not
     also appear outside those regions) and no nbgrader marker appears in the release;
   - outputs: none, and no execution counts;
   - points: the notebook's graded points equal the lesson's points in course.toml;
   - the instructor copy runs top to bottom with no error;
   - the student copy runs with no syntax error, and each graded test cell that has
     visible test code fails, with ``NotImplementedError`` or ``NameError`` (the stub's
     doing), never with anything else.
"""

from __future__ import annotations

import random
import re
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import nbformat

from autograder import cells
from autograder.config import Course, Lesson, nbgrader_api
from autograder.sandbox import execute_notebook
from autograder.scoring import (
    judge_canaries,
    plant_canaries,
    record_test_timings,
    remove_canaries,
)

BADGE_CELL_ID = "course-colab-badge"
INSTALL_CELL_ID = "course-colab-install"
COLAB_BADGE = "https://colab.research.google.com/assets/colab-badge.svg"

# Errors a blank stub may cause in a test cell: the stub itself, or a name it never defined.
CLEAN_FAILURES = ("NotImplementedError", "NameError")
# Lines this short are too common to call a leak ("return x", "pass", ")").
MIN_LEAK_LINE = 12


@dataclass
class LessonRelease:
    """What releasing one lesson did and found."""

    lesson: str
    notebook: Path | None = None
    problems: list[str] = field(default_factory=list)
    instructor_seconds: float = 0.0
    student_seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems


MOVING_REF_NAMES = frozenset({"main", "master", "trunk", "develop", "dev", "HEAD"})


def ref_kind(root: Path, ref: str) -> str:
    """What ``ref`` (course.toml's ``[course] ref``) is: "commit" (7 to 40 hex digits),
    "tag" or "branch" (as the course folder's git repository knows it, a local branch or
    a remote's; a usual branch name counts as one), or "unknown" (neither here: a tag
    not fetched yet, say)."""
    import re
    import subprocess

    if re.fullmatch(r"[0-9a-f]{7,40}", ref):
        return "commit"
    if ref in MOVING_REF_NAMES:
        return "branch"

    def exists(pattern: str) -> bool:
        try:
            found = subprocess.run(
                ["git", "-C", str(root), "for-each-ref", "--format=%(refname)", pattern],
                capture_output=True, text=True, timeout=30, check=False,
            )  # fmt: skip
        except (OSError, subprocess.SubprocessError):
            return False
        return found.returncode == 0 and bool(found.stdout.strip())

    if exists(f"refs/tags/{ref}"):
        return "tag"
    if exists(f"refs/heads/{ref}") or exists(f"refs/remotes/*/{ref}"):
        return "branch"
    return "unknown"


def ref_problem(course: Course) -> str | None:
    """Why the install line and badges would follow a moving ref, or None.

    A class installs ``dlcourse`` in Colab from ``repository@ref``; a branch gives each
    student whatever it holds the day they open the notebook. A tag or a commit pins it.
    """
    kind = ref_kind(course.root, course.ref)
    if kind != "branch":
        return None
    return (
        f"course.toml's ref {course.ref!r} is a branch: Colab students would install whatever "
        "it holds that day. Tag the term's commit (git tag fall-2026 && git push origin "
        "fall-2026), set ref to the tag, or pass --allow-moving-ref (README, "
        '"Publishing a term")'
    )


def release_lessons(
    course: Course, lessons: Iterable[Lesson], *, run: bool = True, progress: bool = False
) -> list[LessonRelease]:
    """Generate and check each lesson's student notebook; see the module docstring.

    Args:
        run: also execute the instructor and student copies (the slow part).
        progress: show a progress bar on stderr.
    """
    from tqdm import tqdm

    lessons = list(lessons)
    results = []
    bar = tqdm(lessons, desc="release", unit="lesson", disable=not progress)
    for lesson in bar:
        bar.set_postfix_str(lesson.id)
        results.append(release_lesson(course, lesson, run=run))
    return results


def release_lesson(course: Course, lesson: Lesson, *, run: bool = True) -> LessonRelease:
    result = LessonRelease(lesson.id)
    source_path = lesson.notebook(course.source)
    if not source_path.is_file():
        result.problems.append(f"{source_path} does not exist")
        return result
    try:
        source = nbformat.read(source_path, as_version=4)
    except Exception as error:  # any unreadable notebook is the author's to fix
        result.problems.append(f"{source_path} is not a readable notebook: {error}")
        return result

    error = _generate(course, lesson)
    if error:
        result.problems.append(f"nbgrader generate_assignment failed: {error}")
        return result
    release_path = lesson.notebook(course.release)
    student = nbformat.read(release_path, as_version=4)
    add_colab_cells(student, course, lesson, source)
    mark_hidden_tests(source, student)
    nbformat.write(student, release_path)
    result.notebook = release_path

    result.problems += leaks(source, student)
    result.problems += stored_outputs(student)
    result.problems += points_problems(source, lesson)
    if run:
        result.problems += _run_instructor_copy(course, lesson, source_path, result)
        result.problems += _run_student_copy(course, lesson, release_path, result)
    return result


# --------------------------------------------------------------------------- generate


def _generate(course: Course, lesson: Lesson) -> str | None:
    """Run nbgrader's generate_assignment; the error text, or None on success."""
    api = nbgrader_api(course)
    outcome = api.generate_assignment(lesson.id, force=True, create=True)
    if outcome["success"]:
        return None
    return (outcome.get("error") or outcome.get("log") or "no details").strip()[-2000:]


def colab_url(course: Course, lesson: Lesson) -> str | None:
    """The "Open in Colab" link for a lesson, when the repository is on GitHub."""
    parsed = urlparse(course.repository)
    if parsed.netloc != "github.com":
        return None
    notebook = _relative(lesson.notebook(course.release), course.root)
    return f"https://colab.research.google.com/github/{parsed.path.strip('/')}/blob/{course.ref}/{notebook}"


def system_packages(source: nbformat.NotebookNode | None) -> list[str]:
    """The Debian/Ubuntu packages of the datasets that ``source``'s code cells load with
    ``data.load("<name>")`` (``DatasetInfo.system_packages``; the word lists, say)."""
    import re

    from dlcourse import data

    if source is None:
        return []
    packages: list[str] = []
    for cell in source.cells:
        if cell.cell_type != "code":
            continue
        for name in re.findall(r"data\.load\(\s*[\"'](\w+)[\"']", cell.source):
            if name in data.names():
                packages += [p for p in data.info(name).system_packages if p not in packages]
    return packages


def install_cell_source(course: Course, source: nbformat.NotebookNode | None = None) -> str:
    """The Colab-only install cell of a lesson (``source``: its instructor notebook);
    elsewhere it does nothing. Colab lacks some system packages the lesson's datasets
    come from (the word lists): it runs as root on Ubuntu, so the cell installs them."""
    from dlcourse import colab_install_line

    line = colab_install_line(course.repository, course.ref)
    text = (
        "# In Colab, install the course library first (elsewhere this cell does nothing).\n"
        "import sys\n"
        "\n"
        'if "google.colab" in sys.modules:\n'
        f"    {line}"
    )
    packages = " ".join(system_packages(source))
    if packages:
        install = f"apt-get -qq install -y {packages} > /dev/null"
        text += f"\n    !{install} || (apt-get -qq update > /dev/null && {install})"
    return text


def add_colab_cells(
    notebook: nbformat.NotebookNode,
    course: Course,
    lesson: Lesson,
    source: nbformat.NotebookNode | None = None,
) -> None:
    """Insert the badge after the first Markdown cell and the install cell before the
    first code cell; replaces earlier copies, so running it twice changes nothing."""
    notebook.cells = [
        c for c in notebook.cells if c.get("id") not in (BADGE_CELL_ID, INSTALL_CELL_ID)
    ]
    first_code = next((i for i, c in enumerate(notebook.cells) if c.cell_type == "code"), 0)
    install = nbformat.v4.new_code_cell(install_cell_source(course, source))
    install.id = INSTALL_CELL_ID
    install.metadata = {"tags": ["colab"]}
    notebook.cells.insert(first_code, install)
    url = colab_url(course, lesson)
    if url is not None:
        badge = nbformat.v4.new_markdown_cell(f"[![Open In Colab]({COLAB_BADGE})]({url})")
        badge.id = BADGE_CELL_ID
        badge.metadata = {"tags": ["colab"]}
        first_markdown = next(
            (i for i, c in enumerate(notebook.cells) if c.cell_type == "markdown"), -1
        )
        notebook.cells.insert(first_markdown + 1, badge)


def hidden_test_ids(source: nbformat.NotebookNode) -> set[str]:
    """The grade_ids of the source's test cells that hold a hidden-tests region."""
    return {
        cells.grade_id(cell)
        for cell in source.cells
        if cells.is_grade(cell)
        and cells.grade_id(cell)
        and cells.has_region(cells.source_text(cell.source), cells.HIDDEN_TESTS)
    }


def mark_hidden_tests(source: nbformat.NotebookNode, student: nbformat.NotebookNode) -> None:
    """Mark each student test cell whose source cell has hidden tests with
    ``metadata["dlcourse"] = {"hidden_tests": True}`` (and unmark the others); running it
    twice changes nothing."""
    hidden = hidden_test_ids(source)
    for cell in student.cells:
        marks = cell.metadata.get("dlcourse")
        if cells.is_grade(cell) and cells.grade_id(cell) in hidden:
            cell.metadata["dlcourse"] = {**(marks or {}), "hidden_tests": True}
        elif isinstance(marks, dict) and "hidden_tests" in marks:
            del marks["hidden_tests"]
            if not marks:
                del cell.metadata["dlcourse"]


# --------------------------------------------------------------------------- static checks


def secret_lines(source: nbformat.NotebookNode) -> set[str]:
    """Lines that only the instructor may see: inside solution or hidden-test regions
    (a solution cell without a region is secret as a whole), stripped, long enough to
    be telling, and not also present outside those regions.

    Regions are nbgrader's (``autograder.cells``): a line *containing* a delimiter opens
    or closes one, as ``generate_assignment`` reads it; an unmatched delimiter hides the
    rest of the cell here, the reading that keeps the most lines secret.
    """
    secret: set[str] = set()
    public: set[str] = set()
    regions = (cells.SOLUTION, cells.HIDDEN_TESTS)
    for cell in source.cells:
        text = cells.source_text(cell.source)
        whole_cell_secret = cells.is_solution(cell) and not cells.has_region(text, cells.SOLUTION)
        by_region = [list(cells.parts(text, region)) for region in regions]
        for line_parts in zip(*by_region, strict=True):
            kinds = {kind for kind, _ in line_parts}
            if kinds & {"begin", "end"}:
                continue
            stripped = line_parts[0][1].strip()
            (secret if whole_cell_secret or "inside" in kinds else public).add(stripped)
    return {line for line in secret - public if len(line) >= MIN_LEAK_LINE}


def leaks(source: nbformat.NotebookNode, student: nbformat.NotebookNode) -> list[str]:
    """Solution or hidden-test lines, and nbgrader delimiters, found in the student copy."""
    secret = secret_lines(source)
    problems = []
    for index, cell in enumerate(student.cells):
        for number, line in enumerate(cell.source.splitlines(), 1):
            stripped = line.strip()
            where = f"release cell {index} ({_cell_name(cell)}), line {number}"
            if cells.delimiter_in(line):
                problems.append(f"leak: nbgrader marker in {where}: {stripped[:80]}")
            elif stripped in secret:
                problems.append(f"leak: a solution or hidden-test line in {where}: {stripped[:80]}")
    return problems


def stored_outputs(notebook: nbformat.NotebookNode) -> list[str]:
    return [
        f"release cell {i} ({_cell_name(c)}) has outputs or an execution count"
        for i, c in enumerate(notebook.cells)
        if c.cell_type == "code" and (c.get("outputs") or c.get("execution_count") is not None)
    ]


def graded_points(notebook: nbformat.NotebookNode) -> float:
    """Points of every graded cell (autograded tests and manually graded answers)."""
    return sum(
        float(c.metadata.get("nbgrader", {}).get("points", 0) or 0)
        for c in notebook.cells
        if c.metadata.get("nbgrader", {}).get("grade")
    )


def points_problems(source: nbformat.NotebookNode, lesson: Lesson) -> list[str]:
    total = graded_points(source)
    if abs(total - lesson.points) > 1e-9:
        return [
            f"the notebook's graded cells give {total:g} points but course.toml says "
            f"{lesson.points:g}"
        ]
    return []


# --------------------------------------------------------------------------- running


def _run_copy(
    path: Path, lesson: Lesson, label: str, *, canaries: bool = False
) -> tuple[nbformat.NotebookNode, Any, list[str]]:
    """Run a copy of the notebook's folder (the instructor's files are trusted: no
    sandbox); the executed notebook, the run's outcome, and a problem if it stopped.

    With ``canaries``, every test cell that ``course grade`` may copy as a canary is
    copied, and each copy that runs must fail: the proof that a canary never marks an
    honest notebook as tampered. The copies are gone from the executed notebook.
    """
    notebook = nbformat.read(path, as_version=4)
    planted, planted_at = notebook, {}
    if canaries:
        planted, planted_at = plant_canaries(notebook, random.Random(0), count=len(notebook.cells))
    with tempfile.TemporaryDirectory(prefix=f"release-{lesson.id}-") as tmp:
        workdir = Path(tmp) / lesson.id
        shutil.copytree(path.parent, workdir, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        executed, outcome = execute_notebook(
            planted, workdir, lesson.limits, sandbox=False, canaries=planted_at
        )
    stopped = [f"{label}: {outcome.reason}"] if outcome.status != "ok" else []
    if planted_at:
        verdict = judge_canaries(executed, outcome.replies, planted_at)
        stopped += [
            f"{label}: the canary copy of test {name} passed on the solution: its corrupted "
            "check may not run (it must be at the top level or in a loop over a list)"
            for name in verdict.passed
        ]
        executed = remove_canaries(executed, outcome, planted_at)
    return executed, outcome, stopped


def _run_instructor_copy(
    course: Course, lesson: Lesson, source_path: Path, result: LessonRelease
) -> list[str]:
    executed, outcome, problems = _run_copy(source_path, lesson, "instructor copy", canaries=True)
    result.instructor_seconds = outcome.seconds
    if outcome.status == "ok":  # which tests are quick: where grading may put canaries
        record_test_timings(course.workspace, lesson.id, executed, outcome.cell_seconds)
    for index, cell in enumerate(executed.cells):
        error = _error(cell)
        if error:
            problems.append(
                f"instructor copy: cell {index} ({_cell_name(cell)}) fails: {error[0]}: "
                f"{error[1][:200]}"
            )
    return problems


def _run_student_copy(
    course: Course, lesson: Lesson, release_path: Path, result: LessonRelease
) -> list[str]:
    executed, outcome, problems = _run_copy(release_path, lesson, "student copy")
    result.student_seconds = outcome.seconds
    for index, cell in enumerate(executed.cells):
        error = _error(cell)
        name = f"cell {index} ({_cell_name(cell)})"
        if error and error[0] in ("SyntaxError", "IndentationError"):
            problems.append(f"student copy: {name} has a syntax error: {error[1][:200]}")
            continue
        nbgrader = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or not nbgrader.get("grade"):
            continue
        if error is None and cells.has_visible_code(cell.source):
            problems.append(
                f"student copy: test {name} passes on the blank notebook; a test must be "
                "able to fail"
            )
        elif error is not None and error[0] not in CLEAN_FAILURES:
            problems.append(
                f"student copy: test {name} fails with {error[0]} instead of "
                f"{' or '.join(CLEAN_FAILURES)}: {error[1][:200]}"
            )
    return problems


def _error(cell: nbformat.NotebookNode) -> tuple[str, str] | None:
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            return output.get("ename", "Error"), output.get("evalue", "")
    return None


def _cell_name(cell: nbformat.NotebookNode) -> str:
    return cell.metadata.get("nbgrader", {}).get("grade_id") or cell.get("id") or "?"


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return re.sub(r"^/+", "", path.as_posix())
