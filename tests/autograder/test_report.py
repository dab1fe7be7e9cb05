"""`course report`: the numbers are right, the page is self-contained and safe to open.

Fast tests build a course by hand (results files, and a small gradebook where per-test
numbers matter); the slow ones read the demo class graded once by conftest.py.
"""

from __future__ import annotations

import base64
import html
import io
import json
import os
import re
import statistics
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from markupsafe import escape
from PIL import Image
from support import markup

from autograder.config import parse_course
from autograder.report import render_report, report_data, write_report

DEMO_FLAGGED = {  # the demo students the integrity scan must flag, with one rule each
    "patches-allclose": "patches-module",
    "reads-source": "reads-outside",
    "opens-socket": "network",
    "hooks-tests": "hooks-ipython",
    "deletes-tests": "deleted-test-cell",
    "kernel-exit": "stops-kernel",
}
HOSTILE = "<script>alert(1)</script>"


# --------------------------------------------------------------------------- helpers


def make_course(root: Path, lessons: dict[str, float], **course):
    raw = {
        "course": {"id": "t", "title": "Test <&> course",
                   "repository": "https://github.com/example/t", **course},
        "lessons": [{"id": lesson, "title": f"Lesson {lesson}", "points": points}
                    for lesson, points in lessons.items()],
    }  # fmt: skip
    return parse_course(raw, root=root, file=root / "course" / "course.toml")


def write_result(course, lesson: str, student: str, **fields) -> dict:
    result = {
        "lesson": lesson, "student": student, "status": "graded", "score": 0.0,
        "max_score": course.lesson(lesson).points, "reason": "", "execution": "ok",
        "seconds": 3.0, "peak_memory_mb": 120.0, "sandboxed": True, "findings": [],
        **fields,
    }  # fmt: skip
    path = course.workspace / "results" / lesson / f"{student}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result))
    return result


def make_gradebook(course, cells: dict[str, list[tuple[str, float, str]]], grades: dict) -> None:
    """A gradebook by hand: ``cells`` lesson -> [(grade_id, points, "test"|"answer")],
    ``grades`` (lesson, student) -> {grade_id: score}."""
    from nbgrader.api import Gradebook

    course.workspace.mkdir(parents=True, exist_ok=True)
    with Gradebook(course.gradebook_url) as gradebook:
        for lesson, lesson_cells in cells.items():
            gradebook.add_assignment(lesson)
            gradebook.add_notebook(lesson, lesson)
            for name, points, kind in lesson_cells:
                cell_type = "code" if kind == "test" else "markdown"
                gradebook.add_grade_cell(name, lesson, lesson, max_score=points,
                                         cell_type=cell_type)  # fmt: skip
                if kind == "answer":
                    gradebook.add_solution_cell(name, lesson, lesson)
        for (lesson, student), scores in grades.items():
            gradebook.update_or_create_student(student)
            gradebook.add_submission(lesson, student)
            for name, score in scores.items():
                grade = gradebook.find_grade(name, lesson, lesson, student)
                if score is None:  # left for a person
                    continue
                grade.auto_score = score
                grade.needs_manual_grade = False
            gradebook.db.commit()


def write_source(course, lesson: str, grade_ids: list[str]) -> None:
    """The instructor's notebook, only for the order of its graded cells."""
    notebook = nbformat.v4.new_notebook()
    for grade_id in grade_ids:
        cell = nbformat.v4.new_code_cell("pass")
        cell.metadata["nbgrader"] = {"grade_id": grade_id, "grade": True, "points": 1}
        notebook.cells.append(cell)
    path = course.source / lesson / f"{lesson}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)


def images(page: str) -> list[bytes]:
    return [base64.b64decode(data) for data in
            re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)]  # fmt: skip


class _Links(HTMLParser):
    """Every src and href of the page's real tags (not text that looks like one)."""

    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.links += [value or "" for name, value in attrs if name in ("src", "href")]


def assert_self_contained(page: str) -> None:
    parser = _Links()
    parser.feed(page)
    assert all(link.startswith(("data:image/png;base64,", "#")) for link in parser.links)
    assert not parser.tags & {"script", "link", "iframe", "object", "embed", "base"}
    assert "@import" not in page and "url(" not in page


