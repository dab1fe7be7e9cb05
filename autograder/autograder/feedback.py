"""`course feedback`: one self-contained HTML page per student and lesson, safe to hand out.

``<workspace>/feedback/<student>/<lesson>.html`` shows the lesson, the total (with the
points still to be graded by hand), how grading went in plain words, and a table of
every graded cell: its name (the grade_id), the points, and a message.

nbgrader's own feedback is not used: it is the executed notebook, and the executed
notebook holds the hidden tests' source (nbgrader puts it back before running) and
their tracebacks. A page here is built from the gradebook, ``course grade``'s results
and, for a failed autograded test, only the exception name and message (``ename:
evalue``) of the test cell's error output, ANSI codes stripped, cut to
``MESSAGE_CHARS``. Never a traceback, never a cell's source, never a test cell's other
outputs (a student's code can print the hidden tests into them).

Student-controlled text can still quote a hidden test (an exception message raised by
the student's function, an ``assert`` that shows its line). So every message is checked
against the hidden-test lines of the instructor's notebook (``HiddenTests``), and the
finished page is checked again before it is written; a message that quotes one becomes
"a hidden test failed". A page that still quotes one is not written
(``FeedbackLeakError``). Integrity findings are for the instructor and never appear.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

import jinja2
import nbformat

from autograder import cells
from autograder.cells import HIDDEN_TESTS, region_lines, source_text
from autograder.config import Course, Lesson
from autograder.export import (
    CellGrade,
    LessonGrades,
    graded_lessons,
    known_students,
    open_gradebook,
    read_lesson,
)

# nbgrader's delimiters: a line *containing* one opens or closes a region (autograder.cells).
HIDDEN_BEGIN, HIDDEN_END = HIDDEN_TESTS.begin, HIDDEN_TESTS.end
MIN_HIDDEN_LINE = 12  # shorter lines are too common to give a test away
MESSAGE_CHARS = 500
ENAME_CHARS = 80
HIDDEN_TEST_FAILED = "a hidden test failed"
NO_MESSAGE = "a hidden test failed (no message)"
WITHHELD = "(withheld: it quoted a hidden test)"
PENDING = "to be graded by your instructor"

# The errors the sandbox writes into cells when it stops a notebook (autograder.sandbox).
_STOPPED_HERE = {"NotebookTimeout", "MemoryLimit", "OutputLimit", "KernelDied"}
# Errors the grader writes, whose words are its own (a kernel could fake the name, but
# then it only gets one of the grader's fixed sentences shown).
_OURS = {"NotRun", *_STOPPED_HERE}
_ANSI = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC: titles, hyperlinks
    r"|\x1b[@-Z\\-_]?"  # any other escape, or a lone ESC
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_TRACEBACK_LINE = re.compile(r"^\s*(File \"|Traceback \(most recent call last\))")


class FeedbackLeakError(RuntimeError):
    """A finished page still quoted a hidden test; it was not written."""


# --------------------------------------------------------------------------- the guard


def hidden_test_lines(notebook: nbformat.NotebookNode) -> set[str]:
    """Every line inside a hidden-test region of the notebook, stripped, at least
    ``MIN_HIDDEN_LINE`` characters long.

    Regions as nbgrader reads them (``autograder.cells``): any line that contains
    ``BEGIN HIDDEN TESTS`` opens one, whatever comes before it; an unmatched begin hides
    the rest of the cell, the reading that guards the most lines.
    """
    lines: set[str] = set()
    for cell in notebook.cells:
        for line in region_lines(source_text(cell.source), HIDDEN_TESTS):
            stripped = line.strip()
            if len(stripped) >= MIN_HIDDEN_LINE:
                lines.add(stripped)
    return lines


class HiddenTests:
    """Finds hidden-test lines in text: HTML entities decoded, whitespace ignored (so a
    reflowed or re-indented quote is still found)."""

    def __init__(self, lines: Iterable[str]):
        self.lines = sorted({_squeeze(line) for line in lines if _squeeze(line)})

    @classmethod
    def of_lesson(cls, course: Course, lesson: Lesson) -> HiddenTests:
        """The hidden tests of every instructor notebook of the lesson. No notebook there
        is an error: without it nothing could be checked."""
        folder = course.source / lesson.id
        paths = sorted(folder.glob("*.ipynb")) if folder.is_dir() else []
        if not paths:
            raise FileNotFoundError(
                f"no instructor notebook in {folder}: cannot check the feedback of "
                f"{lesson.id} for hidden tests"
            )
        lines: set[str] = set()
        for path in paths:
            lines |= hidden_test_lines(nbformat.read(path, as_version=4))
        return cls(lines)

    def quoted_in(self, text: str | None) -> bool:
        if not text or not self.lines:
            return False
        forms = {_squeeze(html.unescape(text))}
        if "<" in text:  # a page: also with its tags taken out
            forms.add(_squeeze(html.unescape(re.sub(r"<[^>]*>", "", text))))
        return any(line in form for form in forms for line in self.lines)


def _squeeze(text: str) -> str:
    return "".join(text.split())


# --------------------------------------------------------------------------- messages


def clean_text(text: str, limit: int = MESSAGE_CHARS) -> str:
    """Text from a notebook made presentable: ANSI codes and control characters out,
    anything that looks like a traceback cut off, at most ``limit`` characters."""
    text = _CONTROL.sub("", _ANSI.sub("", text.replace("\r\n", "\n").replace("\t", "    ")))
    kept = []
    for line in text.split("\n"):
        if _TRACEBACK_LINE.match(line):
            break
        kept.append(line.rstrip())
    text = "\n".join(kept).strip()
    if len(text) > limit:
        text = text[:limit].rstrip() + " …"
    return text


def error_message(ename: str, evalue: str) -> str:
    """What a student sees of a test's error: ``ename: evalue``, cleaned and cut."""
    name = clean_text(ename or "", ENAME_CHARS) or "Error"
    value = clean_text(evalue or "", MESSAGE_CHARS)
    if not value:
        if name == "AssertionError":
            return NO_MESSAGE
        if name == "NotImplementedError":
            return f"{name} (an answer still has the stub `raise NotImplementedError()`)"
        return name
    return clean_text(f"{name}: {value}", MESSAGE_CHARS)


