"""``dlcourse.progress()``: where the notebook stands, from its visible checks.

The last code cell of every lesson is ``dlcourse.progress()``. It finds the notebook's
file (or Colab's live copy), re-runs every graded test cell's visible code in a shallow
copy of the kernel's namespace (output captured, the pass line silent, nothing in the
kernel changed but what the tests themselves change in shared objects) and shows a
table::

    exercise       points  visible checks                      hidden tests
    crop_corner    3       2 of 2 test cells pass
    standardise    4       1 of 2 test cells pass: `z` has ... 1 test cell
    dense_forward  4       not run yet
    question_when  2       written answer: filled in

and one total line, e.g. "Visible checks: 5 of 8 test cells pass (7 of 18 autograded
points); 1 of 2 written answers filled in. Hidden tests run when your notebook is graded."

An exercise is an answer cell (a code cell with nbgrader ``solution: true``); a graded
test cell (``grade: true``) belongs to the answer whose grade_id is the longest prefix of
its own grade_id followed by "_" (``dense_forward_shape`` -> ``dense_forward``). A test
cell is "not run yet" when a function (or name) its answer cell defines is missing from
the kernel, or when it raises NotImplementedError (the stub). A written answer (a
Markdown cell with ``solution`` and ``grade``) is filled in when its text is neither empty
nor nbgrader's stub. Hidden tests still to come are the test cells that ``course release``
marked with ``metadata["dlcourse"]["hidden_tests"]`` (or that still hold a hidden-tests
region, in the instructor's copy).

Where the notebook is found: an explicit path; in Colab, the live notebook
(``google.colab._message.blocking_request("get_ipynb")``); in Jupyter, the
``__session__`` variable or the ``JPY_SESSION_NAME`` environment variable (a path, tried
as given, relative to the working directory, then by its name in the working
directory); in VS Code, ``__vsc_ipynb_file__``. A notebook read from disk is the last
saved version. When none is found (under the grader, for example) it prints one line and
returns at once. It never raises: any failure prints one line.

Introduced in lesson 01_tensors (its last cell).
"""

from __future__ import annotations

import ast
import contextlib
import html
import io
import json
import os
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Exercise", "Report", "TestResult", "WrittenAnswer", "build_report", "progress"]

PASSED = "passed"
FAILED = "failed"
NOT_RUN = "not run yet"
HIDDEN_ONLY = "hidden only"

TEXT_STUB = "YOUR ANSWER HERE"
_HIDDEN_REGION = "BEGIN HIDDEN TESTS"
# A failure's first line is cut to this many characters in the table.
_MESSAGE_WIDTH = 110


@dataclass
class TestResult:
    """One graded test cell."""

    grade_id: str
    points: float
    status: str  # passed, failed, not run yet, hidden only
    message: str = ""  # the first line of the error, for a failure
    hidden_tests: bool = False  # hidden tests in this cell run at grading


@dataclass
class Exercise:
    """An answer cell and its test cells."""

    grade_id: str
    tests: list[TestResult] = field(default_factory=list)

    @property
    def points(self) -> float:
        return sum(test.points for test in self.tests)

    @property
    def visible(self) -> list[TestResult]:
        return [test for test in self.tests if test.status != HIDDEN_ONLY]

    def count(self, status: str) -> int:
        return sum(test.status == status for test in self.tests)

    @property
    def hidden(self) -> int:
        return sum(test.hidden_tests for test in self.tests)

    def summary(self) -> str:
        """ "2 of 3 test cells pass", "not run yet", "no visible checks"..."""
        visible = self.visible
        if not visible:
            return "no visible checks"
        if all(test.status == NOT_RUN for test in visible):
            return NOT_RUN
        passed = self.count(PASSED)
        text = f"{passed} of {len(visible)} test cell{'' if len(visible) == 1 else 's'} pass"
        failed = [test for test in visible if test.status == FAILED]
        not_run = self.count(NOT_RUN)
        if not_run:
            text += f", {not_run} not run yet"
        if failed:
            message = failed[0].message
            if len(message) > _MESSAGE_WIDTH:
                message = message[: _MESSAGE_WIDTH - 3] + "..."
            text += f"; {failed[0].grade_id}: {message}"
        return text


