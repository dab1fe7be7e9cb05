"""`course feedback`: one safe HTML page per student and lesson.

The rule that matters: a page never shows a hidden test (its source, a line of it, its
traceback), whatever the student's code printed or raised. Fast tests build pages from
made-up grades; the slow ones use the graded demo class (tests/autograder/conftest.py).
"""

from __future__ import annotations

import dataclasses
import html
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from support import markup

from autograder import cli
from autograder.config import load_course
from autograder.export import CellGrade, LessonGrades
from autograder.feedback import (
    CUT_HERE,
    HIDDEN_TEST_FAILED,
    NO_MESSAGE,
    NOT_RUN,
    PENDING,
    RESTARTED_HERE,
    STOPPED_HERE,
    FeedbackLeakError,
    HiddenTests,
    Page,
    Row,
    _test_message,
    build_page,
    clean_text,
    error_message,
    event_notes,
    hidden_test_lines,
    render_page,
    status_words,
    write_feedback,
)

FIXTURE = Path(__file__).resolve().parents[2] / "course" / "example"
LESSON = "00_fixture"
ANSI = re.compile(r"\x1b|\[\d+(;\d+)*m")

# The graded class comes from tests/autograder/conftest.py, made once on one worker.
graded_class = [pytest.mark.slow, pytest.mark.xdist_group("graded_class")]


def slow(test):
    for mark in graded_class:
        test = mark(test)
    return test


def hidden_lines(course) -> set[str]:
    """Computed here, independently of the module: every stripped line of length >= 12
    between the hidden-test markers of the instructor's notebook."""
    source = nbformat.read(course.source / LESSON / f"{LESSON}.ipynb", as_version=4)
    lines, inside = set(), False
    for cell in source.cells:
        for line in cell.source.splitlines():
            stripped = line.strip()
            if stripped == "### BEGIN HIDDEN TESTS":
                inside = True
            elif stripped == "### END HIDDEN TESTS":
                inside = False
            elif inside and len(stripped) >= 12:
                lines.add(stripped)
    assert len(lines) >= 3, lines
    return lines


def assert_safe(page: str, lines: set[str], who: str = "") -> None:
    text = html.unescape(page)
    for line in lines:
        assert line not in text and html.escape(line) not in page, (who, line)
    for forbidden in ("Traceback", 'File "', "BEGIN HIDDEN", "### END"):
        assert forbidden not in text, (who, forbidden)
    assert not ANSI.search(text), who


# --------------------------------------------------------------------------- fast


@pytest.fixture(scope="module")
def fixture_course():
    course = load_course(FIXTURE / "course" / "course.toml")
    return course, course.lessons[0]


def test_hidden_test_lines_of_the_fixture(fixture_course):
    course, lesson = fixture_course
    source = nbformat.read(lesson.notebook(course.source), as_version=4)
    assert hidden_test_lines(source) == hidden_lines(course)
    assert "X = np.arange(6.0).reshape(2, 3)" in hidden_test_lines(source)


def test_messages_are_cleaned():
    red = "\x1b[0;31mCheckError\x1b[0m"
    assert error_message(red, "\x1b[1mwrong\x1b[0m value") == "CheckError: wrong value"
    assert error_message("AssertionError", "") == NO_MESSAGE
    assert error_message("AssertionError", "  \n") == NO_MESSAGE
    assert error_message("NotImplementedError", "").startswith("NotImplementedError")
    long = error_message("ValueError", "x" * 5000)
    assert len(long) <= 510 and long.endswith("…")
    # Anything shaped like a traceback inside a message is cut off.
    text = 'bad\nTraceback (most recent call last):\n  File "x.py", line 1\n    secret()'
    assert clean_text(text) == "bad"
    assert clean_text('ok\n  File "<ipython-input-3>", line 2, in <module>') == "ok"


def test_hidden_tests_are_found_however_they_are_quoted():
    hidden = HiddenTests(["checks.check_close('f(x)', f(x), 4.0)"])
    assert hidden.quoted_in("AssertionError: checks.check_close('f(x)', f(x), 4.0) failed")
    assert hidden.quoted_in("checks.check_close( 'f(x)',\n   f(x), 4.0 )")  # reflowed
    assert hidden.quoted_in("<td>checks.check_close(&#39;f(x)&#39;, f(x), 4.0)</td>")
    assert hidden.quoted_in("<b>checks.check_close('f(x)',</b> f(x), 4.0)")  # across tags
    assert not hidden.quoted_in("CheckError: `f(x)` should be 4.0, but it is 3.0")
    assert not HiddenTests([]).quoted_in("anything")