def _first_error(cell: nbformat.NotebookNode | None) -> nbformat.NotebookNode | None:
    if cell is None:
        return None
    return next((o for o in cell.get("outputs", []) if o.get("output_type") == "error"), None)


NOT_FOUND = "no result: this test's cell was not found in your notebook"
NOT_RUN = "not run: your notebook was stopped before this test (see above)"
STOPPED_HERE = "your notebook was stopped while this test ran (see above)"
RESTARTED_HERE = (
    "Python stopped while this test ran (see above): the test was skipped and the rest of "
    "your notebook was graded"
)
CUT_HERE = "this test printed too much (see above): the rest of its output was dropped"
GRADED_BY_HAND = "graded by your instructor"
# Messages made here with nothing of the student's in them.
_FIXED_MESSAGES = {
    "passed", "partly passed", "did not pass", PENDING, NOT_FOUND, NOT_RUN, STOPPED_HERE,
    RESTARTED_HERE, CUT_HERE, GRADED_BY_HAND, HIDDEN_TEST_FAILED, NO_MESSAGE,
}  # fmt: skip


@dataclass(frozen=True)
class TestInfo:
    """What the instructor's notebook says of one test cell."""

    description: str  # the first line of the test's docstring ("" if none)
    hidden: bool  # it has hidden tests: nothing its run produced may reach the student


def test_infos(course: Course, lesson: Lesson) -> dict[str, TestInfo]:
    """grade_id -> TestInfo for every test cell of the lesson's instructor notebooks."""
    infos: dict[str, TestInfo] = {}
    folder = course.source / lesson.id
    for path in sorted(folder.glob("*.ipynb")) if folder.is_dir() else []:
        for cell in nbformat.read(path, as_version=4).cells:
            if cells.is_test(cell):
                infos[cells.grade_id(cell) or ""] = TestInfo(
                    description=_docstring_line(cell.source),
                    hidden=cells.has_region(cell.source, cells.HIDDEN_TESTS),
                )
    return infos


