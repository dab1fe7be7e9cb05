"""`course report`: one self-contained HTML page on how grading went, to read or to mail.

``report_data`` gathers the numbers: every ``<workspace>/results/<lesson>/<student>.json``
that ``course grade`` wrote (status, reason, sandbox status, time, memory, integrity
findings) and, where the gradebook exists, nbgrader's per-cell grades (which tests each
student passed) and current scores (so points given by hand in formgrader count).
``render_report`` turns those numbers into HTML: a summary, plots drawn with matplotlib's
``Figure`` (never pyplot, so no global state is shared between calls) and embedded as
base64 PNG, and tables of what a person must look at. ``write_report`` does both and
writes ``<workspace>/report/index.html``.

Every string from a submission (findings quote the student's code) goes through Jinja2's
autoescape; the page loads nothing from anywhere, and its Content-Security-Policy
(``PAGE_POLICY``) lets it run no script even if some markup got through.

Definitions used throughout:

- a submission is one (lesson, student) results file; "handed in" means status graded,
  invalid or error (not missing); mean and median scores are over handed-in submissions;
- flagged: the integrity scan reported at least one finding (manual review needed);
- a problem: status is not "graded", or the sandbox's execution status is not "ok";
- stopped: execution ended before the last cell (``stopped_cell``; a notebook timeout
  always); recovered: every code cell had its turn, but a crash was recovered from (a
  restart: ``restarts``) or outputs were cut (``truncated``): each cost only its cell;
- a test: an autograded nbgrader cell (a code grade cell that is not a solution cell);
  passing it means full points on it.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import os
import statistics
from collections import Counter
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

from autograder.config import Course, CourseConfigError, scripts_on_path
from autograder.workspace import counted_score, gradebook_exists, shown_url

REPORT_FOLDER = "report"
HANDED_IN = ("graded", "invalid", "error")
STATUSES = ("graded", "missing", "invalid", "error")

# How execution went (``outcome_key``), in legend order: label and colour (Okabe-Ito).
# Stops are keyed by the sandbox's status; the notebooks that went on past a crash or an
# output cut have keys of their own.
EXECUTION_STYLE: dict[str, tuple[str, str]] = {
    "ok": ("ok", "#56B4E9"),
    "restarted": ("restarted, went on", "#F0E442"),
    "output_cut": ("output cut, went on", "#009E73"),
    "notebook_timeout": ("timeout, stopped", "#E69F00"),
    "memory": ("memory, stopped", "#CC79A7"),
    "kernel_died": ("kernel died, stopped", "#D55E00"),
    "output_limit": ("output limit, stopped", "#0072B2"),
    "invalid": ("invalid", "#999999"),
}
OTHER_EXECUTION = ("not run / unknown", "#444444")
# What a restart followed (its ``cause``), for the problems table.
CAUSE_LABELS = {"memory": "memory", "kernel_died": "kernel died",
                "unresponsive": "ignored the interrupt", "failed": "execution failed"}  # fmt: skip

_EPSILON = 1e-9

# The report quotes students' code, names and error messages (all autoescaped). As a second
# wall its page runs no script and loads nothing: its plots are data: images, its style inline.
PAGE_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'"
)


# --------------------------------------------------------------------------- the numbers


def report_data(course: Course) -> dict[str, Any]:
    """Everything the report shows, as plain JSON-friendly values.

    Keys: ``course`` (id, title), ``generated`` and ``results_written`` (ISO times),
    ``empty`` (no results at all), ``students`` (sorted ids: everyone with a result, plus
    the roster), ``n_students``, ``counts`` (submissions per status), ``handed_in``,
    ``flagged`` (submissions with findings), ``sandbox`` (``all``/``some``/``none``/``n/a``
    with ``sandboxed`` and ``executed`` counts), ``lessons`` (per lesson: counts, scores,
    mean, median, ``manual_pending``), ``submissions`` (one dict per results file),
    ``tests`` (per autograded cell, in notebook order: passed, total, pass_rate, lost),
    ``flagged_rows`` (one per finding), ``problems``, ``grades`` (student -> lesson ->
    cell of the grade table) and ``warnings`` (files that could not be read).
    """
    warnings: list[str] = []
    submissions = _read_results(course, warnings)
    gradebook = _read_gradebook(course, submissions, warnings)

    for sub in submissions:
        current = gradebook["scores"].get((sub["lesson"], sub["student"]))
        if current is not None and sub["status"] != "missing":
            sub["score"] = current  # hand-given points count too
        sub["manual_pending"] = (sub["lesson"], sub["student"]) in gradebook["pending"]

    try:
        roster = course.students() or []
    except CourseConfigError as error:
        warnings.append(f"roster: {error}")
        roster = []
    students = sorted({sub["student"] for sub in submissions} | set(roster))
    counts = Counter(sub["status"] for sub in submissions)
    executed = [s for s in submissions if s["status"] != "missing" and s["execution"]]
    sandboxed = sum(1 for s in executed if s["sandboxed"])
    if not executed:
        sandbox = "n/a"
    elif sandboxed == len(executed):
        sandbox = "all"
    elif sandboxed:
        sandbox = "some"
    else:
        sandbox = "none"

    lessons = []
    for lesson in course.lessons:
        mine = [s for s in submissions if s["lesson"] == lesson.id]
        handed = [s for s in mine if s["status"] in HANDED_IN]
        scores = [s["score"] for s in handed]
        lesson_counts = Counter(s["status"] for s in mine)
        lessons.append(
            {
                "id": lesson.id,
                "title": lesson.title,
                "points": lesson.points,
                "submissions": len(mine),
                "handed_in": len(handed),
                "counts": {status: lesson_counts.get(status, 0) for status in STATUSES},
                "flagged": sum(1 for s in mine if s["findings"] or s["tampered"]),
                "manual_pending": sum(1 for s in handed if s["manual_pending"]),
                "scores": scores,
                "mean": statistics.fmean(scores) if scores else None,
                "median": statistics.median(scores) if scores else None,
                "notebook_timeout": lesson.limits.notebook_timeout,
                "memory_mb": lesson.limits.memory_mb,
                # Crashes recovered from: restarts in all, submissions with any; cells
                # whose outputs were cut, submissions with any; stopped, recovered.
                "restarts": sum(s["restarts"] for s in mine),
                "restarted": sum(1 for s in mine if s["restarts"]),
                "truncated": sum(s["truncated"] for s in mine),
                "cut": sum(1 for s in mine if s["truncated"]),
                "stopped": sum(1 for s in mine if s["outcome"] == "stopped"),
                "recovered": sum(1 for s in mine if s["outcome"] == "recovered"),
            }
        )

    flagged_rows = [
        {"student": s["student"], "lesson": s["lesson"], **finding}
        for s in submissions
        for finding in s["findings"]
    ]
    flagged_rows.sort(key=lambda r: (r["student"], r["lesson"]))  # stable: notebook order
    # Tampered submissions come first: a canary test passed, the kernel lied about tests.
    tampered_rows = sorted(
        (
            {"student": s["student"], "lesson": s["lesson"], "tests": s["canaries_passed"]}
            for s in submissions
            if s["tampered"]
        ),
        key=lambda r: (r["lesson"], r["student"]),
    )
    problems = [
        {key: s[key] for key in ("student", "lesson", "status", "execution", "outcome",
                                 "outcome_key", "restarts", "restart_causes", "truncated",
                                 "reason")}
        for s in submissions
        if s["status"] != "graded" or s["execution"] != "ok"
    ]  # fmt: skip
    order = {"error": 0, "invalid": 1, "graded": 2, "missing": 3}
    problems.sort(key=lambda p: (order.get(p["status"], 0), p["lesson"], p["student"]))

    grades: dict[str, dict[str, dict[str, Any]]] = {student: {} for student in students}
    for s in submissions:
        grades[s["student"]][s["lesson"]] = {
            "score": s["score"],
            "max_score": s["max_score"],
            "status": s["status"],
            "execution": s["execution"],
            "outcome": s["outcome"],
            "outcome_key": s["outcome_key"],
            "rules": sorted({f["rule"] for f in s["findings"]}),
        }

    times = [sub.pop("_mtime") for sub in submissions]
    return {
        "course": {"id": course.id, "title": course.title},
        "workspace": str(course.workspace),
        "generated": datetime.now().astimezone().isoformat(timespec="seconds"),
        "results_written": (
            datetime.fromtimestamp(max(times)).astimezone().isoformat(timespec="seconds")
            if times
            else None
        ),
        "empty": not submissions,
        "students": students,
        "n_students": len(students),
        "counts": {status: counts.get(status, 0) for status in STATUSES},
        "handed_in": sum(counts.get(status, 0) for status in HANDED_IN),
        "flagged": sum(1 for s in submissions if s["findings"] or s["tampered"]),
        "sandbox": {"mode": sandbox, "sandboxed": sandboxed, "executed": len(executed)},
        "lessons": lessons,
        "submissions": submissions,
        "tests": gradebook["tests"],
        "flagged_rows": flagged_rows,
        "tampered_rows": tampered_rows,
        "problems": problems,
        "grades": grades,
        "warnings": warnings,
    }


def _read_results(course: Course, warnings: list[str]) -> list[dict[str, Any]]:
    """The results files of the course's lessons (``Layout.results``), as the report's
    rows; an unreadable file is a warning and is left out."""
    results, problems = course.layout.results([lesson.id for lesson in course.lessons])
    warnings.extend(problems)
    points = {lesson.id: lesson.points for lesson in course.lessons}
    submissions = []
    for result in results:
        try:
            row = _submission(asdict(result), result.lesson, result.student, points[result.lesson])
        except (ValueError, TypeError) as error:
            path = course.layout.result_path(result.lesson, result.student)
            warnings.append(f"{path}: unreadable results file ({error}); left out")
            continue
        row["_mtime"] = 0.0
        with contextlib.suppress(OSError):
            row["_mtime"] = course.layout.result_path(result.lesson, result.student).stat().st_mtime
        submissions.append(row)
    return submissions


def _submission(raw: dict[str, Any], lesson: str, student: str, points: float) -> dict[str, Any]:
    findings = []
    for finding in raw.get("findings") or []:
        if not isinstance(finding, dict):
            raise ValueError("a finding is not a JSON object")
        findings.append(
            {
                "cell": str(finding.get("cell", "")),
                "line": int(finding.get("line") or 0),
                "code": str(finding.get("code", "")),
                "rule": str(finding.get("rule", "")),
                "message": str(finding.get("message", "")),
            }
        )
    return {
        "lesson": lesson,
        "student": student,  # the file's name: that is where grade.py put it
        "status": str(raw.get("status") or "error"),
        "score": float(raw.get("score") or 0.0),
        "max_score": float(raw.get("max_score") or points),
        "reason": str(raw.get("reason") or ""),
        "execution": str(raw.get("execution") or ""),
        "seconds": float(raw.get("seconds") or 0.0),
        "peak_memory_mb": float(raw.get("peak_memory_mb") or 0.0),
        "sandboxed": bool(raw.get("sandboxed")),
        "findings": findings,
        "tampered": bool(raw.get("tampered")),
        "canaries_passed": [str(name) for name in (raw.get("canaries") or {}).get("passed", [])],
        "withheld": str(raw.get("withheld") or ""),
        **_outcome(raw),
    }


def _outcome(raw: dict[str, Any]) -> dict[str, Any]:
    """How execution went, from a result's fields: ``outcome`` ("" when nothing ran, "ok",
    "invalid", "stopped" or "recovered"), ``outcome_key`` (its ``EXECUTION_STYLE`` key),
    ``restarts`` and ``truncated`` (how many), ``restart_causes``."""
    execution = str(raw.get("execution") or "")
    restarts = [r for r in raw.get("restarts") or [] if isinstance(r, dict)]
    truncated = [t for t in raw.get("truncated") or [] if isinstance(t, dict)]
    stopped = raw.get("stopped_cell") is not None or execution == "notebook_timeout"
    if execution in ("", "ok", "invalid"):
        outcome, key = execution, execution
    elif stopped:
        outcome, key = "stopped", execution
    else:  # every code cell had its turn
        outcome, key = "recovered", "restarted" if restarts else "output_cut"
    causes = [str(r.get("cause") or r.get("status") or "") for r in restarts]
    return {
        "outcome": outcome,
        "outcome_key": key,
        "restarts": len(restarts),
        "truncated": len(truncated),
        "restart_causes": causes,
    }


def _read_gradebook(
    course: Course, submissions: list[dict[str, Any]], warnings: list[str]
) -> dict[str, Any]:
    """Per-test pass counts, current scores and pending hand grading, from nbgrader.

    An SQLite gradebook that does not exist is not created (nothing was graded); one that
    cannot be read is a warning, and the report goes on from the results files alone.
    """
    found: dict[str, Any] = {"scores": {}, "pending": set(), "tests": []}
    url = course.gradebook_url
    if not gradebook_exists(url):
        return found
    handed_in = {(s["lesson"], s["student"]) for s in submissions if s["status"] in HANDED_IN}
    if not handed_in:
        return found
    try:
        from nbgrader.api import Gradebook, MissingEntry

        scripts_on_path(os.environ)  # nbgrader runs `alembic` when it creates the tables
        with Gradebook(url) as gradebook:
            for lesson in course.lessons:
                try:
                    assignment = gradebook.find_assignment(lesson.id)
                except MissingEntry:
                    continue
                found["tests"].extend(
                    _lesson_tests(course, lesson, assignment, gradebook, handed_in, found)
                )
    except Exception as error:  # a locked, foreign or broken database: say so, go on
        problem = str(error).replace(url, shown_url(url))  # never a password in the page
        warnings.append(
            f"gradebook {shown_url(url)}: could not be read ({type(error).__name__}: {problem})"
        )
        found["scores"].clear()
        found["pending"].clear()
        found["tests"] = []
    return found


def _lesson_tests(course, lesson, assignment, gradebook, handed_in, found) -> list[dict]:
    multiple = len(assignment.notebooks) > 1
    tests: dict[tuple[str, str], dict[str, Any]] = {}
    for notebook in sorted(assignment.notebooks, key=lambda n: n.name):
        solutions = {cell.name for cell in notebook.solution_cells}
        names = [
            cell.name
            for cell in notebook.grade_cells
            if cell.cell_type == "code" and cell.name not in solutions
        ]
        position = _notebook_order(course.source / lesson.id / f"{notebook.name}.ipynb")
        names.sort(key=lambda name: position.get(name, len(position)))
        for name in names:
            cell = next(c for c in notebook.grade_cells if c.name == name)
            tests[(notebook.name, name)] = {
                "lesson": lesson.id,
                "notebook": notebook.name,
                "cell": f"{notebook.name}/{name}" if multiple else name,
                "max_score": float(cell.max_score),
                "passed": 0,
                "total": 0,
            }
    for submitted in gradebook.assignment_submissions(lesson.id):
        key = (lesson.id, submitted.student_id)
        if key not in handed_in:
            continue
        found["scores"][key] = counted_score(submitted)
        if submitted.needs_manual_grade:
            found["pending"].add(key)
        for notebook in submitted.notebooks:
            for grade in notebook.grades:
                test = tests.get((notebook.name, grade.name))
                if test is None:
                    continue
                test["total"] += 1
                if float(grade.score) >= test["max_score"] - _EPSILON:
                    test["passed"] += 1
    for test in tests.values():
        test["lost"] = test["total"] - test["passed"]
        test["pass_rate"] = test["passed"] / test["total"] if test["total"] else None
    return list(tests.values())


def _notebook_order(path: Path) -> dict[str, int]:
    """grade_id -> position of the cell in the instructor's notebook ({} if unreadable)."""
    order: dict[str, int] = {}
    try:
        for index, cell in enumerate(json.loads(path.read_text())["cells"]):
            grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            if grade_id:
                order.setdefault(grade_id, index)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}
    return order