def table(page: str, table_id: str) -> list[str]:
    """The body rows of one of the page's tables, as text, tags and spaces collapsed."""
    found = re.search(rf'<table id="{table_id}">.*?<tbody>(.*?)</tbody>', page, re.DOTALL)
    assert found, f"no table {table_id}"
    rows = re.findall(r"<tr>(.*?)</tr>", found.group(1), re.DOTALL)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", row)).split()) for row in rows]


# --------------------------------------------------------------------------- fast


def test_empty_workspace_says_nothing_graded_yet(tmp_path):
    course = make_course(tmp_path, {"01_a": 3, "02_b": 4})
    path = write_report(course)
    assert path == course.workspace / "report" / "index.html"
    page = path.read_text()
    assert "Nothing graded yet" in page
    assert "<img" not in page and "no submissions yet" in page
    assert_self_contained(page)
    data = report_data(course)
    assert data["empty"] and data["n_students"] == 0 and data["handed_in"] == 0
    assert [lesson["mean"] for lesson in data["lessons"]] == [None, None]
    assert not (course.workspace / "gradebook.db").exists()  # the report creates none


def test_hostile_finding_and_reason_are_escaped(tmp_path):
    course = make_course(tmp_path, {"01_a": 3})
    finding = {"cell": "<b>cell</b>", "line": 1, "code": HOSTILE, "rule": '"><img src=x>',
               "message": "<img src=x onerror=alert(2)>"}  # fmt: skip
    write_result(course, "01_a", "mallory", findings=[finding], score=3.0,
                 reason=f"stopped {HOSTILE}", execution="kernel_died")  # fmt: skip
    write_result(course, "01_a", "bob", score=1.0)
    page = write_report(course, tmp_path / "out" / "page.html").read_text()
    assert HOSTILE not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>cell</b>" not in page and '"><img src=x>' not in page
    assert "Test &lt;&amp;&gt; course" in page
    assert_self_contained(page)
    (row,) = table(page, "flagged")
    assert row.startswith("mallory 01_a") and HOSTILE in row  # shown as text, once unescaped
    assert f"<code>{escape(HOSTILE)}</code>" in page


def test_numbers_without_gradebook_and_a_lesson_without_submissions(tmp_path):
    course = make_course(tmp_path, {"01_a": 4, "02_b": 10})
    write_result(course, "01_a", "ann", score=4.0)
    write_result(course, "01_a", "bob", score=1.0, execution="notebook_timeout",
                 reason="the notebook ran longer than 600 s", sandboxed=False)  # fmt: skip
    write_result(course, "01_a", "cat", score=0.0, status="invalid", reason="not a notebook")
    write_result(course, "01_a", "dan", status="missing", execution="", reason="no submission")
    write_result(
        course,
        "01_a",
        "eve",
        score=2.5,
        findings=[
            {
                "cell": "square",
                "line": 2,
                "code": "import socket",
                "rule": "network",
                "message": "m",
            }
        ],
    )
    (course.workspace / "results" / "01_a" / ".eve.worker.json").write_text("{}")  # scratch
    (course.workspace / "results" / "01_a" / "fay.json").write_text("{not json")

    data = report_data(course)
    assert data["students"] == ["ann", "bob", "cat", "dan", "eve"]
    assert data["counts"] == {"graded": 3, "missing": 1, "invalid": 1, "error": 0}
    assert data["handed_in"] == 4 and data["flagged"] == 1
    assert data["sandbox"] == {"mode": "some", "sandboxed": 3, "executed": 4}
    first, second = data["lessons"]
    assert first["mean"] == pytest.approx((4 + 1 + 0 + 2.5) / 4)
    assert first["median"] == pytest.approx(1.75)
    assert second["submissions"] == 0 and second["mean"] is None
    assert [(p["student"], p["status"]) for p in data["problems"]] == [
        ("cat", "invalid"), ("bob", "graded"), ("dan", "missing")]  # fmt: skip
    assert any("fay.json" in warning for warning in data["warnings"])
    assert data["tests"] == []  # no gradebook: no per-test numbers, no crash

    page = write_report(course, tmp_path / "page.html", data=data).read_text()
    assert "WITHOUT the sandbox" in page and "1 of 4" in page
    assert "no submissions yet" in page and "fay.json" in page
    grades = {row.split()[0]: row for row in table(page, "grades")}
    assert grades["ann"] == "ann 4 / 4 – 4 / 4"
    assert "missing" in grades["dan"] and "review" in grades["eve"]
    # time and memory, and the score histogram: no per-test plots without a gradebook
    assert len(images(page)) == 3