def _docstring_line(source: str) -> str:
    """The first line of a cell's docstring, or ""."""
    import ast

    try:
        docstring = ast.get_docstring(ast.parse(source)) or ""
    except SyntaxError:
        return ""
    return clean_text(docstring.strip().splitlines()[0] if docstring.strip() else "")


def _test_message(
    grade: CellGrade,
    cell: nbformat.NotebookNode | None,
    found: bool,
    info: TestInfo | None = None,
    after_hidden: bool = True,
    stopped_here: bool = True,
) -> str:
    """The message of an autograded test cell (without its points).

    ``stopped_here``: execution stopped for good in this cell (``stopped_cell``); else a
    crash in it was recovered from (the notebook went on after it).

    Nothing a test's run produced is shown once the kernel may have seen hidden tests
    (``after_hidden``: this test ran after, or in the same run of tests as, the first
    test cell with hidden tests; or the test has hidden tests itself): the student's
    code ran inside it and could have put what it read (the cell's source is in
    IPython's line cache while it runs) into an error message. The instructor's
    description of the test says what it checks instead.
    """
    earned = grade.score - (grade.extra_credit or 0.0)
    full = earned >= grade.max_score > 0
    if grade.auto_score is None and grade.manual_score is None:
        if not found:
            return NOT_FOUND
        return PENDING
    error = _first_error(cell)
    hidden = info is None or info.hidden or after_hidden  # unknown: assume the worst
    if not full and hidden and (error is None or error.get("ename") not in _OURS):
        message = HIDDEN_TEST_FAILED
        if info is not None and info.description:
            message += f" ({info.description})"
    elif error is not None and not full:
        ename, evalue = str(error.get("ename", "")), str(error.get("evalue", ""))
        if ename == "NotRun":
            message = NOT_RUN
        elif ename == "OutputLimit":  # never a stop: the output was cut, the test failed
            message = CUT_HERE
        elif ename in _STOPPED_HERE:
            message = STOPPED_HERE if stopped_here else RESTARTED_HERE
        else:
            message = error_message(ename, evalue)
    elif full:
        message = "passed"
    elif earned > 0:
        message = "partly passed"
    else:
        message = "did not pass"
    if grade.manual_score is not None and grade.manual_score != grade.auto_score:
        message += " (points set by your instructor)"
    return message


# --------------------------------------------------------------------------- status in words


def status_words(
    grades: LessonGrades, lesson: Lesson, notebook: nbformat.NotebookNode | None = None
) -> str:
    """How grading went, in plain words for the student; ``notebook`` (the autograded
    one) names the cell where execution stopped. What happened to single cells (a
    restart, an output cut) is in ``event_notes``.

    Built from the result's fields (``execution``, ``stopped_cell``, ``stop_cause``,
    ``unrecovered``, ``restarts``, ``truncated``), never from its ``reason``."""
    if grades.missing:
        return "No submission was received for this lesson, so there is nothing to grade."
    if grades.status == "invalid":
        return (
            "The file you handed in could not be opened as a Jupyter notebook, so it was "
            "graded as an unanswered copy of the lesson. Hand in the .ipynb file that "
            "Jupyter or Colab saved (File > Download > .ipynb)."
        )
    if grades.status == "withheld":
        return (
            "Your notebook was graded, but its automatic points count only after your "
            "instructor has reviewed it; you will hear from them. The results below are "
            "what the tests gave."
        )
    if grades.status == "error":
        return (
            "Something went wrong on our side while grading your notebook; your "
            "instructor will look into it. The points below may be incomplete."
        )
    execution = grades.execution
    if execution == "invalid":
        return "Your notebook could not be run at all, so none of its tests passed."
    if grades.stopped_cell is None and execution != "notebook_timeout":  # all had their turn
        if recovered(grades) and grades.restarts:
            return (
                "Every cell of your notebook had its turn, but some had a problem (listed "
                "below). A cell that was skipped cost only itself: what it should have "
                "defined was missing afterwards, so only the tests that need it could lose "
                "points."
            )
        if recovered(grades):
            return (
                "Your notebook ran to the end, but some cells printed too much (listed "
                "below): only those cells count as failed."
            )
        return "Your notebook ran to the end; each test's result is below."
    return _stop_words(grades, lesson, notebook)