# --------------------------------------------------------------------------- the plots


def _figure(width: float, height: float):
    """A matplotlib Figure on its own Agg canvas: no pyplot, no shared state."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=110, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _png(figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", facecolor="white")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _style(axes, *, grid_axis: str = "y") -> None:
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis=grid_axis, color="#dddddd", linewidth=0.8)
    axes.set_axisbelow(True)


def _bin_step(points: float) -> float:
    """A round bin width giving about 20 bins from 0 to ``points`` (0.5 at least)."""
    for step in (0.5, 1, 2, 2.5, 5, 10, 20, 25, 50, 100):
        if points / step <= 25:
            return step
    return points / 20


def plot_scores(data: dict[str, Any]) -> str | None:
    """Score histograms, one panel per lesson with handed-in work (base64 PNG)."""
    from matplotlib.ticker import MaxNLocator

    lessons = [lesson for lesson in data["lessons"] if lesson["handed_in"]]
    if not lessons:
        return None
    columns = min(len(lessons), 3)
    rows = -(-len(lessons) // columns)
    width = {1: 5.5, 2: 4.2}.get(columns, 3.6)
    figure = _figure(width * columns + 1.8, 3.0 * rows + 0.5)
    axes_grid = figure.subplots(rows, columns, squeeze=False)
    groups = (
        ("graded", "#0072B2", lambda s: s["status"] == "graded" and not s["findings"]),
        (
            "flagged for review",
            "#E69F00",
            lambda s: s["status"] == "graded" and (s["findings"] or s["tampered"]),
        ),
        ("invalid / error", "#999999", lambda s: s["status"] in ("invalid", "error")),
    )
    for index, axes in enumerate(axes_grid.flat):
        if index >= len(lessons):
            axes.set_visible(False)
            continue
        lesson = lessons[index]
        points = lesson["points"]
        step = _bin_step(points)
        edges = [-step / 2 + step * i for i in range(int(points / step) + 2)]
        mine = [s for s in data["submissions"] if s["lesson"] == lesson["id"]]
        values = [[s["score"] for s in mine if keep(s)] for _, _, keep in groups]
        axes.hist(values, bins=edges, stacked=True, color=[c for _, c, _ in groups],
                  label=[name for name, _, _ in groups], edgecolor="white",
                  linewidth=0.6)  # fmt: skip
        axes.axvline(lesson["mean"], color="#333333", linestyle="--", linewidth=1.2,
                     label="mean")  # fmt: skip
        axes.axvline(lesson["median"], color="#333333", linestyle=":", linewidth=1.4,
                     label="median")  # fmt: skip
        axes.set_xlim(-step, points + step)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        numbers = (
            f"n = {lesson['handed_in']}, mean {_number(lesson['mean'])}, "
            f"median {_number(lesson['median'])}"
        )
        axes.set_title(f"{lesson['id']}: {lesson['title']}\n{numbers}", fontsize=9, loc="left")
        axes.set_xlabel(f"score (out of {_number(points)})")
        axes.set_ylabel("students")
        _style(axes)
    handles, labels = axes_grid.flat[0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="outside right upper", fontsize=8, frameon=False)
    figure.suptitle("Score distribution per lesson (handed-in submissions)", fontsize=12,
                    x=0.02, ha="left")  # fmt: skip
    return _png(figure)


def plot_pass_rates(data: dict[str, Any]) -> str | None:
    """Horizontal bars: fraction of students with full points on each test."""
    tests = [t for t in data["tests"] if t["total"]]
    if not tests:
        return None
    colours = ("#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#D55E00")
    lesson_ids = list(dict.fromkeys(t["lesson"] for t in tests))
    labels, rates, bar_colours, notes, positions, headers = [], [], [], [], [], []
    row = 0
    for number, lesson_id in enumerate(lesson_ids):
        headers.append((row, lesson_id))
        row += 1
        for test in (t for t in tests if t["lesson"] == lesson_id):
            positions.append(row)
            labels.append(f"{test['cell']} ({_number(test['max_score'])} pt)")
            rates.append(test["pass_rate"])
            bar_colours.append(colours[number % len(colours)])
            notes.append(f"{test['passed']}/{test['total']}")
            row += 1
    figure = _figure(8.5, 0.9 + 0.32 * row)
    axes = figure.subplots()
    axes.barh(positions, rates, color=bar_colours, height=0.7)
    for position, rate, note in zip(positions, rates, notes, strict=True):
        axes.text(min(rate, 1.0) + 0.01, position, note, va="center", fontsize=8)
    for position, lesson_id in headers:
        axes.text(-0.01, position, lesson_id, va="center", ha="right", fontsize=9,
                  fontweight="bold", transform=axes.get_yaxis_transform())  # fmt: skip
    axes.set_yticks(positions, labels, fontsize=8)
    axes.set_ylim(row - 0.5, -0.5)  # notebook order, top to bottom
    axes.set_xlim(0, 1.12)
    axes.set_xticks([0, 0.25, 0.5, 0.75, 1.0], ["0%", "25%", "50%", "75%", "100%"])
    axes.set_xlabel("students with full points on the test")
    axes.set_ylabel("test cell (grade_id)")
    axes.set_title("Pass rate per test, in notebook order", loc="left")
    _style(axes, grid_axis="x")
    return _png(figure)


def plot_most_failed(data: dict[str, Any], top: int = 10) -> str | None:
    """The tests that the most students lost points on (top ``top``)."""
    failed = sorted((t for t in data["tests"] if t["lost"]),
                    key=lambda t: (-t["lost"], t["lesson"]))[:top]  # fmt: skip
    if not failed:
        return None
    figure = _figure(8.5, 1.0 + 0.36 * len(failed))
    axes = figure.subplots()
    positions = list(range(len(failed)))
    axes.barh(positions, [t["lost"] for t in failed], color="#D55E00", height=0.65)
    for position, test in zip(positions, failed, strict=True):
        axes.text(test["lost"], position, f"  {test['lost']} of {test['total']}",
                  va="center", fontsize=8)  # fmt: skip
    axes.set_yticks(positions, [f"{t['lesson']} / {t['cell']}" for t in failed], fontsize=8)
    axes.set_ylim(len(failed) - 0.5, -0.5)
    axes.set_xlim(0, max(t["lost"] for t in failed) * 1.18)
    from matplotlib.ticker import MaxNLocator

    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlabel("students who lost points on the test")
    axes.set_ylabel("lesson / test cell")
    axes.set_title(f"Most-failed tests (top {len(failed)})", loc="left")
    _style(axes, grid_axis="x")
    return _png(figure)


def plot_per_submission(data: dict[str, Any], key: str) -> str | None:
    """Sorted bars, one per handed-in submission, coloured by the sandbox status.

    ``key`` is ``seconds`` (grading time) or ``peak_memory_mb``; the lessons' limit
    (notebook timeout or memory cap) is drawn when the bars come near it.
    """
    runs = sorted((s for s in data["submissions"] if s["status"] != "missing"),
                  key=lambda s: s[key])  # fmt: skip
    if not runs:
        return None
    figure = _figure(9.5, 4.2)
    axes = figure.subplots()
    styles = [EXECUTION_STYLE.get(s["outcome_key"], OTHER_EXECUTION) for s in runs]
    positions = list(range(len(runs)))
    axes.bar(positions, [s[key] for s in runs], color=[c for _, c in styles],
             width=0.8 if len(runs) <= 80 else 1.0, linewidth=0)  # fmt: skip
    counts = Counter(styles)
    handles = [
        _patch(colour, f"{label} ({counts[(label, colour)]})")
        for label, colour in [*EXECUTION_STYLE.values(), OTHER_EXECUTION]
        if counts[(label, colour)]
    ]
    highest = max(s[key] for s in runs)
    limit_key, limit_label = (
        ("notebook_timeout", "notebook time limit") if key == "seconds" else
        ("memory_mb", "memory limit")
    )  # fmt: skip
    limits = sorted({lesson[limit_key] for lesson in data["lessons"] if lesson["handed_in"]})
    for limit in limits:
        if limit <= 2 * highest:
            axes.axhline(limit, color="#D55E00", linestyle="--", linewidth=1)
            # bars are sorted, shortest first: the left end is free for the label
            axes.text(0.01, limit, f"{limit_label} {_number(limit)}", va="bottom", fontsize=8,
                      color="#D55E00", transform=axes.get_yaxis_transform())  # fmt: skip
    one_lesson = len({s["lesson"] for s in runs}) == 1
    if len(runs) <= 40:
        names = [s["student"] if one_lesson else f"{s['student']} · {s['lesson']}" for s in runs]
        axes.set_xticks(positions, names, rotation=55, ha="right", fontsize=8)
        axes.set_xlabel("submission (student), sorted")
    else:
        axes.set_xticks([])
        axes.set_xlabel(f"{len(runs)} submissions, sorted")
    if key == "seconds":
        axes.set_ylabel("grading time (s)")
        axes.set_title("Grading time per submission, by how execution went", loc="left")
    else:
        axes.set_ylabel("peak kernel memory (MB)")
        axes.set_title("Peak memory per submission, by how execution went", loc="left")
    axes.set_xlim(-0.7, len(runs) - 0.3)
    axes.legend(handles=handles, fontsize=8, frameon=False, loc="upper left",
                bbox_to_anchor=(1.01, 1), title="execution", title_fontsize=8)  # fmt: skip
    _style(axes)
    return _png(figure)


def _patch(colour: str, label: str):
    from matplotlib.patches import Patch

    return Patch(facecolor=colour, label=label)


# --------------------------------------------------------------------------- the page


def plots(data: dict[str, Any]) -> list[dict[str, str]]:
    """The report's figures: id, title, caption, alt text and base64 PNG, in page order."""
    made = [
        ("scores", "Score distribution", plot_scores(data),
         "Look for a pile at 0 (a setup problem or a missed deadline) and for lessons whose "
         "mean is far below the others; orange submissions await review, their scores may "
         "not hold."),
        ("pass-rates", "Pass rate per test", plot_pass_rates(data),
         "A test near 0 % that is not meant to be hard usually means a broken or too "
         "strict test: check it against the instructor's solution first."),
        ("most-failed", "Most-failed tests", plot_most_failed(data),
         "The tests that cost the most students points: start reviewing (or re-teaching) "
         "here."),
        ("time", "Grading time", plot_per_submission(data, "seconds"),
         "Bars marked stopped ended early (time, memory or a dead kernel) and their later "
         "cells score 0; \"went on\" bars had a cell restarted or its output cut and were "
         "graded to the end (the restart's replay is in their time); a tall blue bar ran to "
         "the end but close to the limit: such lessons need a longer limit."),
        ("memory", "Peak memory", plot_per_submission(data, "peak_memory_mb"),
         "Bars at the memory limit had their kernel stopped (and restarted, if they went "
         "on); many blue bars near it mean the limit is too tight for honest solutions."),
    ]  # fmt: skip
    return [
        {"id": key, "title": title, "png": png, "caption": caption, "alt": title}
        for key, title, png, caption in made
        if png is not None
    ]