def test_stopped_and_recovered_are_told_apart(tmp_path):
    """A notebook that went on after a crash or an output cut is "recovered", not stopped:
    in the data, the lessons' counts, the problems table and the grade table."""
    course = make_course(tmp_path, {"01_a": 4})
    memory = {"cell": 5, "status": "memory", "cause": "memory", "limit": 600, "unit": "MB"}
    deaf = {"cell": 8, "status": "kernel_died", "cause": "unresponsive", "limit": 4, "unit": "s"}
    cut = {"cell": 5, "scope": "cell", "limit_mb": 1.0}
    write_result(course, "01_a", "ann", score=4.0)
    write_result(course, "01_a", "bob", score=2.0, execution="memory", restarts=[memory, deaf],
                 truncated=[cut], reason="all 9 code cells had their turn")  # fmt: skip
    write_result(course, "01_a", "cat", score=3.0, execution="output_limit", truncated=[cut])
    write_result(course, "01_a", "dan", score=0.0, execution="kernel_died", stopped_cell=8,
                 restarts=[memory], unrecovered="limit")  # fmt: skip
    write_result(course, "01_a", "eve", score=1.0, execution="notebook_timeout")  # older file

    data = report_data(course)
    outcome = {s["student"]: (s["outcome"], s["outcome_key"]) for s in data["submissions"]}
    assert outcome == {
        "ann": ("ok", "ok"), "bob": ("recovered", "restarted"),
        "cat": ("recovered", "output_cut"), "dan": ("stopped", "kernel_died"),
        "eve": ("stopped", "notebook_timeout"),
    }  # fmt: skip
    (lesson,) = data["lessons"]
    assert (lesson["stopped"], lesson["recovered"]) == (2, 2)
    assert (lesson["restarts"], lesson["restarted"]) == (3, 2)
    assert (lesson["truncated"], lesson["cut"]) == (2, 2)

    page = write_report(course, tmp_path / "page.html", data=data).read_text()
    rows = {row.split()[0]: row for row in table(page, "problems")}
    assert (
        "restarted, went on restarted after: memory, ignored the interrupt outputs cut: 1"
        in (rows["bob"])
    )
    assert "output cut, went on outputs cut: 1" in rows["cat"]
    assert "kernel died, stopped restarted after: memory" in rows["dan"]
    assert "timeout, stopped" in rows["eve"]
    grades = {row.split()[0]: row for row in table(page, "grades")}
    assert "restarted, went on" in grades["bob"] and "kernel died, stopped" in grades["dan"]
    (row,) = [row for row in table(page, "lessons") if row.startswith("01_a")]
    assert row.endswith(" 2 2 3 (2) 2 (2)"), row


# nbgrader's add_submission itself makes SQLAlchemy warn about its autoflush.
@pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")
def test_per_test_numbers_come_from_the_gradebook(tmp_path, monkeypatch):
    # nbgrader runs `alembic` when it makes a gradebook: the venv's scripts come first.
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    course = make_course(tmp_path, {"01_a": 4, "02_b": 2})
    write_source(course, "01_a", ["t_first", "t_second", "why"])
    cells = {
        "01_a": [("t_second", 1.0, "test"), ("t_first", 2.0, "test"), ("why", 1.0, "answer")],
        "02_b": [("only", 2.0, "test")],
    }
    grades = {
        ("01_a", "ann"): {"t_first": 2.0, "t_second": 1.0, "why": 1.0},
        ("01_a", "bob"): {"t_first": 1.0, "t_second": 1.0, "why": None},  # partly, by hand
        ("01_a", "cat"): {"t_first": 0.0, "t_second": 0.0, "why": 0.0},
        ("02_b", "ann"): {"only": 2.0},
    }
    make_gradebook(course, cells, grades)
    write_result(course, "01_a", "ann", score=3.0)  # the gradebook says 4 (hand-given point)
    write_result(course, "01_a", "bob", score=2.0)
    write_result(course, "01_a", "cat", score=0.0, status="invalid")
    write_result(course, "01_a", "dan", status="missing", execution="")
    write_result(course, "02_b", "ann", score=2.0)

    data = report_data(course)
    tests = [(t["lesson"], t["cell"], t["passed"], t["total"], t["lost"]) for t in data["tests"]]
    assert tests == [  # notebook order; the written answer is not a test
        ("01_a", "t_first", 1, 3, 2),
        ("01_a", "t_second", 2, 3, 1),
        ("02_b", "only", 1, 1, 0),
    ]
    first = data["lessons"][0]
    assert first["scores"] == [4.0, 2.0, 0.0]  # ann, bob, cat from the gradebook
    assert first["manual_pending"] == 1  # bob's written answer
    assert data["grades"]["ann"]["01_a"]["score"] == 4.0

    page = render_report(data)
    assert len(images(page)) == 5
    for png in images(page):
        assert Image.open(io.BytesIO(png)).format == "PNG"


