"""A demo class made from a lesson: good, blank, partial and hostile submissions.

Made from the lesson's own source and release notebooks, so it stays in sync with them:
a perfect submission is the student copy with the instructor's solutions pasted into
the solution cells; a partial one has only the first solution; each hostile one puts
an attack into the first solution cell (the other solutions stay right, so the grade
shows exactly what the attack cost). ``EXPECTED`` says what grading each one must give.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograder.config import Course, Lesson

SOLUTION_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")


@dataclass(frozen=True)
class Expected:
    """What grading a demo submission must give."""

    full_marks: bool  # every autograded point (else: fewer)
    # Every autograded point but those of the first exercise's tests: the attack in the
    # first answer cost that exercise only (a crash is skipped, the rest is graded).
    all_but_first: bool = False
    flagged_rules: tuple[str, ...] = ()  # integrity rules that must be reported
    execution: str | None = None  # the sandbox status, when it matters
    status: str = "graded"
    tampered: bool = False  # a canary test must pass: the kernel lies about tests

    @property
    def withheld(self) -> bool:
        """Whether the autograded score must be withheld until `course review`."""
        return self.tampered or bool(self.flagged_rules)


# The attacks, each put in front of the first solution's code.
ATTACKS: dict[str, str] = {
    "infinite_loop": "while True:\n    pass",
    # Sized from the lesson's memory cap in make_demo_class: 512 MB over it.
    "memory_bomb": "hog = bytearray(b'x') * ({memory_mb} + 512) * 2**20",
    "kernel_exit": "import os\nos._exit(1)",
    # Deaf to the interrupt at the cell's time limit: the kernel is killed and restarted.
    "ignores_interrupt": (
        "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass"
    ),
    "patches_allclose": (
        "np.allclose = lambda *args, **kwargs: True\nnp.isclose = lambda *args, **kwargs: True"
    ),
    "reads_source": (
        "import pathlib\n"
        "print(list(pathlib.Path('../../../../source').rglob('*.ipynb')))\n"
        "print(open('../../../../course/course.toml').read())"
    ),
    "opens_socket": ("import socket\nsocket.create_connection(('127.0.0.1', 22), timeout=1)"),
    "huge_output": "print('x' * 50_000_000)",
    "hooks_tests": (
        "get_ipython().events.register('pre_run_cell', lambda info: print(info.raw_cell))"
    ),
    # Every check passes whatever it is given: the canary tests pass too.
    "fakes_checks": (
        "import dlcourse.checks as _checks\n"
        "for _name in ('check_close', 'check_shape'):\n"
        "    setattr(_checks, _name, lambda *args, **kwargs: None)"
    ),
}

EXPECTED: dict[str, Expected] = {
    "perfect": Expected(full_marks=True),
    "blank": Expected(full_marks=False),
    "partial": Expected(full_marks=False),
    # A crash, a loop or a failed read in the first answer costs that exercise only: the
    # cell is interrupted, or its kernel restarted, and the rest of the notebook is graded.
    "infinite_loop": Expected(full_marks=False, all_but_first=True),
    "memory_bomb": Expected(full_marks=False, all_but_first=True, execution="memory"),
    "kernel_exit": Expected(full_marks=False, all_but_first=True,
                            flagged_rules=("stops-kernel",), execution="kernel_died"),
    "ignores_interrupt": Expected(full_marks=False, all_but_first=True,
                                  flagged_rules=("touches-sys-modules",),
                                  execution="kernel_died"),
    # Right answers after the attack: the grade is earned, the attack goes to a person.
    "patches_allclose": Expected(full_marks=True, flagged_rules=("patches-module",)),
    "reads_source": Expected(full_marks=False, all_but_first=True,
                             flagged_rules=("reads-outside",)),
    "opens_socket": Expected(full_marks=False, all_but_first=True, flagged_rules=("network",)),
    # The print is cut (that cell fails), the answer after it is defined: nothing lost.
    "huge_output": Expected(full_marks=True, execution="output_limit"),
    "hooks_tests": Expected(full_marks=True, flagged_rules=("hooks-ipython",)),
    "deletes_tests": Expected(full_marks=False, flagged_rules=("deleted-test-cell",)),
    "invalid_json": Expected(full_marks=False, status="invalid"),
    "fakes_checks": Expected(full_marks=True, flagged_rules=("dynamic-lookup",), tampered=True),
}  # fmt: skip


WRITTEN_ANSWER = (
    "*A demo answer.* A student's written answer goes here: grade it in formgrader "
    "(`course formgrader`) against the rubric in the source notebook."
)


def solutions(source: nbformat.NotebookNode) -> dict[str, str]:
    """The instructor's code of each solution cell, by grade_id, without the markers."""
    answers = {}
    for cell in source.cells:
        nbgrader = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and nbgrader.get("solution"):
            lines = [line for line in cell.source.splitlines()
                     if line.strip() not in SOLUTION_MARKERS]  # fmt: skip
            answers[nbgrader["grade_id"]] = "\n".join(lines)
    return answers


