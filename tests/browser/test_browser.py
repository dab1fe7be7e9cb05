"""The course in a real browser: formgrader for written answers, a lesson in JupyterLab,
and the instructor's report. Headless Chromium through Playwright (see conftest.py).

The formgrader and report tests use the example course's graded demo class (`course
demo`, the session fixture ``example_demo``), so they share its xdist group.
"""

from __future__ import annotations

import csv
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autograder.formgrader import launch

REPO = Path(__file__).resolve().parents[2]
LESSON = "00_fixture"
COMMENT = "Right: axis 1 runs along each row, so each row gets one mean."

pytestmark = pytest.mark.slow


def start_formgrader(config: Path) -> tuple[subprocess.Popen, str, list[str]]:
    """`course formgrader` as an instructor runs it; its process, URL and printed lines."""
    process = subprocess.Popen(
        [sys.executable, "-m", "autograder.cli", "--config", str(config), "formgrader"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    for line in process.stdout:
        lines.append(line.rstrip())
        if "Ctrl-C stops it" in line or process.poll() is not None:
            break
    url = next((line.split()[-1] for line in lines if line.strip().startswith("formgrader:")), "")
    if not url:
        process.kill()
        pytest.fail("course formgrader did not print its URL:\n" + "\n".join(lines))
    return process, url, lines


def stop(process: subprocess.Popen) -> tuple[int, str]:
    """Ctrl-C, as in a terminal; the exit status and the rest of the output."""
    process.send_signal(signal.SIGINT)
    try:
        rest, _ = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        rest, _ = process.communicate()
    return process.returncode, rest


@pytest.mark.xdist_group("course_demo")
def test_formgrader_grades_a_written_answer(example_demo, page, tmp_path):
    from nbgrader.api import Gradebook

    from autograder.config import load_course

    out, _ = example_demo
    config = out / "course" / "course.toml"
    course = load_course(config)
    process, url, lines = start_formgrader(config)
    try:
        assert "token=" in url and url.startswith("http://127.0.0.1:")
        page.goto(url)
        page.get_by_role("link", name="Manual Grading").first.click()
        page.get_by_role("link", name=LESSON, exact=True).click()  # the lesson
        page.get_by_role("link", name=LESSON, exact=True).last.click()  # its notebook
        page.get_by_text("Show All Names").click()
        row = page.locator("tr", has_text="perfect")
        row.locator("a[href*='/formgrader/submissions/']:visible").first.click()
        page.wait_for_selector("#why_axis")
        # The page binds its score fields once its scripts have fetched the submission; a
        # score typed before that sends nothing (seen on a loaded machine).
        page.wait_for_load_state("networkidle")
        assert "A demo answer" in page.inner_text("body")  # the student's written answer

        def saved(kind):
            return lambda r: f"/formgrader/api/{kind}/" in r.url and r.request.method == "PUT"

        with page.expect_response(saved("grade")) as grade_saved:
            page.fill("#why_axis", "1")
            page.press("#why_axis", "Tab")
        assert grade_saved.value.ok
        with page.expect_response(saved("comment")) as comment_saved:
            page.fill("#why_axis-comment", COMMENT)
            page.press("#why_axis-comment", "Tab")
        assert comment_saved.value.ok
        page.screenshot(path=str(tmp_path / "formgrader.png"))
    finally:
        code, rest = stop(process)
    assert code == 0 and "course formgrader: stopped" in rest, "\n".join(lines) + rest

    with Gradebook(course.gradebook_url) as gradebook:
        grade = gradebook.find_grade("why_axis", LESSON, LESSON, "perfect")
        comment = gradebook.find_comment("why_axis", LESSON, LESSON, "perfect")
        assert (grade.manual_score, grade.needs_manual_grade) == (1.0, False)
        assert comment.manual_comment == COMMENT

    # The manual score reaches the export, and the comment the student's feedback.
    run = [sys.executable, "-m", "autograder.cli", "--config", str(config)]
    for command in ("export", "feedback"):
        done = subprocess.run([*run, command], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
    with open(course.workspace / "export" / "grades.csv", newline="") as file:
        perfect = next(row for row in csv.DictReader(file) if row["student"] == "perfect")
    assert float(perfect[LESSON]) == 5.0
    feedback = course.workspace / "feedback" / "perfect" / f"{LESSON}.html"
    assert COMMENT in feedback.read_text()


def test_lesson_set_up_cell_runs_in_jupyterlab(page, tmp_path):
    """`make lab` serves release/: open lesson 01 and run its set-up cell through the UI."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    release = tmp_path / "release"
    shutil.copytree(REPO / "release" / "01_tensors", release / "01_tensors")
    server = launch(release, tmp_path, log=tmp_path / "lab.log")
    try:
        page.goto(server.url("lab/tree/01_tensors/01_tensors.ipynb"))
        # As a student would: wait until the status bar says the kernel is idle, and reload
        # the page once if it does not. A cell run while JupyterLab 4.6 is still connecting
        # can leave it "Connecting" for good.
        idle = page.locator("#jp-main-statusbar", has_text="| Idle")
        try:
            idle.wait_for(timeout=60_000)
        except PlaywrightTimeoutError:
            page.reload()
            idle.wait_for(timeout=60_000)
        setup = page.locator(".jp-CodeCell", has_text="dlcourse.setup(")
        setup.locator(".jp-InputArea-editor").click()
        page.keyboard.press("Escape")  # command mode: the cell is selected, not edited
        page.keyboard.press("Shift+Enter")
        output = setup.locator(".jp-OutputArea-output")
        deadline = time.monotonic() + 120  # a kernel start and TensorFlow's import
        while time.monotonic() < deadline and "dlcourse" not in _text(output):
            page.wait_for_timeout(500)
        text = _text(output)
        assert "dlcourse" in text and "TensorFlow" in text, f"the set-up cell printed {text!r}"
        assert "Error" not in text
    finally:
        server.stop()


@pytest.mark.xdist_group("course_demo")
def test_report_page_shows_every_plot(example_demo, page):
    out, _ = example_demo
    report = out / "workspace" / "report" / "index.html"
    page.goto(report.as_uri())
    images = page.locator("img")
    assert images.count() >= 4, f"the report has {images.count()} images"
    broken = page.evaluate(
        "() => Array.from(document.images)"
        ".filter(img => !img.complete || img.naturalWidth === 0).map(img => img.alt)"
    )
    assert broken == [], f"images that did not load: {broken}"


def _text(locator) -> str:
    return "\n".join(locator.all_inner_texts()) if locator.count() else ""


# --------------------------------------------------------------------------- hostile HTML

ANSWER = "Axis 1 runs along each row, so each row gets one mean."


def _beacon(variant: str) -> str:
    """What each payload runs if it ever runs: every way a test can see."""
    return (
        f"window.__pwned='{variant}';document.title='pwned';console.log('PWNED {variant}');"
        f"fetch('/api/kernels?pwned={variant}',{{method:'POST'}});alert('PWNED {variant}')"
    )


# Script-bearing HTML in the written answer, one per way in (each of them runs raw).
MARKDOWN_PAYLOADS = [
    f'<img src="x" onerror="{_beacon("img")}">',
    f'<svg onload="{_beacon("svg")}"><circle r="5"/></svg>',
    f"<svg><script>{_beacon('svgscript')}</script></svg>",
    f"<script>{_beacon('script')}</script>",
    f'<iframe srcdoc="<script>{_beacon("iframe")}</script>"></iframe>',
    f'<details open ontoggle="{_beacon("details")}"><summary>s</summary>d</details>',
    f'<object data="javascript:{_beacon("object")}"></object>',
    '<meta http-equiv="refresh" content="0;url=/api/kernels?pwned=meta">',
    '<link rel="stylesheet" href="/api/kernels?pwned=link">',
    '<base href="http://127.0.0.2:9/">',
    f'<a id="jslink" href="javascript:{_beacon("jslink")}">click me</a>',
    '<form action="/api/kernels?pwned=form" method="post"><button id="formbtn">go</button></form>',
    # last: what follows an unclosed <style> is swallowed as its text
    f'<math><mtext><table><mglyph><style><img src=x onerror="{_beacon("mxss")}">',
]

# A code cell that displays script-bearing outputs when it runs, at grading time.
_SVG = '<svg xmlns="http://www.w3.org/2000/svg" onload="{}"><script>{}</script></svg>'
_WIDGET = {"application/vnd.jupyter.widget-view+json": {"model_id": "x"}, "text/plain": "w"}
OUTPUT_CELL = "\n".join([
    "from IPython.display import HTML, SVG, Javascript, Markdown, display",
    f"display(HTML({'<b>bold output</b><script>' + _beacon('html') + '</script>'!r}))",
    f"display(HTML({'<img src=x onerror=' + repr(_beacon('htmlimg')) + '>'!r}))",
    f"display(SVG({_SVG.format(_beacon('svgout'), _beacon('svgoutscript'))!r}))",
    f"display(Javascript({_beacon('javascript')!r}))",
    f"display(Markdown({'**md output** <img src=x onerror=' + repr(_beacon('mdout')) + '>'!r}))",
    f"display({_WIDGET!r}, raw=True)",
])  # fmt: skip


def _hostile_course(tmp_path: Path):
    """The example course released, one hostile student (mallory) graded; (course, lesson)."""
    import nbformat

    from autograder.config import load_course
    from autograder.grade import grade_all
    from autograder.release import release_lessons

    root = tmp_path / "course-root"
    shutil.copytree(REPO / "course" / "example", root)
    course = load_course(root / "course" / "course.toml")
    assert all(r.ok for r in release_lessons(course, course.lessons, run=False))
    (lesson,) = course.lessons
    source = nbformat.read(lesson.notebook(course.source), as_version=4)
    notebook = nbformat.read(lesson.notebook(course.release), as_version=4)
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id == "why_axis":
            cell.source = f"**{ANSWER}**\n\n" + "\n\n".join(MARKDOWN_PAYLOADS)
        elif grade_id == "row_means":
            solution = next(
                c
                for c in source.cells
                if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id
            )
            cell.source = solution.source + "\n" + OUTPUT_CELL
    target = course.workspace / "submitted" / "mallory" / lesson.id / f"{lesson.id}.ipynb"
    target.parent.mkdir(parents=True)
    nbformat.write(notebook, target)
    (result,) = grade_all(course, [lesson], ["mallory"], jobs=1)
    assert result.status == "graded", result
    return course, lesson


def test_student_html_never_runs_in_the_formgrader(page, tmp_path):
    """A written answer and outputs full of script: the instructor's page runs none of it,
    nbgrader's own page still works, and the answer's text is there to grade."""
    from nbgrader.api import Gradebook

    from autograder.formgrader import start

    course, lesson = _hostile_course(tmp_path)
    autograded = course.workspace / "autograded" / "mallory" / lesson.id
    assert "PWNED html" in (autograded / f"{lesson.id}.ipynb").read_text()  # outputs are there
    # A file the student left in the submission's folder, which nbgrader serves raw.
    (autograded / "evil.html").write_text(f"<script>{_beacon('file')}</script><p>evil file</p>")
    with Gradebook(course.gradebook_url) as gradebook:
        submission = gradebook.find_submission_notebook(lesson.id, lesson.id, "mallory").id

    requests: list[str] = []
    messages: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: messages.append(message.text))
    page.on(
        "dialog", lambda dialog: (messages.append("dialog " + dialog.message), dialog.dismiss())
    )
    server = start(course)
    try:
        page.goto(server.url(f"formgrader/submissions/{submission}/"))
        page.wait_for_selector("#why_axis")
        title = page.title()
        page.wait_for_timeout(1500)  # time for onload/onerror/ontoggle and a refresh to fire
        answer = page.locator(".nbgrader_cell", has=page.locator("#why_axis")).inner_text()
        assert ANSWER in answer
        assert "<script>" in answer  # shown as text: the instructor sees what was tried
        assert "bold output" in page.inner_text("body")
        for selector in ("#jslink", "a:has-text('click me')"):
            if page.locator(selector).count():
                page.locator(selector).first.click()
        if page.locator("#formbtn").count():
            page.locator("#formbtn").click()
        page.wait_for_timeout(500)
        # nbgrader's own scripts still run: the eye icon shows the student's name
        page.locator("span.glyphicon.name-hidden").click()
        assert page.locator("a.name-shown").is_visible()
        assert page.title() == title == lesson.id
        assert page.evaluate("() => window.__pwned === undefined")
        page.goto(server.url(f"formgrader/submissions/{submission}/evil.html"))
        assert "evil file" in page.inner_text("body")
        page.wait_for_timeout(500)
        assert page.evaluate("() => window.__pwned === undefined")
        page.goto(server.url(f"formgrader/submissions/{submission}/"))  # still the page
        page.wait_for_selector("#why_axis")
    finally:
        server.stop()
    assert not [url for url in requests if "/api/kernels" in url or "pwned" in url], requests
    assert not [text for text in messages if "PWNED" in text or "dialog" in text], messages
    # Every script was removed before the page reached the browser: the policy, the second
    # wall, had no script to block (a report here would mean nbgrader's own UI was blocked).
    # It does block images from elsewhere (the lesson's Colab badge): no beacon to the web.
    blocked = [text for text in messages if "Content Security Policy" in text]
    assert not [text for text in blocked if "script" in text], blocked