def _grades(cells, **fields) -> LessonGrades:
    defaults = dict(lesson=LESSON, student="mallory", status="graded", max_score=5.0,
                    score=sum(c.score for c in cells), execution="ok", cells=cells)  # fmt: skip
    return LessonGrades(**{**defaults, **fields})


def _cell(name, score, max_score, manual=False, **fields) -> CellGrade:
    defaults = dict(notebook=LESSON, name=name, cell_type="markdown" if manual else "code",
                    manual=manual, score=score, max_score=max_score,
                    auto_score=None if manual else score, manual_score=None,
                    extra_credit=None, needs_manual_grade=manual)  # fmt: skip
    return CellGrade(**{**defaults, **fields})


def _executed(course, lesson, errors: dict[str, tuple[str, str]], streams=None):
    """The instructor's notebook with made-up outputs: an error per test in ``errors``,
    and stream outputs (``streams``) that a hostile student cell could have printed."""
    notebook = nbformat.read(lesson.notebook(course.source), as_version=4)
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.cell_type != "code":
            continue
        cell.outputs = []
        if streams and grade_id in streams:
            cell.outputs.append(nbformat.v4.new_output("stream", text=streams[grade_id]))
        if grade_id in errors:
            ename, evalue = errors[grade_id]
            cell.outputs.append(
                nbformat.v4.new_output(
                    "error", ename=ename, evalue=evalue,
                    traceback=["Traceback (most recent call last)", cell.source, evalue],
                )
            )  # fmt: skip
    return notebook


def test_a_crafted_message_that_quotes_a_hidden_test_is_replaced(fixture_course):
    course, lesson = fixture_course
    hidden = HiddenTests.of_lesson(course, lesson)
    secret = 'checks.check_close("row_means(X)", row_means(X), np.array([1.0, 4.0]))'
    assert secret in hidden_lines(course)
    notebook = _executed(
        course, lesson,
        {
            # The student's function raises with the hidden line it read off the stack.
            "square_values": ("ValueError", f"gotcha: {secret}"),
            "row_means_shape": ("CheckError", "<script>alert('x')</script> & more"),
            "row_means_values": ("AssertionError", ""),
        },
        streams={"row_means_values": secret + "\n"},
    )  # fmt: skip
    grades = _grades(
        [
            _cell("square_values", 0, 2),
            _cell("row_means_shape", 0, 1),
            _cell("row_means_values", 0, 1),
            _cell("why_axis", 0, 1, manual=True),
        ]
    )
    page = render_page(build_page(course, lesson, grades, notebook), hidden)

    assert_safe(page, hidden_lines(course), "crafted")
    assert "gotcha" not in page and HIDDEN_TEST_FAILED in page
    assert "<script>" not in page and "alert(" not in page and "&amp; more" not in page
    # A test with hidden tests shows none of its run, only the instructor's description.
    assert f"{HIDDEN_TEST_FAILED} (row_means: values on a non-square matrix" in page
    assert NO_MESSAGE not in page
    assert PENDING in page and "0 / 5" in page


def test_the_finished_page_is_checked_again(fixture_course):
    course, lesson = fixture_course
    hidden = HiddenTests.of_lesson(course, lesson)
    secret = "X = np.arange(6.0).reshape(2, 3)"
    # Half of the line at the end of one text, half in the next: no text quotes it on its
    # own, the finished page does. Every free text goes; the points and fixed words stay.
    page = Page(course.title, lesson.id, lesson.title, "mallory", missing=False, score="1",
                max_score="5", status="Your notebook ran. X = np.ara",
                notes=["nge(6.0).reshape(2, 3) and more"],
                rows=[Row("a", "1 / 1", "pass", "passed"),
                      Row("b", "0 / 1", "fail", "CheckError: `b` is wrong")])  # fmt: skip
    text = render_page(page, hidden)
    assert "np.ara" not in text and "is wrong" not in text
    assert "passed" in text and HIDDEN_TEST_FAILED in text and "1 / 5" in text
    assert_safe(text, {secret})
    # Where no free text is to blame (here the title), the page is not written at all.
    leaky = dataclasses.replace(page, lesson_title=secret, rows=[], notes=[], status="")
    with pytest.raises(FeedbackLeakError):
        render_page(leaky, hidden)


