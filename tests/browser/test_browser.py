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