@dataclass
class WrittenAnswer:
    """A manually graded Markdown answer."""

    grade_id: str
    points: float
    filled_in: bool


@dataclass
class Report:
    """What ``progress()`` shows."""

    source: str  # where the notebook came from
    exercises: list[Exercise] = field(default_factory=list)
    written: list[WrittenAnswer] = field(default_factory=list)
    orphans: list[TestResult] = field(default_factory=list)  # tests with no answer cell

    @property
    def tests(self) -> list[TestResult]:
        return [t for e in self.exercises for t in e.tests] + self.orphans

    def total_line(self) -> str:
        tests = self.tests
        visible = [t for t in tests if t.status != HIDDEN_ONLY]
        passed = [t for t in visible if t.status == PASSED]
        points = sum(t.points for t in tests)
        line = (
            f"Visible checks: {len(passed)} of {len(visible)} test cell"
            f"{'' if len(visible) == 1 else 's'} pass ({_num(sum(t.points for t in passed))} of "
            f"{_num(points)} autograded points)"
        )
        if self.written:
            filled = sum(w.filled_in for w in self.written)
            line += (
                f"; {filled} of {len(self.written)} written answer"
                f"{'' if len(self.written) == 1 else 's'} filled in"
            )
        line += "."
        if any(t.hidden_tests or t.status == HIDDEN_ONLY for t in tests):
            line += " Hidden tests run when your notebook is graded."
        return line

    def rows(self) -> list[tuple[str, str, str, str]]:
        """(exercise, points, visible checks, hidden tests) per exercise, then the
        written answers."""
        rows = []
        for exercise in self.exercises:
            hidden = exercise.hidden
            rows.append(
                (
                    exercise.grade_id,
                    _num(exercise.points),
                    exercise.summary(),
                    f"{hidden} test cell{'' if hidden == 1 else 's'}" if hidden else "",
                )
            )
        for test in self.orphans:
            rows.append((test.grade_id, _num(test.points), _status_text(test), ""))
        for answer in self.written:
            state = "filled in" if answer.filled_in else "not filled in yet"
            rows.append((answer.grade_id, _num(answer.points), f"written answer: {state}", ""))
        return rows

    def text(self) -> str:
        header = ("exercise", "points", "visible checks", "hidden tests to come")
        rows = [header, *self.rows()]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        lines = [
            "  ".join([*(row[i].ljust(widths[i]) for i in range(3)), row[3]]).rstrip()
            for row in rows
        ]
        return "\n".join([*lines, self.total_line()])

    def html(self) -> str:
        header = ("exercise", "points", "visible checks", "hidden tests to come")
        cells = "".join(f"<th style='text-align:left'>{html.escape(h)}</th>" for h in header)
        body = []
        for row in self.rows():
            tds = "".join(f"<td style='text-align:left'>{html.escape(value)}</td>" for value in row)
            body.append(f"<tr>{tds}</tr>")
        return (
            f"<table><thead><tr>{cells}</tr></thead><tbody>{''.join(body)}</tbody></table>"
            f"<p>{html.escape(self.total_line())}</p>"
        )


def progress(notebook: str | os.PathLike[str] | None = None) -> None:
    """Show where this notebook stands: every visible check re-run, written answers, and
    the hidden tests still to come (see the module docstring).

    Args:
        notebook: the notebook's path; by default the running notebook is found
            (Colab, JupyterLab and Notebook, VS Code).

    Returns:
        None: the table is displayed (HTML in a notebook, text elsewhere).
    """
    try:
        shell = _shell()
        namespace = shell.user_ns if shell is not None else sys.modules["__main__"].__dict__
        found = find_notebook(notebook, namespace)
        if isinstance(found, str):
            print(found)
            return
        content, source = found
        report = build_report(content, namespace, source=source, shell=shell)
        _show(report, shell)
    except BaseException as error:  # never raise, not even on Ctrl-C in a test cell
        text = str(error).strip().splitlines()
        detail = f": {text[0][:200]}" if text else ""
        print(f"dlcourse.progress() stopped ({type(error).__name__}{detail}).")


# --------------------------------------------------------------------------------------
# Finding the notebook