def test_status_in_plain_words(fixture_course):
    """Stop causes are data (status, cause, cell index), never English parsed back."""
    course, lesson = fixture_course
    notebook = nbformat.read(lesson.notebook(course.source), as_version=4)
    square = next(i for i, c in enumerate(notebook.cells)
                  if c.metadata.get("nbgrader", {}).get("grade_id") == "square")  # fmt: skip
    limits = lesson.limits

    def words(execution, cause="", reason="a reason that says nothing useful"):
        grades = _grades([], execution=execution, stopped_cell=square, stop_cause=cause,
                         reason=reason)  # fmt: skip
        return status_words(grades, lesson, notebook)

    at = f"at cell {square + 1} (square)"
    assert words("memory").startswith(
        f"Your notebook used more than {limits.memory_mb} MB of memory and was stopped {at}"
    )
    assert f"ran past its time limit ({limits.notebook_timeout:g} s" in words("notebook_timeout")
    assert f"stopped {at}" in words("notebook_timeout")
    assert f"printed more than {limits.output_mb:g} MB of output" in words("output_limit")
    assert words("kernel_died", "unresponsive").startswith(
        f"Cell {square + 1} (square) ran longer than its {limits.cell_timeout:g} s limit"
    )
    assert "crashed or exited" in words("kernel_died", "kernel_died")
    # A reason the kernel could have shaped is not read at all.
    assert "600" not in words("memory", reason="the kernel used more than 600 MB in cell 99")
    assert "ran to the end" in status_words(_grades([]), lesson)
    assert "could not be opened" in status_words(_grades([], status="invalid"), lesson)
    assert "No submission" in status_words(_grades([], status="missing"), lesson)


def test_what_happened_to_single_cells_in_plain_words(fixture_course):
    """Restarts, cut outputs and why a crash ended the notebook: formatted from the
    result's fields, one sentence each; a recovered notebook is not called stopped."""
    course, lesson = fixture_course
    notebook = nbformat.read(lesson.notebook(course.source), as_version=4)
    index = {c.metadata.get("nbgrader", {}).get("grade_id"): i
             for i, c in enumerate(notebook.cells)}  # fmt: skip
    square, rows, shape = index["square"], index["row_means"], index["row_means_shape"]
    memory = {"cell": square, "status": "memory", "cause": "memory", "limit": 4096, "unit": "MB"}
    deaf = {"cell": rows, "status": "kernel_died", "cause": "unresponsive", "limit": 20,
            "unit": "s"}  # fmt: skip
    died = {"cell": shape, "status": "kernel_died", "cause": "kernel_died", "limit": None,
            "unit": ""}  # fmt: skip
    cut = {"cell": square, "scope": "cell", "limit_mb": 1.0}
    full = {"cell": rows, "scope": "notebook", "limit_mb": 5.0}
    grades = _grades([], execution="memory", restarts=[died, memory, deaf],
                     truncated=[full, cut], reason="the kernel used more than 9 MB")  # fmt: skip

    words = status_words(grades, lesson, notebook)
    assert words.startswith("Every cell of your notebook had its turn") and "stopped" not in words
    assert event_notes(grades, lesson, notebook) == [
        f"Cell {square + 1} (square) used more than 4096 MB of memory; it was skipped and the "
        "rest of your notebook was graded.",
        f"Cell {square + 1} (square) printed more than 1 MB; the rest of its output was "
        "dropped and it counts as failed.",
        f"Cell {rows + 1} (row_means) ran longer than 20 s and could not be interrupted; it "
        "was skipped and the rest of your notebook was graded.",
        f"Cell {rows + 1} (row_means): your notebook's outputs had passed 5 MB, so this cell's "
        "output was dropped and it counts as failed.",
        f"Cell {shape + 1} (row_means_shape) stopped Python (it crashed or exited); it was "
        "skipped and the rest of your notebook was graded.",
    ]
    page = build_page(course, lesson, grades, notebook)
    assert page.status_state == "recovered" and page.notes[:5] == event_notes(
        grades, lesson, notebook
    )
    cut_only = _grades([], execution="output_limit", truncated=[cut])
    assert "printed too much" in status_words(cut_only, lesson, notebook)
    assert build_page(course, lesson, cut_only, notebook).status_state == "recovered"
    assert build_page(course, lesson, _grades([]), notebook).status_state == "ok"

    # A crash that ended the notebook: where, and one sentence on why no restart.
    def stop(unrecovered, restarts=()):
        grades = _grades([], execution="memory", stopped_cell=rows, stop_cause="memory",
                         unrecovered=unrecovered, restarts=list(restarts))  # fmt: skip
        assert build_page(course, lesson, grades, notebook).status_state == "bad"
        return " ".join(status_words(grades, lesson, notebook).split())

    assert stop("limit", [memory, died]).endswith(
        "their tests score 0. It had already been restarted twice after earlier crashes, the "
        "most it may be."
    )
    assert stop("limit").endswith("This lesson does not restart a notebook after a crash.")
    assert stop("time").endswith(
        f"Not enough of the notebook's {lesson.limits.notebook_timeout:g} s time limit was left "
        "to restart it and go on."
    )
    assert stop("start").endswith("A fresh Python kernel to go on with could not be started.")
    assert "stopped again while re-running your earlier cells" in stop("replay")
    assert stop("").endswith("so their tests score 0.")