def recovered(grades: LessonGrades) -> bool:
    """Every code cell had its turn, but a crash was recovered from or an output cut."""
    ran = grades.stopped_cell is None
    ran = ran and grades.execution not in ("", "ok", "invalid", "notebook_timeout")
    return ran and grades.status in ("graded", "withheld")


def _stop_words(
    grades: LessonGrades, lesson: Lesson, notebook: nbformat.NotebookNode | None
) -> str:
    """Execution stopped for good at ``grades.stopped_cell``: where, why, and why no fresh
    kernel went on after it."""
    limits, cell = lesson.limits, grades.stopped_cell
    at = ""
    if notebook is not None and cell is not None and 0 <= cell < len(notebook.cells):
        at = f" at {_cell_label(notebook.cells[cell], cell)}"
    after = "; the cells after it did not run, so their tests score 0."
    execution = grades.execution
    if execution == "notebook_timeout":
        return f"Your notebook ran past its time limit ({limits.notebook_timeout:g} s for " \
               f"the whole notebook) and was stopped{at}{after}"  # fmt: skip
    if execution == "memory":
        words = (
            f"Your notebook used more than {limits.memory_mb} MB of memory and was "
            f"stopped{at}{after}"
        )
    elif execution == "output_limit":  # a result from before outputs were cut, not stopped
        words = (
            f"Your notebook printed more than {limits.output_mb:g} MB of output and was "
            f"stopped{at}{after}"
        )
    elif grades.stop_cause == "unresponsive":
        where = _upper_first(at.removeprefix(" at ")) or "A cell"
        words = (
            f"{where} ran longer than its {limits.cell_timeout:g} s limit and could not "
            f"be interrupted, so your notebook was stopped there{after}"
        )
    elif grades.stop_cause == "failed":
        words = f"Running your notebook failed{at}{after}"
    else:
        words = f"Your notebook's Python kernel stopped (it crashed or exited){at}{after}"
    why = _UNRECOVERED.get(grades.unrecovered, "")
    if grades.unrecovered == "limit":
        restarts = len(grades.restarts)
        if restarts == 0:
            why = "This lesson does not restart a notebook after a crash."
        else:
            times = "once" if restarts == 1 else "twice" if restarts == 2 else f"{restarts} times"
            why = (
                f"It had already been restarted {times} after earlier crashes, the most it may be."
            )
    elif grades.unrecovered == "time":
        why = why.format(seconds=f"{limits.notebook_timeout:g}")
    return f"{words} {why}".strip()


# Why a crash ended the notebook instead of a restart (ExecutionResult.unrecovered).
_UNRECOVERED = {
    "time": (
        "Not enough of the notebook's {seconds} s time limit was left to restart it and go on."
    ),
    "start": "A fresh Python kernel to go on with could not be started.",
    "replay": (
        "A fresh Python kernel was started, but it stopped again while re-running your "
        "earlier cells, so your notebook could not go on."
    ),
}


def event_notes(
    grades: LessonGrades, lesson: Lesson, notebook: nbformat.NotebookNode | None = None
) -> list[str]:
    """One sentence per cell that crashed and was skipped (``restarts``) and per cell whose
    output was cut (``truncated``), in notebook order."""
    if grades.missing or grades.status in ("invalid", "error"):
        return []
    events: list[tuple[int, str]] = []
    for restart in grades.restarts:
        index = _index(restart.get("cell"))
        if index is None:
            continue
        label = _label(notebook, index)
        cause, limit = restart.get("cause") or restart.get("status"), restart.get("limit")
        if cause == "memory":
            mb = _number(limit, lesson.limits.memory_mb)
            what = f"{label} used more than {mb} MB of memory"
        elif cause == "unresponsive":
            seconds = _number(limit, lesson.limits.cell_timeout)
            what = f"{label} ran longer than {seconds} s and could not be interrupted"
        elif cause == "failed":
            what = f"Running {label[0].lower()}{label[1:]} failed"
        else:
            what = f"{label} stopped Python (it crashed or exited)"
        events.append((index, f"{what}; it was skipped and the rest of your notebook was graded."))
    for cut in grades.truncated:
        index = _index(cut.get("cell"))
        if index is None:
            continue
        label = _label(notebook, index)
        if cut.get("scope") == "notebook":
            mb = _number(cut.get("limit_mb"), lesson.limits.output_mb)
            text = (
                f"{label}: your notebook's outputs had passed {mb} MB, so this cell's "
                "output was dropped and it counts as failed."
            )
        else:
            mb = _number(cut.get("limit_mb"), lesson.limits.cell_output_mb)
            text = (
                f"{label} printed more than {mb} MB; the rest of its output was dropped "
                "and it counts as failed."
            )
        events.append((index, text))
    events.sort(key=lambda event: event[0])
    return [text for _, text in events]