def make_demo_class(course: Course, lesson: Lesson, submitted: Path) -> dict[str, Expected]:
    """Write every demo submission of ``lesson`` under ``submitted/<student>/<lesson>/``.

    Returns the expected outcome of each student. The lesson must be released first.
    """
    source = nbformat.read(lesson.notebook(course.source), as_version=4)
    release = nbformat.read(lesson.notebook(course.release), as_version=4)
    answers = solutions(source)
    first = next(iter(answers))
    # The perfect student also answers the written questions, so that formgrader has
    # something to grade by hand (the others leave them blank).
    written = {
        cell.metadata["nbgrader"]["grade_id"]: WRITTEN_ANSWER
        for cell in source.cells
        if cell.cell_type == "markdown" and cell.metadata.get("nbgrader", {}).get("solution")
    }

    def with_answers(chosen: dict[str, str]) -> nbformat.NotebookNode:
        notebook = nbformat.from_dict(json.loads(json.dumps(release)))
        for cell in notebook.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id in chosen:
                cell.source = chosen[grade_id]
        return notebook

    makers: dict[str, Callable[[], nbformat.NotebookNode | str]] = {
        "perfect": lambda: with_answers({**answers, **written}),
        "blank": lambda: with_answers({}),
        "partial": lambda: with_answers({first: answers[first]}),
        "deletes_tests": lambda: _without_tests(with_answers(answers)),
        "invalid_json": lambda: '{"cells": [ this is not JSON',
    }
    for name, attack in ATTACKS.items():
        attack = attack.replace("{memory_mb}", str(lesson.limits.memory_mb))
        makers[name] = lambda attack=attack: with_answers(
            {**answers, first: f"{attack}\n\n{answers[first]}"}
        )

    for student, make in makers.items():
        folder = submitted / student.replace("_", "-") / lesson.id
        folder.mkdir(parents=True, exist_ok=True)
        made = make()
        path = folder / f"{lesson.id}.ipynb"
        if isinstance(made, str):
            path.write_text(made)
        else:
            nbformat.write(made, path)
    return {student.replace("_", "-"): expected for student, expected in EXPECTED.items()}


def first_exercise_points(source: nbformat.NotebookNode) -> float:
    """The points of the first exercise's tests: the autograded test cells after the first
    solution cell, up to the next one."""
    points, inside = 0.0, False
    for cell in source.cells:
        nbgrader = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and nbgrader.get("solution"):
            if inside:
                break
            inside = True
        elif inside and cell.cell_type == "code" and nbgrader.get("grade"):
            points += float(nbgrader.get("points", 0) or 0)
    return points


def _without_tests(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    notebook.cells = [
        cell
        for cell in notebook.cells
        if not (cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade"))
    ]
    return notebook