def test_a_test_that_crashed_or_was_cut_says_so(fixture_course):
    """A test cell's own sandbox error: stopped there for good, skipped after a crash (the
    notebook went on) or its output cut; fixed sentences, nothing of the kernel's."""
    course, lesson = fixture_course
    cell = nbformat.v4.new_code_cell("")
    grade = _cell("row_means_shape", 0, 1)

    def message(ename, stopped_here):
        cell.outputs = [nbformat.v4.new_output("error", ename=ename, evalue="anything")]
        return _test_message(grade, cell, True, None, True, stopped_here=stopped_here)

    assert message("MemoryLimit", True) == STOPPED_HERE
    assert message("MemoryLimit", False) == RESTARTED_HERE
    assert message("KernelDied", False) == RESTARTED_HERE
    assert message("OutputLimit", False) == CUT_HERE
    assert message("NotRun", False) == NOT_RUN


def test_manual_grades_comments_and_extra_credit(fixture_course):
    course, lesson = fixture_course
    hidden = HiddenTests.of_lesson(course, lesson)
    cells = [
        _cell("square_values", 2.5, 2, extra_credit=0.5, auto_score=2.0),
        _cell("why_axis", 1, 1, manual=True, manual_score=1.0, comment="Right: <b>rows</b>."),
    ]
    grades = _grades(cells, other_comments={"square": "Nice vectorised code."})
    page = render_page(build_page(course, lesson, grades, None), hidden)
    assert "3.5 / 5" in page and PENDING not in page
    assert "2 / 2 (+0.5 extra)" in page and "graded by your instructor" in page
    assert "Right: &lt;b&gt;rows&lt;/b&gt;." in page and "Nice vectorised code." in page


# --------------------------------------------------------------------------- the graded class


def scratch(course, folder: Path):
    """The graded course with a private copy of its workspace (results, autograded
    notebooks, gradebook), so that a test may change them."""
    workspace = folder / "workspace"
    for part in ("results", "autograded"):
        shutil.copytree(course.workspace / part, workspace / part)
    shutil.copyfile(course.workspace / "gradebook.db", workspace / "gradebook.db")
    return dataclasses.replace(
        course, workspace=workspace, gradebook_url=f"sqlite:///{workspace / 'gradebook.db'}"
    )


@pytest.fixture(scope="module")
def pages(graded, tmp_path_factory):
    course, expected, results = graded
    copy = scratch(course, tmp_path_factory.mktemp("feedback"))
    written = write_feedback(copy)
    return copy, {path.parent.name: path.read_text(encoding="utf-8") for path in written}


@slow
def test_every_student_gets_a_safe_page(graded, pages):
    course, expected, _ = graded
    copy, by_student = pages
    assert set(expected) | {"cheater"} <= set(by_student)
    for path in (copy.workspace / "feedback").rglob("*.html"):
        assert path.name == f"{LESSON}.html"
    lines = hidden_lines(course)
    for student, page in by_student.items():
        assert_safe(page, lines, student)
        assert "<script" not in page, student  # self-contained and inert


@slow
def test_hooks_tests_page_hides_what_the_hook_printed(graded, pages):
    course, _, _ = graded
    _, by_student = pages
    executed = nbformat.read(
        course.workspace / "autograded" / "hooks-tests" / LESSON / f"{LESSON}.ipynb", 4
    )
    printed = "".join(o.get("text", "") for c in executed.cells for o in c.get("outputs", []))
    lines = hidden_lines(course)
    assert any(line in printed for line in lines), "the attack no longer prints the tests"
    page = by_student["hooks-tests"]
    assert_safe(page, lines, "hooks-tests")
    # Flagged: the page says the instructor will review it, and nothing of the scan.
    for word in ("hooks-ipython", "flag", "integrity", "findings", "canary"):
        assert word not in page.lower(), word
    assert "after your instructor has reviewed it" in page
    assert re.search(r"0\s*/\s*5", page)  # withheld until then