def find_notebook(
    notebook: str | os.PathLike[str] | None, namespace: dict[str, Any]
) -> tuple[dict[str, Any], str] | str:
    """The notebook's content and where it came from, or the one line saying why not."""
    if notebook is not None:
        path = Path(notebook)
        if not path.is_file():
            return f"dlcourse.progress(): no notebook at {path}."
        return _read(path), str(path)
    if "google.colab" in sys.modules:
        try:
            from google.colab import _message  # type: ignore[import-not-found]

            reply = _message.blocking_request("get_ipynb", timeout_sec=30)
            content = reply["ipynb"] if isinstance(reply, dict) else None
            if isinstance(content, dict) and "cells" in content:
                return content, "Colab"
        except Exception:  # fall through to the other ways, then the one line
            pass
    candidates = [
        namespace.get("__session__"),
        os.environ.get("JPY_SESSION_NAME"),
        namespace.get("__vsc_ipynb_file__"),
    ]
    for candidate in candidates:
        if not isinstance(candidate, str) or not candidate.endswith(".ipynb"):
            continue
        for path in _paths(candidate):
            if path.is_file():
                return _read(path), str(path)
    return (
        "dlcourse.progress(): cannot find this notebook's file here; pass its path, e.g. "
        'dlcourse.progress("01_tensors.ipynb").'
    )


def _paths(name: str) -> list[Path]:
    """A session path as given, relative to the working directory, then by its name."""
    given = Path(name).expanduser()
    cwd = Path.cwd()
    paths = [given, cwd / name.lstrip("/"), cwd / given.name]
    unique = []
    for path in paths:
        if path not in unique:
            unique.append(path)
    return unique


def _read(path: Path) -> dict[str, Any]:
    with open(path, encoding="utf-8") as file:
        return json.load(file)


# --------------------------------------------------------------------------------------
# Building the report


def build_report(
    content: dict[str, Any],
    namespace: dict[str, Any],
    *,
    source: str = "",
    shell: Any = None,
) -> Report:
    """Run the notebook's visible checks against ``namespace`` and collect the results.

    Args:
        content: the notebook as JSON (nbformat 4).
        namespace: the kernel's user namespace (only copies of it are run in).
        source: where the notebook came from, for the report.
        shell: the IPython shell, used to turn magics into Python; None outside IPython.
    """
    cells = [cell for cell in content.get("cells", []) if isinstance(cell, dict)]
    answers: dict[str, set[str]] = {}
    for cell in cells:
        meta = _nbgrader(cell)
        if cell.get("cell_type") == "code" and meta.get("solution") and meta.get("grade_id"):
            answers[str(meta["grade_id"])] = _defined_names(_source(cell))

    report = Report(source=source)
    exercises = {answer: Exercise(answer) for answer in answers}
    report.exercises = list(exercises.values())
    for cell in cells:
        meta = _nbgrader(cell)
        grade_id = str(meta.get("grade_id", ""))
        if cell.get("cell_type") == "markdown" and meta.get("solution") and meta.get("grade"):
            text = _source(cell).strip()
            report.written.append(
                WrittenAnswer(grade_id, _points(meta), bool(text) and text != TEXT_STUB)
            )
            continue
        if cell.get("cell_type") != "code" or not meta.get("grade") or meta.get("solution"):
            continue
        answer = _owner(grade_id, list(answers))
        needed = answers.get(answer, set()) if answer else set()
        result = _run_test(cell, grade_id, _points(meta), needed, namespace, shell)
        if answer is None:
            report.orphans.append(result)
        else:
            exercises[answer].tests.append(result)
    return report


def _owner(test_id: str, answers: list[str]) -> str | None:
    """The answer whose grade_id is the longest prefix of ``test_id`` + "_"."""
    owners = [answer for answer in answers if test_id.startswith(f"{answer}_")]
    return max(owners, key=len) if owners else None