def test_plots_use_no_pyplot(tmp_path):
    course = make_course(tmp_path, {"01_a": 4})
    for number in range(5):
        write_result(course, "01_a", f"s{number}", score=float(number % 5))
    script = (
        "import sys, matplotlib\n"
        "from autograder.config import parse_course\n"
        "from autograder.report import write_report\n"
        "from pathlib import Path\n"
        f"course = parse_course({make_raw(course)!r}, root=Path({str(tmp_path)!r}))\n"
        "backend = matplotlib.get_backend()\n"
        "write_report(course)\n"
        "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot was imported'\n"
        "assert matplotlib.get_backend() == backend\n"
    )  # fmt: skip
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert len(images((course.workspace / "report" / "index.html").read_text())) == 3


def make_raw(course) -> dict:
    return {
        "course": {"id": course.id, "title": course.title, "repository": course.repository},
        "lessons": [{"id": lesson.id, "title": lesson.title, "points": lesson.points}
                    for lesson in course.lessons],
    }  # fmt: skip


# --------------------------------------------------------------------------- the graded class


# Only the tests that use the graded class are slow (marked one by one, so that the fast
# ones above run under -m "not slow"); they share the graded class's xdist worker.


@pytest.fixture(scope="module")
def report(graded):
    course, _, _ = graded
    path = write_report(course)
    return path, path.read_text()


def results_on_disk(course) -> dict[str, dict]:
    folder = course.workspace / "results" / "00_fixture"
    return {p.stem: json.loads(p.read_text()) for p in folder.glob("[!.]*.json")}


@pytest.mark.slow
@pytest.mark.xdist_group("graded_class")
def test_page_is_self_contained_with_five_real_plots(graded, report):
    course, _, _ = graded
    path, page = report
    assert path == course.workspace / "report" / "index.html"
    assert_self_contained(page)
    pngs = images(page)
    assert len(pngs) == 5 and page.count("<img") == 5
    for png in pngs:
        assert len(png) > 5 * 1024
        image = Image.open(io.BytesIO(png))
        assert image.format == "PNG" and image.width > 400 and image.height > 150
        image.verify()
    for caption in ("Score distribution", "Pass rate per test", "Most-failed tests",
                    "Grading time", "Peak memory"):  # fmt: skip
        assert f"<b>{caption}.</b>" in page


@pytest.mark.slow
@pytest.mark.xdist_group("graded_class")
def test_flagged_table_lists_every_flagged_student_with_its_rule(graded, report):
    _, _, results = graded
    rows = table(report[1], "flagged")
    for student, rule in DEMO_FLAGGED.items():
        assert any(row.startswith(f"{student} 00_fixture {rule} ") for row in rows), student
    flagged = {r.student for r in results.values() if r.findings}
    assert {row.split()[0] for row in rows} == flagged
    assert sum(len(r.findings) for r in results.values()) == len(rows)
    # the offending line itself, as code
    line = results["opens-socket"].findings[0]["code"]
    assert f"<code>{escape(line)}</code>" in report[1]


@pytest.mark.slow
@pytest.mark.xdist_group("graded_class")
def test_problem_table_gives_the_reasons(graded, report):
    _, _, results = graded
    rows = {row.split()[0]: row for row in table(report[1], "problems")}
    for student in ("memory-bomb", "kernel-exit", "ignores-interrupt", "huge-output",
                    "invalid-json"):  # fmt: skip
        assert results[student].reason in rows[student], student
    # A crash in the first answer was recovered from: the rest of the notebook was graded.
    assert "restarted, went on restarted after: memory" in rows["memory-bomb"]
    assert "restarted, went on restarted after: kernel died" in rows["kernel-exit"]
    assert "restarted after: ignored the interrupt" in rows["ignores-interrupt"]
    assert "output cut, went on outputs cut: 1" in rows["huge-output"]
    assert not any("stopped" in row for row in rows.values()), rows
    assert "perfect" not in rows and "patches-allclose" not in rows
    (lesson,) = [row for row in table(report[1], "lessons") if row.startswith("00_fixture")]
    # stopped 0, recovered 4 (memory-bomb, kernel-exit, ignores-interrupt, huge-output),
    # 3 restarts in 3 submissions, 1 output cut in 1 submission
    assert lesson.endswith(" 0 4 3 (3) 1 (1)"), lesson