@slow
def test_perfect_memory_bomb_and_cheater_pages(graded, pages):
    course, _, _ = graded
    _, by_student = pages
    perfect = by_student["perfect"]
    assert re.search(r">\s*4 / 5\s*<", perfect) and PENDING in perfect
    assert "1 point still to be graded by your instructor" in perfect

    # A crash in the first answer costs that exercise only, and the page says so exactly.
    def said(student):
        return " ".join(html.unescape(by_student[student]).split())

    skipped = "it was skipped and the rest of your notebook was graded."
    bomb = said("memory-bomb")
    assert 'class="status recovered"' in bomb and re.search(r">\s*2 / 5\s*<", bomb)
    assert "Every cell of your notebook had its turn" in bomb and "was stopped" not in bomb
    assert f"Cell 6 (square) used more than 600 MB of memory; {skipped}" in bomb
    exits = said("kernel-exit")  # withheld for review (os._exit is a finding), but explained
    assert f"Cell 6 (square) stopped Python (it crashed or exited); {skipped}" in exits
    flood = said("huge-output")
    assert 'class="status recovered"' in flood and re.search(r">\s*4 / 5\s*<", flood)
    assert "Cell 6 (square) printed more than 1 MB; the rest of its output was dropped" in flood

    executed = nbformat.read(
        course.workspace / "autograded" / "cheater" / LESSON / f"{LESSON}.ipynb", 4
    )
    test = next(c for c in executed.cells
                if c.metadata.get("nbgrader", {}).get("grade_id") == "square_values")  # fmt: skip
    (error,) = [o for o in test.outputs if o.output_type == "error"]
    assert error.ename == "CheckError"
    cheater = by_student["cheater"]
    # square_values has hidden tests: nothing its run printed is shown, even the
    # visible check's own message; the instructor's description is.
    assert html.escape(error_message(error.ename, error.evalue)) not in cheater
    assert f"{HIDDEN_TEST_FAILED} (square: one visible value, then hidden ones.)" in cheater
    assert "0 / 2" in cheater


@slow
def test_a_crafted_error_in_a_real_notebook_is_replaced(graded, tmp_path):
    course, _, _ = graded
    copy = scratch(course, tmp_path)
    path = copy.workspace / "autograded" / "blank" / LESSON / f"{LESSON}.ipynb"
    notebook = nbformat.read(path, as_version=4)
    secret = sorted(hidden_lines(course))[0]
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        for output in cell.get("outputs", []):
            if output.output_type == "error" and grade_id == "square_values":
                output.evalue = f"  {secret}\n    ^^^^"  # a SyntaxError-like quote
            elif output.output_type == "error" and grade_id == "row_means_shape":
                output.ename, output.evalue = "CheckError", "<script>alert(1)</script>"
    nbformat.write(notebook, path)

    (written,) = write_feedback(copy, lessons=[LESSON], students=["blank"])
    page = written.read_text(encoding="utf-8")
    assert written == copy.workspace / "feedback" / "blank" / f"{LESSON}.html"
    assert_safe(page, hidden_lines(course), "blank")
    assert HIDDEN_TEST_FAILED in page
    # row_means_shape has no hidden tests, but it ran after square_values' did: what its
    # run produced could carry them, so none of it is shown (escaped or not).
    assert "alert(1)" not in page and "<script>" not in page


@slow
def test_manual_grade_and_comment_from_formgrader(graded, tmp_path):
    from nbgrader.api import Gradebook

    course, _, _ = graded
    copy = scratch(course, tmp_path)
    with Gradebook(copy.gradebook_url) as gradebook:
        grade = gradebook.find_grade("why_axis", LESSON, LESSON, "perfect")
        grade.manual_score = 1.0
        comment = gradebook.find_comment("why_axis", LESSON, LESSON, "perfect")
        comment.manual_comment = "Exactly: one mean per <row>."
        gradebook.add_student("absent")
        gradebook.db.commit()

    written = write_feedback(copy, students=["perfect", "absent"])
    perfect, absent = (p.read_text(encoding="utf-8") for p in sorted(written, reverse=True))
    assert re.search(r">\s*5 / 5\s*<", perfect) and PENDING not in perfect
    assert "Exactly: one mean per &lt;row&gt;." in perfect
    assert "No submission received" in absent and "– / 5" in absent