def _index(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _number(value: object, default: float) -> str:
    """A limit as the page shows it: 4096, 0.5; ``default`` when the value is not one."""
    if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
        value = default
    return f"{value:g}"


def _label(notebook: nbformat.NotebookNode | None, index: int) -> str:
    """ "Cell 6 (square)", or "Cell 6" when the notebook or the cell is not known."""
    if notebook is not None and index < len(notebook.cells):
        return _upper_first(_cell_label(notebook.cells[index], index))
    return f"Cell {index + 1}"


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _cell_label(cell: nbformat.NotebookNode, index: int) -> str:
    """How the sandbox names a cell: "cell 6 (square)" (1-based, with its grade_id)."""
    grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
    return f"cell {index + 1} ({grade_id})" if grade_id else f"cell {index + 1}"


def _cell_notes(notebook: nbformat.NotebookNode | None) -> list[str]:
    """A note for each of the student's own cells that the sandbox interrupted."""
    notes = []
    pattern = re.compile(r"the cell ran longer than ([\d.]+) s and was interrupted")
    for index, cell in enumerate(notebook.cells if notebook is not None else []):
        nbgrader = cell.metadata.get("nbgrader", {})
        error = _first_error(cell) if cell.cell_type == "code" else None
        if nbgrader.get("grade") or error is None or error.get("ename") != "CellTimeoutError":
            continue
        match = pattern.fullmatch(str(error.get("evalue", "")))
        if match:
            name = nbgrader.get("grade_id")
            where = f"Cell {index + 1}" + (f" ({name})" if name else "")
            notes.append(
                f"{where} ran longer than {match.group(1)} s and was interrupted, so "
                "what it should have defined was missing in the cells after it."
            )
    return notes


# --------------------------------------------------------------------------- the page


@dataclass
class Row:
    name: str
    points: str
    state: str  # pass, partial, fail, pending, info
    message: str
    comment: str = ""

    @property
    def mark(self) -> str:
        return {"pass": "✓", "fail": "✗", "partial": "◐", "pending": "…"}.get(self.state, "")


@dataclass
class Page:
    course_title: str
    lesson_id: str
    lesson_title: str
    student: str
    missing: bool
    score: str
    max_score: str
    pending: str = ""  # "1 point still to be graded by your instructor"
    status: str = ""
    status_state: str = "ok"  # ok, recovered (every cell had its turn, some a problem), bad
    notes: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    comments: list[Row] = field(default_factory=list)


def build_page(
    course: Course,
    lesson: Lesson,
    grades: LessonGrades,
    notebook: nbformat.NotebookNode | None,
) -> Page:
    """The page's content (not yet checked for hidden tests): from the gradebook snapshot
    and the autograded notebook (only its test cells' first error, and sandbox notes)."""
    page = Page(
        course_title=course.title,
        lesson_id=lesson.id,
        lesson_title=lesson.title,
        student=grades.student,
        missing=grades.missing,
        score="–" if grades.score is None else _points(grades.score),
        max_score=_points(grades.max_score),
        status=status_words(grades, lesson, notebook),
    )
    if grades.missing:
        page.status_state = "bad"
        return page
    if recovered(grades) and grades.status == "graded":
        page.status_state = "recovered"  # every cell had its turn; some had a problem
    elif grades.execution not in ("", "ok") or grades.status != "graded":
        page.status_state = "bad"
    else:
        page.status_state = "ok"
    page.notes = event_notes(grades, lesson, notebook) + _cell_notes(notebook)

    by_id = _cells_by_grade_id(notebook)
    stopped_id = None  # the test cell where execution stopped for good, if it was one
    stopped = grades.stopped_cell
    if notebook is not None and stopped is not None and 0 <= stopped < len(notebook.cells):
        stopped_id = cells.grade_id(notebook.cells[stopped])
    infos = test_infos(course, lesson)
    exposed = _after_hidden_tests(notebook, infos)
    pending = 0.0
    for grade in grades.cells:
        extra = f" (+{_points(grade.extra_credit)} extra)" if grade.extra_credit else ""
        earned = grade.score - (grade.extra_credit or 0.0)  # nbgrader's score includes it
        if grade.manual:
            if grade.manual_score is None:
                pending += grade.max_score
                row = Row(grade.name, f"– / {_points(grade.max_score)}", "pending", PENDING)
            else:
                row = Row(
                    grade.name,
                    f"{_points(earned)} / {_points(grade.max_score)}{extra}",
                    _state(earned, grade.max_score),
                    GRADED_BY_HAND,
                )
        else:
            cell = by_id.get(grade.name)
            message = _test_message(
                grade, cell, grade.name in by_id, infos.get(grade.name), grade.name in exposed,
                stopped_here=stopped_id is not None and stopped_id == grade.name,
            )  # fmt: skip
            if message == PENDING:
                pending += grade.max_score
                row = Row(grade.name, f"– / {_points(grade.max_score)}", "pending", message)
            else:
                row = Row(
                    grade.name,
                    f"{_points(earned)} / {_points(grade.max_score)}{extra}",
                    _state(earned, grade.max_score),
                    message,
                )
        row.comment = grade.comment or ""
        page.rows.append(row)
    page.comments = [
        Row(name, "", "info", "", comment) for name, comment in grades.other_comments.items()
    ]
    if pending:
        unit = "point" if pending == 1 else "points"
        page.pending = f"{_points(pending)} {unit} still {PENDING}"
    return page


def _after_hidden_tests(
    notebook: nbformat.NotebookNode | None, infos: dict[str, TestInfo]
) -> set[str]:
    """The test cells (grade_ids) that ran once the kernel may have seen a hidden test:
    from the start of the run of test cells holding the first one with hidden tests (a
    canary copy of it may run anywhere in that run) to the end. Unknown: all of them."""
    if notebook is None:
        return set(infos)
    exposed: set[str] = set()
    run: list[str] = []  # the current run of test cells
    seen = False
    for cell in notebook.cells:
        if cell.cell_type == "code" and not cells.is_test(cell):
            run = []
            continue
        if not cells.is_test(cell):
            continue
        grade_id = cells.grade_id(cell) or ""
        run.append(grade_id)
        info = infos.get(grade_id)
        if seen or info is None or info.hidden:
            if not seen:
                exposed.update(run)
            seen = True
            exposed.add(grade_id)
    return exposed


def _cells_by_grade_id(notebook: nbformat.NotebookNode | None) -> dict[str, nbformat.NotebookNode]:
    cells: dict[str, nbformat.NotebookNode] = {}
    for cell in notebook.cells if notebook is not None else []:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id and grade_id not in cells:
            cells[grade_id] = cell
    return cells


def _state(score: float, max_score: float) -> str:
    if max_score > 0 and score >= max_score:
        return "pass"
    return "partial" if score > 0 else "fail"


def _points(value: float) -> str:
    return f"{value:.4g}"


def guard_page(page: Page, hidden: HiddenTests) -> Page:
    """The page with every text that quotes a hidden test replaced."""
    page = replace(page, rows=[replace(r) for r in page.rows],
                   comments=[replace(r) for r in page.comments])  # fmt: skip
    for row in page.rows:
        if hidden.quoted_in(row.message):
            row.message = HIDDEN_TEST_FAILED
            row.state = "fail" if row.state == "pass" else row.state
        if hidden.quoted_in(row.comment):
            row.comment = WITHHELD
    for row in page.comments:
        if hidden.quoted_in(row.comment):
            row.comment = WITHHELD
    if hidden.quoted_in(page.status):
        page.status = "Your notebook was graded; each test's result is below."
    page.notes = [WITHHELD if hidden.quoted_in(note) else note for note in page.notes]
    return page


def render_page(page: Page, hidden: HiddenTests) -> str:
    """The page as HTML, checked: texts quoting a hidden test are replaced, and the
    finished HTML is scanned again. Raises FeedbackLeakError if it still quotes one."""
    guarded = guard_page(page, hidden)
    text = _template().render(page=guarded, policy=PAGE_POLICY)
    if hidden.quoted_in(text):
        # Something not checked field by field (a title, a cell name?): keep the points,
        # drop every free text.
        for row in guarded.rows + guarded.comments:
            if row.message and row.message not in _FIXED_MESSAGES:
                row.message = "passed" if row.state == "pass" else HIDDEN_TEST_FAILED
            row.comment = WITHHELD if row.comment else ""
        guarded.notes, guarded.status = [], "Your notebook was graded."
        text = _template().render(page=guarded, policy=PAGE_POLICY)
        if hidden.quoted_in(text):
            raise FeedbackLeakError(
                f"the feedback of {page.student} for {page.lesson_id} quotes a hidden test; "
                "it was not written"
            )
    return text


# --------------------------------------------------------------------------- writing


def feedback_path(course: Course, student: str, lesson_id: str) -> Path:
    return course.layout.feedback_page(student, lesson_id)


def write_feedback(
    course: Course,
    lessons: Iterable[Lesson | str] | None = None,
    students: Iterable[str] | None = None,
) -> list[Path]:
    """Write ``<workspace>/feedback/<student>/<lesson>.html`` for each student and lesson.

    Lessons (Lesson objects or ids; default: all) are taken in the course's order, and
    only those graded so far (in the gradebook or with results). Students default to
    everyone in the gradebook plus everyone with a results file; a student with no
    submission gets a page that says so. Returns the pages written, in order.
    """
    chosen = None
    if lessons is not None:
        chosen = course.select([x if isinstance(x, str) else x.id for x in lessons])
    written = []
    with open_gradebook(course) as gradebook:
        lesson_list = graded_lessons(course, gradebook, chosen)
        student_list = sorted(set(students)) if students is not None else None
        if student_list is None:
            student_list = known_students(course, gradebook)
        for student in student_list:
            if not student or "/" in student or "\\" in student or student.startswith("."):
                raise ValueError(f"bad student id {student!r}")
        for lesson in lesson_list:
            hidden = HiddenTests.of_lesson(course, lesson)
            for student in student_list:
                grades = read_lesson(course, gradebook, lesson, student)
                notebook = None if grades.missing else _autograded(course, lesson, student)
                path = feedback_path(course, student, lesson.id)
                try:
                    text = render_page(build_page(course, lesson, grades, notebook), hidden)
                except FeedbackLeakError:
                    path.unlink(missing_ok=True)  # never leave an older page in its place
                    raise
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
                written.append(path)
    return sorted(written)


def _autograded(course: Course, lesson: Lesson, student: str) -> nbformat.NotebookNode | None:
    path = course.layout.autograded_notebook(student, lesson.id)
    try:
        return nbformat.read(path, as_version=4)
    except Exception:  # absent or unreadable: the page shows the points without messages
        return None


# The page is a static file a student opens from disk or a mail: it runs no script and loads
# nothing, whatever text ended up in it (every field is autoescaped; this is the second wall).
PAGE_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'"
)