def _run_test(
    cell: dict[str, Any],
    grade_id: str,
    points: float,
    needed: set[str],
    namespace: dict[str, Any],
    shell: Any,
) -> TestResult:
    text = _source(cell)
    hidden = bool((cell.get("metadata") or {}).get("dlcourse", {}).get("hidden_tests")) or (
        _HIDDEN_REGION in text
    )
    result = TestResult(grade_id, points, NOT_RUN, hidden_tests=hidden)
    code = _python(text, shell)
    if not _has_visible_code(code):
        result.status = HIDDEN_ONLY
        return result
    if any(name not in namespace for name in needed):
        return result
    error = _execute(code, grade_id, namespace)
    if error is None:
        result.status = PASSED
    elif isinstance(error, NotImplementedError) or (
        isinstance(error, NameError) and getattr(error, "name", None) in needed
    ):
        result.status = NOT_RUN
    else:
        result.status = FAILED
        lines = str(error).strip().splitlines()
        first = lines[0] if lines else ""
        result.message = f"{type(error).__name__}: {first}"[:300] if first else type(error).__name__
    return result


def _execute(code: str, grade_id: str, namespace: dict[str, Any]) -> BaseException | None:
    """Run a test cell's code in a shallow copy of the namespace, output captured, the
    pass line silent, the global random states kept; the error it raised, or None."""
    from dlcourse import checks

    scope = dict(namespace)
    numpy_state = _numpy_random_state()
    python_state = random.getstate()
    pending = len(checks._state.substitutions)
    sink = io.StringIO()
    try:
        with (
            checks._quiet_count(),
            contextlib.redirect_stdout(sink),
            contextlib.redirect_stderr(sink),
        ):
            exec(compile(code, f"<test cell {grade_id}>", "exec"), scope)  # noqa: S102
    except KeyboardInterrupt:
        raise
    except BaseException as error:  # SystemExit too: a test cell cannot stop the kernel
        return error
    finally:
        while len(checks._state.substitutions) > pending:
            checks._state.substitutions.pop().undo()
        random.setstate(python_state)
        _set_numpy_random_state(numpy_state)
    return None


def _numpy_random_state() -> Any:
    numpy = sys.modules.get("numpy")
    return numpy.random.get_state() if numpy is not None else None


def _set_numpy_random_state(state: Any) -> None:
    if state is not None:
        sys.modules["numpy"].random.set_state(state)


def _python(text: str, shell: Any) -> str:
    """The cell as Python: magics turned into calls when IPython is there, else dropped."""
    if shell is not None:
        try:
            return shell.transform_cell(text)
        except Exception:  # fall back to dropping the magic lines
            pass
    return "\n".join(
        "" if line.lstrip().startswith(("%", "!")) else line for line in text.splitlines()
    )


def _has_visible_code(code: str) -> bool:
    """More than a docstring and comments."""
    try:
        body = ast.parse(code).body
    except SyntaxError:
        return True  # it will fail when run, and say why
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    return bool(body)


def _defined_names(text: str) -> set[str]:
    """The functions and classes an answer cell defines at top level (else the names it
    assigns): what must exist in the kernel for its tests to have run."""
    try:
        body = ast.parse(_python(text, None)).body
    except SyntaxError:
        return set()
    defined = {
        node.name
        for node in body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    }
    if defined:
        return defined
    assigned: set[str] = set()
    for node in body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign | ast.AugAssign):
            targets = [node.target]
        for target in targets:
            if isinstance(target, ast.Name):
                assigned.add(target.id)
    return assigned


def _nbgrader(cell: dict[str, Any]) -> dict[str, Any]:
    meta = (cell.get("metadata") or {}).get("nbgrader") or {}
    return meta if isinstance(meta, dict) else {}


def _source(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _points(meta: dict[str, Any]) -> float:
    try:
        return float(meta.get("points") or 0)
    except (TypeError, ValueError):
        return 0.0


def _num(value: float) -> str:
    return f"{value:g}"


def _status_text(test: TestResult) -> str:
    if test.status == FAILED:
        return f"failed: {test.message}"
    return test.status


# --------------------------------------------------------------------------------------
# Showing it


def _shell() -> Any:
    if "IPython" not in sys.modules:
        return None
    try:
        return sys.modules["IPython"].get_ipython()
    except Exception:
        return None


def _show(report: Report, shell: Any) -> None:
    if shell is not None:
        try:
            from IPython.display import display

            display({"text/html": report.html(), "text/plain": report.text()}, raw=True)
            return
        except Exception:  # print the text instead
            pass
    print(report.text())