def render_report(data: dict[str, Any], figures: list[dict[str, str]] | None = None) -> str:
    """The HTML page for ``data`` (``figures`` default to ``plots(data)``)."""
    from jinja2 import Environment

    if figures is None:
        figures = [] if data["empty"] else plots(data)
    environment = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    environment.filters["num"] = _number
    return environment.from_string(TEMPLATE).render(
        data=data,
        figures=figures,
        lessons_by_id={lesson["id"]: lesson for lesson in data["lessons"]},
        execution_labels={key: label for key, (label, _) in EXECUTION_STYLE.items()},
        cause_labels=CAUSE_LABELS,
        policy=PAGE_POLICY,
    )


def write_report(
    course: Course, out: Path | None = None, *, data: dict[str, Any] | None = None
) -> Path:
    """Write the report (default ``<workspace>/report/index.html``); returns its path.

    ``data``: ``report_data(course)`` when the caller has it already (the CLI prints a
    summary from it).
    """
    path = Path(out) if out is not None else course.workspace / REPORT_FOLDER / "index.html"
    html = render_report(data if data is not None else report_data(course))
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(html, encoding="utf-8")
    temporary.replace(path)  # a reader never sees half a page
    return path


def _number(value: float | None, digits: int = 2) -> str:
    if value is None:
        return "–"
    return f"{value:.{digits}f}".rstrip("0").rstrip(".") if digits else f"{value:.0f}"


TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{{ policy }}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ data.course.title }}: grading report</title>
<style>
  body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
         color: #1d2329; background: #f6f7f9; margin: 0; }
  main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 48px; background: #fff; }
  h1 { font-size: 1.7em; margin: 0 0 4px; }
  h2 { font-size: 1.3em; margin: 36px 0 10px; border-bottom: 2px solid #e3e6ea;
       padding-bottom: 4px; }
  .meta { color: #5b6670; margin: 0 0 18px; }
  .banner { padding: 12px 16px; border-radius: 6px; margin: 14px 0; font-weight: 600; }
  .danger { background: #fde8e4; border: 2px solid #d55e00; color: #8a2a00; }
  .notice { background: #fff6e0; border: 1px solid #e69f00; color: #6b4a00; }
  .ok { background: #e8f4fb; border: 1px solid #56b4e9; color: #0b4a6e; font-weight: 500; }
  .cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 12px 0; }
  .card { border: 1px solid #e3e6ea; border-radius: 6px; padding: 8px 14px; min-width: 92px; }
  .card b { display: block; font-size: 1.5em; }
  .card span { color: #5b6670; font-size: .85em; }
  .card.alert { border-color: #d55e00; background: #fdf1ed; }
  table { border-collapse: collapse; width: 100%; margin: 8px 0 4px; font-size: .92em; }
  th, td { border-bottom: 1px solid #e3e6ea; padding: 5px 8px; text-align: left;
           vertical-align: top; }
  th { background: #eef1f4; position: sticky; top: 0; }
  tbody tr:nth-child(even) { background: #fafbfc; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
  code { font: .9em/1.3 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
         background: #f3f0f7; padding: 1px 4px; border-radius: 3px; white-space: pre-wrap;
         word-break: break-all; }
  .tag { display: inline-block; padding: 0 6px; border-radius: 9px; font-size: .85em;
         background: #eef1f4; white-space: nowrap; }
  .tag.bad { background: #fde8e4; color: #8a2a00; }
  .tag.flag { background: #fff0cc; color: #6b4a00; }
  .muted { color: #8a949c; }
  figure { margin: 18px 0 26px; }
  figure img { max-width: 100%; height: auto; border: 1px solid #e3e6ea; }
  figcaption { color: #414b54; font-size: .93em; margin-top: 4px; }
  .scroll { overflow-x: auto; max-height: 80vh; }
  footer { color: #8a949c; font-size: .85em; margin-top: 40px; }
</style>
</head>
<body>
<main>
<h1>{{ data.course.title }}: grading report</h1>
<p class="meta">Course <b>{{ data.course.id }}</b> · report made {{ data.generated }}
{% if data.results_written %} · latest result written {{ data.results_written }}{% endif %}
 · workspace <code>{{ data.workspace }}</code></p>

{% for warning in data.warnings %}
<div class="banner notice">Warning: {{ warning }}</div>
{% endfor %}

{% if data.empty %}
<div class="banner notice">Nothing graded yet: there are no results in
<code>{{ data.workspace }}/results</code>. Run <code>course grade</code> first.</div>
{% else %}
{% set box = data.sandbox %}
{% if box.mode == "all" %}
<div class="banner ok">Sandbox: all {{ box.executed }} notebooks ran inside the bubblewrap
sandbox.</div>
{% elif box.mode != "n/a" %}
<div class="banner danger">WARNING: {{ box.executed - box.sandboxed }} of {{ box.executed }}
notebooks ran WITHOUT the sandbox ({{ box.mode }} sandboxed). Student code had the grader's
access to files and the network: these grades and the course's secrets (hidden tests) cannot
be trusted. Install bubblewrap and grade again with <code>course grade --sandbox on</code>.
</div>
{% endif %}
{% endif %}

<h2>Summary</h2>
<div class="cards">
  <div class="card"><b>{{ data.n_students }}</b><span>students</span></div>
  <div class="card"><b>{{ data.handed_in }}</b><span>handed in</span></div>
  <div class="card"><b>{{ data.counts.graded }}</b><span>graded</span></div>
  <div class="card"><b>{{ data.counts.missing }}</b><span>missing</span></div>
  <div class="card{{ ' alert' if data.counts.invalid }}"><b>{{ data.counts.invalid }}</b>
    <span>invalid</span></div>
  <div class="card{{ ' alert' if data.counts.error }}"><b>{{ data.counts.error }}</b>
    <span>error</span></div>
  <div class="card{{ ' alert' if data.flagged }}"><b>{{ data.flagged }}</b>
    <span>flagged for review</span></div>
  <div class="card{{ ' alert' if data.sandbox.mode in ('some', 'none') }}">
    <b>{{ data.sandbox.mode }}</b><span>sandboxed</span></div>
</div>

<table id="lessons">
<thead><tr><th>lesson</th><th>title</th><th class="num">points</th>
<th class="num">handed in</th><th class="num">graded</th><th class="num">missing</th>
<th class="num">invalid</th><th class="num">error</th><th class="num">flagged</th>
<th class="num">mean</th><th class="num">median</th><th class="num">to grade by hand</th>
<th class="num" title="execution ended early: later cells scored 0">stopped</th>
<th class="num" title="a crash or an output cut cost only its cell">recovered</th>
<th class="num" title="fresh kernels after a crash, in all (submissions with any)">restarts</th>
<th class="num" title="cells whose outputs were cut (submissions with any)">outputs cut</th>
</tr></thead>
<tbody>
{% for lesson in data.lessons %}
<tr><td>{{ lesson.id }}</td><td>{{ lesson.title }}</td><td class="num">{{ lesson.points|num }}</td>
{% if lesson.submissions %}
<td class="num">{{ lesson.handed_in }}</td><td class="num">{{ lesson.counts.graded }}</td>
<td class="num">{{ lesson.counts.missing }}</td><td class="num">{{ lesson.counts.invalid }}</td>
<td class="num">{{ lesson.counts.error }}</td><td class="num">{{ lesson.flagged }}</td>
<td class="num">{{ lesson.mean|num }}</td><td class="num">{{ lesson.median|num }}</td>
<td class="num">{{ lesson.manual_pending }}</td>
<td class="num">{{ lesson.stopped }}</td><td class="num">{{ lesson.recovered }}</td>
<td class="num">{{ lesson.restarts }} ({{ lesson.restarted }})</td>
<td class="num">{{ lesson.truncated }} ({{ lesson.cut }})</td>
{% else %}
<td colspan="13" class="muted">no submissions yet</td>
{% endif %}
</tr>
{% endfor %}
</tbody>
</table>
<p class="muted">Mean and median are over handed-in submissions (graded, invalid or error),
from the gradebook's current scores. "To grade by hand": submissions that nbgrader's
formgrader still lists as needing a manual grade (flagged ones included). "Stopped":
execution ended early and the later cells scored 0; "recovered": every cell had its turn,
but a cell crashed (its kernel was restarted) or printed too much (its output was cut),
which cost only that cell. "Restarts" and "outputs cut" count cells, with the submissions
in brackets.</p>

{% if figures %}
<h2>Plots</h2>
{% for figure in figures %}
<figure id="plot-{{ figure.id }}">
<img src="data:image/png;base64,{{ figure.png }}" alt="{{ figure.alt }}">
<figcaption><b>{{ figure.title }}.</b> {{ figure.caption }}</figcaption>
</figure>
{% endfor %}
{% endif %}

<h2>Tampered: scores withheld ({{ data.tampered_rows|length }} submissions)</h2>
{% if data.tampered_rows %}
<p>In these submissions a canary test passed: a copy of a real test with a wrong
expectation, which fails for every honest notebook, right or wrong. The notebook's process
interfered with the tests (patched checks, silenced errors, forged replies). Their
autograded points count 0 until you decide with <code>course review LESSON STUDENT
--accept</code> or <code>--reject</code>.</p>
<div class="scroll">
<table id="tampered">
<thead><tr><th>student</th><th>lesson</th><th>canaries that passed (copies of)</th></tr></thead>
<tbody>
{% for row in data.tampered_rows %}
<tr><td>{{ row.student }}</td><td>{{ row.lesson }}</td>
<td>{% for test in row.tests %}<code>{{ test }}</code>{{ ", " if not loop.last }}
{% endfor %}</td></tr>
{% endfor %}
</tbody>
</table>
</div>
{% else %}
<p class="muted">No canary test passed.</p>
{% endif %}

<h2>Flagged for manual review ({{ data.flagged }} submissions)</h2>
{% if data.flagged_rows %}
<p>The integrity scan found these lines in the students' own cells. Their autograded points
count 0 until you look (formgrader shows the notebook) and decide with <code>course review
LESSON STUDENT --accept</code> or <code>--reject</code>.</p>
<div class="scroll">
<table id="flagged">
<thead><tr><th>student</th><th>lesson</th><th>rule</th><th>cell</th><th class="num">line</th>
<th>code</th><th>message</th></tr></thead>
<tbody>
{% for row in data.flagged_rows %}
<tr><td>{{ row.student }}</td><td>{{ row.lesson }}</td>
<td><span class="tag flag">{{ row.rule }}</span></td><td>{{ row.cell }}</td>
<td class="num">{{ row.line }}</td><td><code>{{ row.code }}</code></td>
<td>{{ row.message }}</td></tr>
{% endfor %}
</tbody>
</table>
</div>
{% else %}
<p class="muted">Nothing flagged.</p>
{% endif %}

<h2>Submissions with problems ({{ data.problems|length }})</h2>
{% if data.problems %}
<p>Not graded normally (status other than "graded"), stopped by the sandbox (the cells
after the stop scored 0), or recovered: a cell crashed and was skipped, or its output was
cut, and the rest of the notebook was graded (only that cell lost).</p>
<div class="scroll">
<table id="problems">
<thead><tr><th>student</th><th>lesson</th><th>status</th><th>sandbox</th><th>reason</th>
</tr></thead>
<tbody>
{% for row in data.problems %}
<tr><td>{{ row.student }}</td><td>{{ row.lesson }}</td>
<td><span class="tag{{ ' bad' if row.status in ('error', 'invalid') }}">{{ row.status }}</span></td>
<td>{% if row.execution %}<span class="tag{{ ' bad' if row.outcome == 'stopped' }}">
{{- execution_labels.get(row.outcome_key, row.execution) }}</span>
{% if row.restarts %} <span class="tag">restarted after:
{% for cause in row.restart_causes %} {{ cause_labels.get(cause, cause) }}
{{- "," if not loop.last }}{% endfor %}</span>{% endif %}
{% if row.truncated %} <span class="tag">outputs cut: {{ row.truncated }}</span>{% endif %}
{% else %}<span class="muted">–</span>{% endif %}</td>
<td>{{ row.reason or "–" }}</td></tr>
{% endfor %}
</tbody>
</table>
</div>
{% else %}
<p class="muted">None.</p>
{% endif %}

<h2>Grades</h2>
{% if data.students %}
<div class="scroll">
<table id="grades">
<thead><tr><th>student</th>
{% for lesson in data.lessons %}
<th class="num" title="{{ lesson.title }}">{{ lesson.id }}</th>
{% endfor %}
<th class="num">total</th></tr></thead>
<tbody>
{% for student in data.students %}
{% set row = data.grades[student] %}
<tr><td>{{ student }}</td>
{% set total = namespace(score=0, points=0) %}
{% for lesson in data.lessons %}
{% set cell = row.get(lesson.id) %}
{% if cell is none %}
<td class="num muted">–</td>
{% elif cell.status == "missing" %}
{% set total.points = total.points + cell.max_score %}
<td class="num muted">missing</td>
{% else %}
{% set total.score = total.score + cell.score %}
{% set total.points = total.points + cell.max_score %}
<td class="num">{{ cell.score|num }} / {{ cell.max_score|num }}
{% if cell.status != "graded" %} <span class="tag bad">{{ cell.status }}</span>{% endif %}
{% if cell.execution not in ("ok", "") %}
 <span class="tag{{ ' bad' if cell.outcome != 'recovered' }}">
 {{- execution_labels.get(cell.outcome_key, cell.execution) }}</span>
{% endif %}
{% if cell.rules %}
 <span class="tag flag" title="flagged: {{ cell.rules|join(', ') }}">review</span>
{% endif %}
</td>
{% endif %}
{% endfor %}
<td class="num"><b>{{ total.score|num }}</b> / {{ total.points|num }}</td></tr>
{% endfor %}
</tbody>
</table>
</div>
<p class="muted">"–": no result for that lesson yet. The total is over the lessons with a
result.</p>
{% else %}
<p class="muted">No students yet.</p>
{% endif %}

<footer>Made by <code>course report</code> from the results files in
<code>{{ data.workspace }}/results</code> and the nbgrader gradebook. This page is
self-contained: it can be saved or mailed as it is.</footer>
</main>
</body>
</html>
"""