@cache
def _template() -> jinja2.Template:
    environment = jinja2.Environment(
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True
    )
    return environment.from_string(TEMPLATE)


TEMPLATE = """\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{{ policy }}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ page.lesson_id }} {{ page.lesson_title }}: feedback for {{ page.student }}</title>
<style>
  body { margin: 0; background: #f4f5f7; color: #1f2328;
         font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
  main { max-width: 860px; margin: 2rem auto; padding: 2rem; background: #fff;
         border-radius: 10px; box-shadow: 0 1px 4px rgba(0, 0, 0, .08); }
  .course { margin: 0; color: #656d76; font-size: .9rem; text-transform: uppercase;
            letter-spacing: .04em; }
  h1 { margin: .2rem 0 .2rem; font-size: 1.6rem; }
  h2 { font-size: 1.1rem; margin: 2rem 0 .6rem; }
  .student { margin: 0 0 1.5rem; color: #656d76; }
  .total { display: flex; align-items: baseline; gap: 1rem; flex-wrap: wrap;
           padding: 1rem 1.2rem; border-radius: 8px; background: #f6f8fa; }
  .total .score { font-size: 2rem; font-weight: 700; }
  .total .pending { color: #7d4e00; }
  .status { margin: 1rem 0; padding: .8rem 1rem; border-left: 4px solid #1a7f37;
            background: #eef9f0; border-radius: 4px; }
  .status.bad { border-color: #cf222e; background: #fff1f0; }
  .status.recovered { border-color: #9a6700; background: #fff8e5; }
  .status ul { margin: .4rem 0 0; padding-left: 1.2rem; }
  table { width: 100%; border-collapse: collapse; margin-top: .5rem; }
  th, td { text-align: left; vertical-align: top; padding: .55rem .6rem;
           border-bottom: 1px solid #d8dee4; }
  th { font-size: .85rem; color: #656d76; font-weight: 600; }
  td.points { white-space: nowrap; font-variant-numeric: tabular-nums; font-weight: 600; }
  td.mark { width: 1.5rem; font-weight: 700; }
  tr.pass .mark, tr.pass .points { color: #1a7f37; }
  tr.fail .mark, tr.fail .points { color: #cf222e; }
  tr.partial .mark, tr.partial .points { color: #9a6700; }
  tr.pending .mark, tr.pending .points { color: #656d76; }
  code { font: .9rem ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
  .message { white-space: pre-wrap; overflow-wrap: anywhere;
             font: .9rem ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
  tr.pending .message { font-family: inherit; font-style: italic; color: #656d76; }
  .comment { margin-top: .4rem; padding: .4rem .6rem; background: #ddf4ff;
             border-radius: 4px; white-space: pre-wrap; overflow-wrap: anywhere; }
  .comment .who { font-weight: 600; }
</style>
</head>
<body>
<main>
  <p class="course">{{ page.course_title }}</p>
  <h1>{{ page.lesson_id }} · {{ page.lesson_title }}</h1>
  <p class="student">Feedback for <strong>{{ page.student }}</strong></p>
{% if page.missing %}
  <div class="total"><span class="score">– / {{ page.max_score }}</span></div>
  <div class="status bad"><strong>No submission received.</strong> {{ page.status }}</div>
{% else %}
  <div class="total">
    <span class="score">{{ page.score }} / {{ page.max_score }}</span>
    {% if page.pending %}<span class="pending">({{ page.pending }})</span>{% endif %}
  </div>
  <div class="status {{ page.status_state }}">
    {{ page.status }}
    {% if page.notes %}
    <ul>
    {% for note in page.notes %}
      <li>{{ note }}</li>
    {% endfor %}
    </ul>
    {% endif %}
  </div>
  <h2>Tests and answers</h2>
  <table>
    <thead><tr><th></th><th>Test</th><th>Points</th><th>Result</th></tr></thead>
    <tbody>
    {% for row in page.rows %}
      <tr class="{{ row.state }}">
        <td class="mark">{{ row.mark }}</td>
        <td><code>{{ row.name }}</code></td>
        <td class="points">{{ row.points }}</td>
        <td><div class="message">{{ row.message }}</div>
          {% if row.comment %}
          <div class="comment"><span class="who">Your instructor:</span> {{ row.comment }}</div>
          {% endif %}
        </td>
      </tr>
    {% endfor %}
    </tbody>
  </table>
  {% if page.comments %}
  <h2>Comments from your instructor</h2>
  {% for row in page.comments %}
  <div class="comment"><span class="who"><code>{{ row.name }}</code>:</span> {{ row.comment }}</div>
  {% endfor %}
  {% endif %}
{% endif %}
</main>
</body>
</html>
"""