@pytest.mark.slow
@pytest.mark.xdist_group("graded_class")
def test_report_data_matches_the_results_files(graded):
    course, expected, _ = graded
    on_disk = results_on_disk(course)
    data = report_data(course)
    assert set(expected) | {"cheater"} <= set(on_disk)  # 16 demo students (+ test_grade's)
    assert data["students"] == sorted(on_disk) and data["n_students"] == len(on_disk) >= 16
    handed = [r for r in on_disk.values() if r["status"] != "missing"]
    assert len(handed) == data["handed_in"] == 16
    for status in ("graded", "missing", "invalid", "error"):
        assert data["counts"][status] == sum(r["status"] == status for r in on_disk.values())
    assert data["counts"]["invalid"] == 1
    assert data["flagged"] == sum(bool(r["findings"]) for r in on_disk.values()) >= 6
    (lesson,) = data["lessons"]
    scores = [r["score"] for r in handed]
    assert lesson["mean"] == pytest.approx(statistics.fmean(scores))
    assert lesson["median"] == pytest.approx(statistics.median(scores))
    assert lesson["mean"] == pytest.approx(36 / 16)  # the grades test_grade.py checks
    executed = [r for r in handed if r["execution"]]
    mode = "all" if all(r["sandboxed"] for r in executed) else "some"
    assert data["sandbox"]["mode"] == (mode if any(r["sandboxed"] for r in executed) else "none")
    # Per test, in notebook order; the written answer (why_axis) is graded by hand.
    tests = {t["cell"]: (t["passed"], t["total"]) for t in data["tests"]}
    assert list(tests) == ["square_values", "row_means_shape", "row_means_values"]
    # square right: perfect, partial, patches-allclose, hooks-tests, huge-output (its print
    # is cut, its answer defined); row_means right: the same less partial, plus
    # infinite-loop, opens-socket, reads-source, cheater and the crashes in square's cell
    # that cost only square (memory-bomb, kernel-exit, ignores-interrupt).
    assert tests == {"square_values": (6, 16), "row_means_shape": (12, 16),
                     "row_means_values": (12, 16)}  # fmt: skip


# --------------------------------------------------------------------------- hostile text

PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(2)">',
    '<svg onload="alert(3)"><circle r="5"/></svg>',
    '"><iframe srcdoc="<script>alert(4)</script>">',
    "</code></td></tr></table><script>alert(5)</script>",
    "<meta http-equiv=refresh content='0;url=javascript:alert(6)'>",
    "' onmouseover='alert(7)' x='",
]
TEMPLATE_TAGS = {"html", "head", "meta", "title", "style", "body", "main", "h1", "h2", "p",
                 "b", "code", "div", "span", "table", "thead", "tbody", "tr", "th", "td",
                 "figure", "img", "figcaption", "footer", "br"}  # fmt: skip


def test_text_from_students_is_inert_and_the_page_runs_no_script(tmp_path):
    """Whatever a student's id, code, messages or stop reason hold, the report shows it as
    text; and its policy lets no script run should some markup get through anyway."""
    course = make_course(tmp_path, {"01_a": 3})
    for number, payload in enumerate(PAYLOADS):
        finding = {"cell": payload, "line": 1, "code": payload, "rule": payload,
                   "message": payload}  # fmt: skip
        write_result(course, "01_a", f"s{number}", findings=[finding], status="error",
                     reason=f"stopped: {payload}", execution="kernel_died")  # fmt: skip
    page = write_report(course, tmp_path / "page.html").read_text()
    tags, handlers, policies = markup(page)
    assert tags <= TEMPLATE_TAGS, tags - TEMPLATE_TAGS
    assert handlers == []
    for payload in PAYLOADS:
        assert payload not in page and str(escape(payload)) in page  # shown, as text
    (policy,) = policies
    assert page.index("Content-Security-Policy") < page.index("<title>")
    assert "default-src 'none'" in policy and "script-src" not in policy
    assert "base-uri 'none'" in policy and "form-action 'none'" in policy