def test_cli_before_grading_says_what_to_do(tmp_path, capsys):
    """`course feedback` on a course with nothing graded: exit 0 and the next step."""
    root = tmp_path / "course-root"
    shutil.copytree(FIXTURE, root)
    config = str(root / "course" / "course.toml")
    assert cli.main(["--config", config, "feedback"]) == cli.EXIT_OK
    assert "run `course grade` first" in capsys.readouterr().out
    assert cli.main(["--config", config, "feedback", "--lesson", "99_nope"]) == cli.EXIT_USAGE
    assert "99_nope" in capsys.readouterr().err


# --------------------------------------------------------------------------- hostile text

PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(2)">',
    '<svg onload="alert(3)"><circle r="5"/></svg>',
    '"><iframe srcdoc="<script>alert(4)</script>">',
    "</div></td></tr></table><script>alert(5)</script>",
    "<meta http-equiv=refresh content='0;url=javascript:alert(6)'>",
    "' onmouseover='alert(7)' x='",
]
_TEMPLATE_TAGS = {"html", "head", "meta", "title", "style", "body", "main", "h1", "h2", "p",
                  "strong", "div", "span", "ul", "li", "table", "thead", "tbody", "tr",
                  "th", "td", "code"}  # fmt: skip


@pytest.mark.parametrize("payload", PAYLOADS)
def test_student_text_on_the_feedback_page_is_inert(payload):
    """Messages, comments, notes, names: each shown as text, and the page's policy lets no
    script run should some markup get through anyway."""
    import markupsafe

    row = Row(name=payload, points="0 / 1", state="fail", message=payload, comment=payload)
    page = Page(course_title=payload, lesson_id=LESSON, lesson_title=payload, student=payload,
                missing=False, score="0", max_score="5", pending=payload, status=payload,
                notes=[payload], rows=[row], comments=[dataclasses.replace(row)])  # fmt: skip
    text = render_page(page, HiddenTests([]))
    tags, handlers, policies = markup(text)
    assert tags <= _TEMPLATE_TAGS, tags - _TEMPLATE_TAGS
    assert handlers == []
    assert payload not in text and str(markupsafe.escape(payload)) in text  # shown, as text
    (policy,) = policies
    assert text.index("Content-Security-Policy") < text.index("<title>")
    assert "default-src 'none'" in policy and "script-src" not in policy
    assert "base-uri 'none'" in policy and "form-action 'none'" in policy


def test_only_tests_that_ran_before_any_hidden_test_show_their_messages():
    """A visible test's message is the student's text too: shown only while the kernel
    cannot have seen a hidden test (before the run of tests that holds the first one)."""
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    from autograder.feedback import TestInfo, _after_hidden_tests, _test_message

    def cell(grade_id, test=True):
        made = new_code_cell("x")
        made.metadata["nbgrader"] = {"grade": test, "solution": not test, "grade_id": grade_id}
        return made

    notebook = new_notebook(cells=[
        cell("a", test=False), cell("t1"), new_markdown_cell("text"),
        cell("b", test=False), cell("t2"), cell("t3"), cell("c", test=False), cell("t4"),
    ])  # fmt: skip
    infos = {name: TestInfo("", hidden=name == "t3") for name in ("t1", "t2", "t3", "t4")}
    # t2 shares t3's run: a canary copy of t3 may run before it.
    assert _after_hidden_tests(notebook, infos) == {"t2", "t3", "t4"}
    assert _after_hidden_tests(None, infos) == set(infos)
    visible = {name: TestInfo("", hidden=False) for name in infos}
    assert _after_hidden_tests(notebook, visible) == set()
    grade = _cell("t1", 0, 1)
    error = new_code_cell("x")
    error.outputs = [new_output("error", ename="CheckError", evalue="`t1` is <b>off</b>",
                                traceback=[])]  # fmt: skip
    assert _test_message(grade, error, True, visible["t1"], False) == (
        "CheckError: `t1` is <b>off</b>"
    )
    assert _test_message(grade, error, True, TestInfo("t1: values", False), True) == (
        f"{HIDDEN_TEST_FAILED} (t1: values)"
    )
