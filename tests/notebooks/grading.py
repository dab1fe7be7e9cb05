"""Grade a lesson's mutants and alternatives the way a class is graded: with `course grade`.

For each answer cell of a lesson this makes a *cut* notebook: the set-up cell, every answer
cell (the instructor's solutions) and that answer's test cells, nothing else. The cut
notebooks are the lessons of a scratch course; each case is one student's submission of
one cut lesson, with the answer cell's code replaced:

- ``reference``: the instructor's solution. It must score full marks, which proves the
  answer cells and the tests need nothing from the lesson's other cells.
- ``stub``: the student copy's stub. It must score 0.
- ``mutant-<name>``: ``tests/notebooks/cases/<lesson>/<answer>/mutant_<name>.py``, a
  plausible wrong implementation. It must lose points.
- ``alternative-<name>``: ``alternative_<name>.py``, a correct implementation written
  another way. It must score full marks.
- ``upstream-<name>``: ``upstream_<name>.py``, whose first line is ``# replaces: <other
  answer>``: a broken *earlier* answer. The file's code replaces that other answer's cell,
  and this answer's tests must still give full marks (its hidden tests put the reference
  versions of the earlier answers in place with ``checks.substitute``): one mistake costs
  its points once.

A mutant whose first line is ``# mistake: <id>`` declares its mistake, an id of the hint
catalogue ``dlcourse.hints.MISTAKES``.

Visible checks. Besides the grade, the reference and every mutant also run the *visible*
checks alone: the test cells as the student copy has them (nbgrader's
``ClearHiddenTests``). A mutant is *caught* when at least one visible test cell fails; the
*visible kill rate* of an answer is the share of its mutants caught (``visible_kill``). A
caught mutant whose failure text contains its declared mistake's sentence from the
catalogue *names its mistake* (``hint_rate``, per lesson). The reference must pass its
visible checks, or the figure means nothing (a visible check that uses a name defined
only in a hidden block fails every answer).

Test cells belong to the answer whose ``grade_id`` is the longest prefix of theirs
(``dense_forward_shape`` belongs to ``dense_forward``).

Two ways to grade, with the same scores:

- ``pipeline``: every case is a submission graded by ``course grade`` (``grade_all``): its
  own sandboxed kernel, nbgrader's autograde and gradebook. Faithful, and about 6.5 s a
  case, most of it TensorFlow's import in each new kernel.
- ``kernel`` (the default): all cases of one answer run in one sandboxed kernel, each after
  ``%reset -f`` and the set-up cell, and each test cell is scored with nbgrader's own
  ``determine_grade``. One TensorFlow import per answer instead of one per case. Cases are
  trusted test data (no case patches a module), so a reset namespace is a fresh start;
  ``test_cases.py`` checks that both ways agree. The visible checks of a case run in the
  same kernel, in a pass of their own just before its graded pass (a reset, the set-up
  cell, the answer cells, the visible test cells), so they cannot change its grade.
  Only this mode measures the visible checks.

By hand: ``.venv/bin/python -m tests.notebooks.grading 01_tensors [ANSWER ...] [--pipeline]``
prints every case and, per answer, how many mutants the visible checks catch;
``--report LESSON [LESSON ...]`` prints a Markdown table per lesson (visible kill per answer,
hints, hidden-only test cells).
"""

from __future__ import annotations

import argparse
import importlib
import json
import re
import shutil
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograder.config import DEFAULT_COURSE_FILE, Course, load_course
from autograder.democlass import solutions

REPOSITORY = Path(__file__).resolve().parents[2]
CASES = REPOSITORY / "tests" / "notebooks" / "cases"
KINDS = ("mutant", "alternative", "upstream")
# A case file's first line may say more about it: a mutant's mistake, an upstream's target.
_MISTAKE = re.compile(r"#\s*mistake:\s*(\S*)\s*$")
_REPLACES = re.compile(r"#\s*replaces:\s*(\S*)\s*$")


@dataclass(frozen=True)
class Case:
    """One submission of one cut lesson: an answer cell's code, and what it must score."""

    lesson: str  # the real lesson, e.g. 01_tensors
    answer: str  # the answer cell's grade_id: its tests grade the case
    kind: str  # reference, stub, mutant, alternative or upstream
    name: str  # the file's name after the kind ("" for reference and stub)
    code: str | None  # the new source of the `target` cell; None keeps the answer's stub
    replaces: str | None = None  # upstream: the earlier answer whose cell `code` replaces
    mistake: str | None = None  # mutant: the hint catalogue's id of its mistake, if declared

    @property
    def target(self) -> str:
        """The answer cell whose source this case changes."""
        return self.replaces or self.answer

    @property
    def student(self) -> str:
        """The nbgrader student id of this case."""
        return f"{self.kind}-{self.name}" if self.name else self.kind

    @property
    def label(self) -> str:
        return f"{self.lesson}/{self.answer}/{self.student}"

    def as_expected(self, score: float, max_score: float) -> bool:
        """Whether a grade is what this kind of case must get."""
        if self.kind in ("reference", "alternative", "upstream"):
            return max_score > 0 and score >= max_score
        if self.kind == "stub":
            return score == 0
        return score < max_score


def graded_code_cells(notebook) -> list:
    return [
        cell
        for cell in notebook.cells
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade")
    ]


def answer_ids(notebook) -> list[str]:
    """The grade_ids of the answer cells (code cells with a solution), in notebook order."""
    return [
        cell.metadata["nbgrader"]["grade_id"]
        for cell in notebook.cells
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution")
    ]


def owner(test_id: str, answers: list[str]) -> str | None:
    """The answer a test cell belongs to: the longest answer id that prefixes its id."""
    owners = [answer for answer in answers if test_id.startswith(f"{answer}_")]
    return max(owners, key=len) if owners else None


def answer_tests(notebook) -> dict[str, list[str]]:
    """Each answer's test cell grade_ids; a ValueError names any test that has no answer."""
    answers = answer_ids(notebook)
    found: dict[str, list[str]] = {answer: [] for answer in answers}
    for cell in graded_code_cells(notebook):
        test_id = cell.metadata["nbgrader"]["grade_id"]
        answer = owner(test_id, answers)
        if answer is None:
            raise ValueError(
                f"test cell {test_id!r} belongs to no answer: its grade_id must start with "
                f"one of {answers} followed by '_'"
            )
        found[answer].append(test_id)
    return found


def cut(notebook, answer: str):
    """The set-up cell, every answer cell and ``answer``'s test cells."""
    keep = set(answer_tests(notebook)[answer])
    cells = []
    for cell in notebook.cells:
        nbgrader = cell.metadata.get("nbgrader", {})
        grade_id = nbgrader.get("grade_id")
        is_answer = cell.cell_type == "code" and nbgrader.get("solution")
        if grade_id == "setup" or is_answer or grade_id in keep:
            cells.append(cell)
    short = nbformat.from_dict(json.loads(json.dumps(notebook)))
    short.cells = [nbformat.from_dict(json.loads(json.dumps(cell))) for cell in cells]
    return short


def points(notebook) -> float:
    return sum(cell.metadata["nbgrader"].get("points", 0) for cell in graded_code_cells(notebook))


def cases(
    lesson: str, answers: list[str] | None = None, *, course_file: Path = DEFAULT_COURSE_FILE
) -> list[Case]:
    """Every case of a lesson (of the named answers only, when given), in a stable order."""
    notebook = read_source(lesson, course_file)
    known = answer_ids(notebook)
    unknown = sorted(set(answers or []) - set(known))
    if unknown:
        raise ValueError(f"{lesson} has no answer cell {unknown}; its answers are {known}")
    folder = CASES / lesson
    if folder.is_dir():
        strays = sorted(p.name for p in folder.iterdir() if p.name not in known)
        if strays:
            raise ValueError(f"{folder} has folders for no answer cell: {strays}")
    reference = solutions(notebook)
    found = []
    for answer in answers or known:
        found.append(Case(lesson, answer, "reference", "", reference[answer]))
        found.append(Case(lesson, answer, "stub", "", None))
        for path in sorted((folder / answer).glob("*.py")):
            found.append(_case_file(lesson, answer, path, known))
    return found


def _case_file(lesson: str, answer: str, path: Path, known: list[str]) -> Case:
    """The case a file holds; a ValueError says what is wrong with its name or first line."""
    kind, _, name = path.stem.partition("_")
    if kind not in KINDS or not name:
        raise ValueError(
            f"{path}: a case file is mutant_<name>.py, alternative_<name>.py or upstream_<name>.py"
        )
    code = path.read_text()
    first = code.split("\n", 1)[0].strip()
    replaces = mistake = None
    if kind == "upstream":
        match = _REPLACES.match(first)
        if not match or not match.group(1):
            raise ValueError(f"{path}: an upstream case starts with '# replaces: <answer id>'")
        replaces = match.group(1)
        if replaces == answer or replaces not in known:
            others = [other for other in known if other != answer]
            raise ValueError(
                f"{path}: '# replaces: {replaces}' names no other answer cell; "
                f"{lesson}'s other answers are {others}"
            )
    elif (match := _MISTAKE.match(first)) is not None:
        if kind != "mutant" or not match.group(1):
            raise ValueError(f"{path}: only a mutant declares '# mistake: <id>'")
        mistake = match.group(1)
    label = name.replace("_", "-")
    return Case(lesson, answer, kind, label, code, replaces=replaces, mistake=mistake)


def mistake_catalogue() -> dict[str, str] | None:
    """``dlcourse.hints.MISTAKES`` (mistake id -> sentence), or None while it does not exist."""
    try:
        hints = importlib.import_module("dlcourse.hints")
    except ModuleNotFoundError as error:
        if error.name not in ("dlcourse.hints", "dlcourse"):
            raise
        return None
    return dict(hints.MISTAKES)


def unknown_mistakes(found: Iterable[Case], catalogue: dict[str, str] | None) -> list[str]:
    """A problem for each case that declares a mistake the catalogue does not have."""
    known = catalogue or {}
    return [
        f"{case.answer}/{case.kind}_{case.name.replace('-', '_')}.py: '# mistake: "
        f"{case.mistake}' is not an id of dlcourse.hints.MISTAKES"
        + ("" if catalogue is not None else " (dlcourse/hints.py does not exist yet)")
        for case in found
        if case.mistake is not None and case.mistake not in known
    ]


def hidden_only_tests(notebook) -> dict[str, list[str]]:
    """Each answer's test cells that the student copy shows as a docstring (and comments)
    only: everything they check is hidden."""
    from autograder import cells

    by_id = {cell.metadata["nbgrader"]["grade_id"]: cell for cell in graded_code_cells(notebook)}
    return {
        answer: [test for test in tests if not cells.has_visible_code(by_id[test].source)]
        for answer, tests in answer_tests(notebook).items()
    }


def read_source(lesson: str, course_file: Path = DEFAULT_COURSE_FILE):
    """The lesson's instructor notebook, from the source folder of the course's toml."""
    path = load_course(course_file).source / lesson / f"{lesson}.ipynb"
    if not path.is_file():
        raise FileNotFoundError(f"{path} does not exist")
    return nbformat.read(path, as_version=4)


def cut_lesson_id(lesson: str, answer: str) -> str:
    return f"{lesson}__{answer}"


def scratch_course(
    lesson: str, answers: list[str], root: Path, course_file: Path = DEFAULT_COURSE_FILE
) -> Course:
    """A course whose lessons are ``lesson`` cut down to each of ``answers``, released."""
    from autograder.release import release_lessons

    notebook = read_source(lesson, course_file)
    limits = _lesson_limits(lesson, course_file)
    lines = [
        "[course]",
        f'id = "cases-{lesson}"',
        f'title = "Cases of {lesson}"',
        'repository = "https://example.invalid/cases"',
        "",
        "[limits]",
        *(f"{key} = {value}" for key, value in limits.items()),
    ]
    for answer in answers:
        short = cut(notebook, answer)
        lesson_id = cut_lesson_id(lesson, answer)
        path = root / "source" / lesson_id / f"{lesson_id}.ipynb"
        path.parent.mkdir(parents=True)
        nbformat.write(short, path)
        lines += ["", "[[lessons]]", f'id = "{lesson_id}"', f'title = "{answer}"',
                  f"points = {points(short):g}"]  # fmt: skip
    (root / "course").mkdir(parents=True)
    (root / "course" / "course.toml").write_text("\n".join(lines) + "\n")
    course = load_course(root / "course" / "course.toml")
    problems = [p for r in release_lessons(course, course.lessons, run=False) for p in r.problems]
    if problems:
        raise RuntimeError(f"releasing the cut notebooks of {lesson} failed: {problems}")
    return course


def _lesson_limits(lesson: str, course_file: Path) -> dict[str, float]:
    """The real lesson's limits from its course.toml, or the course's defaults."""
    course = load_course(course_file)
    chosen = next((x.limits for x in course.lessons if x.id == lesson), course.defaults)
    return {
        "cell_timeout": chosen.cell_timeout,
        "notebook_timeout": chosen.notebook_timeout,
        "memory_mb": chosen.memory_mb,
        "output_mb": chosen.output_mb,
    }


def submit(course: Course, case: Case) -> None:
    """Write the case as its student's submission: the student copy with answers pasted."""
    lesson_id = cut_lesson_id(case.lesson, case.answer)
    released = course.release / lesson_id / f"{lesson_id}.ipynb"
    notebook = nbformat.read(released, as_version=4)
    answers = solutions(nbformat.read(course.source / lesson_id / f"{lesson_id}.ipynb", 4))
    if case.code is None:
        answers.pop(case.answer)
    else:
        answers[case.target] = case.code
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    target = course.workspace / "submitted" / case.student / lesson_id / f"{lesson_id}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, target)


@dataclass(frozen=True)
class Outcome:
    case: Case
    score: float
    max_score: float
    status: str
    reason: str
    # The visible checks alone (kernel mode; reference and mutants only, else None): the
    # grade_ids of the test cells whose visible part failed, and what those failures said.
    visible_failed: tuple[str, ...] | None = None
    visible_text: str = ""
    # Whether visible_text names the mutant's declared mistake (None: none declared or
    # measured).
    hint_named: bool | None = None

    @property
    def ok(self) -> bool:
        return self.status == "graded" and self.case.as_expected(self.score, self.max_score)

    @property
    def caught(self) -> bool | None:
        """Whether the visible checks alone fail (None: not measured)."""
        return None if self.visible_failed is None else bool(self.visible_failed)


@dataclass(frozen=True)
class VisibleKill:
    """How many of an answer's mutants its visible checks catch."""

    lesson: str
    answer: str
    caught: int
    mutants: int
    missed: tuple[str, ...]  # the students (mutant-<name>) the visible checks let through
    reference_passes: bool | None  # the reference passes its visible checks (None: unknown)

    @property
    def rate(self) -> float | None:
        return self.caught / self.mutants if self.mutants else None

    def describe(self) -> str:
        if not self.mutants:
            return "visible checks: no mutant measured"
        line = (
            f"visible checks catch {self.caught} of {self.mutants} mutants "
            f"({100 * self.caught / self.mutants:.0f}%)"
        )
        if self.reference_passes is False:
            line += "; BUT THEY FAIL THE REFERENCE TOO (the figure means nothing)"
        return line


def visible_kill(outcomes: Iterable[Outcome]) -> list[VisibleKill]:
    """Per answer, in the outcomes' order: the mutants the visible checks catch."""
    by_answer: dict[tuple[str, str], list[Outcome]] = {}
    for outcome in outcomes:
        by_answer.setdefault((outcome.case.lesson, outcome.case.answer), []).append(outcome)
    found = []
    for (lesson, answer), mine in by_answer.items():
        mutants = [o for o in mine if o.case.kind == "mutant" and o.caught is not None]
        reference = [o.caught for o in mine if o.case.kind == "reference" and o.caught is not None]
        found.append(
            VisibleKill(
                lesson,
                answer,
                caught=sum(bool(o.caught) for o in mutants),
                mutants=len(mutants),
                missed=tuple(o.case.student for o in mutants if not o.caught),
                reference_passes=(not reference[0]) if reference else None,
            )
        )
    return found


@dataclass(frozen=True)
class HintRate:
    """How many of a lesson's mutants get a visible failure that names their mistake."""

    lesson: str
    named: int
    declared: int  # mutants that declare a mistake
    mutants: int  # all the lesson's measured mutants
    catalogue: bool  # whether dlcourse.hints exists

    def describe(self) -> str:
        if not self.mutants:
            return "hints: no mutant measured"
        share = f"{100 * self.named / self.mutants:.0f}%"
        line = (
            f"the visible failure names the mistake for {self.named} of {self.mutants} "
            f"mutants ({share}; {self.declared} declare one)"
        )
        return line if self.catalogue else line + "; dlcourse/hints.py does not exist yet"


def hint_rate(outcomes: Iterable[Outcome], catalogue: bool = True) -> list[HintRate]:
    """Per lesson: the share of measured mutants whose visible failure names their mistake."""
    by_lesson: dict[str, list[Outcome]] = {}
    for outcome in outcomes:
        if outcome.case.kind == "mutant" and outcome.caught is not None:
            by_lesson.setdefault(outcome.case.lesson, []).append(outcome)
    return [
        HintRate(
            lesson,
            named=sum(bool(o.hint_named) for o in mine),
            declared=sum(o.case.mistake is not None for o in mine),
            mutants=len(mine),
            catalogue=catalogue,
        )
        for lesson, mine in by_lesson.items()
    ]


def names_mistake(case: Case, text: str, catalogue: dict[str, str] | None) -> bool | None:
    """Whether a failure text contains the sentence of the case's declared mistake; None
    when it declares none. Whitespace-insensitive (a message may wrap it), and a field of
    the sentence (``{axis}``, ``{factor}``: the recogniser fills them in) matches any text.
    """
    if case.mistake is None:
        return None
    sentence = (catalogue or {}).get(case.mistake)
    if not sentence:
        return False
    squeeze = lambda text: " ".join(text.split())  # noqa: E731
    pattern = re.sub(r"\\\{\w+\\\}", ".+?", re.escape(squeeze(sentence)))
    return re.search(pattern, squeeze(text)) is not None


MODES = ("kernel", "pipeline")


def grade_cases(
    lesson: str,
    root: Path,
    answers: list[str] | None = None,
    *,
    mode: str = "kernel",
    jobs: int | None = None,
    course_file: Path = DEFAULT_COURSE_FILE,
) -> list[Outcome]:
    """Grade every case of ``lesson`` (of ``answers`` only, when given), working under ``root``.

    ``mode`` is ``kernel`` (one kernel per answer) or ``pipeline`` (``course grade``, with
    ``jobs`` submissions at a time); see the module's docstring.
    """
    if mode == "kernel":
        return _grade_in_one_kernel(lesson, root, answers, course_file=course_file)
    if mode == "pipeline":
        return _grade_through_pipeline(lesson, root, answers, jobs=jobs, course_file=course_file)
    raise ValueError(f"mode is one of {MODES}, not {mode!r}")


# The cell that starts each case in the shared kernel: what a new kernel would not have.
RESET_CELL = """\
%reset -f
import gc as _gc, sys as _sys
if "keras" in _sys.modules:
    _sys.modules["keras"].backend.clear_session()
if "matplotlib.pyplot" in _sys.modules:
    _sys.modules["matplotlib.pyplot"].close("all")
_gc.collect()
del _gc, _sys"""


# The cases whose visible checks are measured: every mutant, and the reference (it must
# pass them, or a mutant's failure says nothing).
VISIBLE_KINDS = ("reference", "mutant")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _grade_in_one_kernel(
    lesson: str, root: Path, answers: list[str] | None, *, course_file: Path
) -> list[Outcome]:
    from nbgrader.utils import determine_grade

    from autograder import cells as cell_roles
    from autograder.sandbox import Limits, execute_notebook
    from autograder.scoring import passed_cleanly, settle_test_cells

    chosen = cases(lesson, answers, course_file=course_file)
    notebook = read_source(lesson, course_file)
    limits = _lesson_limits(lesson, course_file)
    stubs = _stubs(notebook, course_file)
    catalogue = mistake_catalogue()
    outcomes = []
    for answer in dict.fromkeys(case.answer for case in chosen):
        mine = [case for case in chosen if case.answer == answer]
        short = cut(notebook, answer)
        visible = _visible_sources(short, course_file)
        batch = nbformat.v4.new_notebook(metadata=short.metadata)
        passes = 0
        for number, case in enumerate(mine):
            phases = ("visible", "graded") if case.kind in VISIBLE_KINDS else ("graded",)
            for phase in phases:
                batch.cells += _case_pass(short, case, number, phase, stubs, visible)
                passes += 1
        workdir = root / cut_lesson_id(lesson, answer)
        workdir.mkdir(parents=True)
        case_limits = Limits(
            cell_timeout=limits["cell_timeout"],
            notebook_timeout=limits["notebook_timeout"] * passes,
            memory_mb=int(limits["memory_mb"]),
            output_mb=limits["output_mb"] * passes,
        )
        executed, result = execute_notebook(batch, workdir, case_limits)
        settle_test_cells(executed, result.replies)  # as course grade scores them
        for number, case in enumerate(mine):
            numbered = [
                (index, cell)
                for index, cell in enumerate(executed.cells)
                if cell.metadata.get("case") == number
            ]
            cells = [cell for _, cell in numbered if cell.metadata.get("phase") == "graded"]
            everything = [cell for _, cell in numbered]
            not_run = any(out.get("ename") == "NotRun" for c in everything for out in c.outputs)
            if result.status != "ok" and not_run:
                outcomes.append(Outcome(case, 0.0, 0.0, "error", result.reason))
                continue
            score = max_score = 0.0
            failed = []
            for cell in cells:
                nbgrader = cell.metadata.get("nbgrader", {})
                if not nbgrader.get("grade") or nbgrader.get("solution"):
                    continue
                got, most = determine_grade(cell)
                score, max_score = score + (got or 0.0), max_score + most
                if (got or 0.0) < most:
                    errors = [
                        out.get("ename", "stderr")
                        for out in cell.outputs
                        if out.output_type == "error" or out.get("name") == "stderr"
                    ]
                    failed.append(f"{nbgrader['grade_id']} ({', '.join(errors) or 'partial'})")
            reason = f"failed: {'; '.join(failed)}" if failed else ""
            visible_failed, visible_text, hint = None, "", None
            if case.kind in VISIBLE_KINDS:
                failures = [
                    cell
                    for index, cell in numbered
                    if cell.metadata.get("phase") == "visible"
                    and cell_roles.is_test(cell)
                    and not passed_cleanly(cell, _reply(result.replies, index))
                ]
                visible_failed = tuple(cell.metadata["nbgrader"]["grade_id"] for cell in failures)
                visible_text = "\n".join(_failure_text(cell) for cell in failures)
                hint = names_mistake(case, visible_text, catalogue)
            outcomes.append(Outcome(case, score, max_score, "graded", reason,
                                    visible_failed, visible_text, hint))  # fmt: skip
    return outcomes


def _case_pass(short, case: Case, number: int, phase: str, stubs, visible) -> list:
    """The cells of one pass of a case: a reset, then the cut notebook's code cells with the
    case's code in place; in the ``visible`` pass, test cells as the student copy has them."""
    reset = nbformat.v4.new_code_cell(RESET_CELL)
    reset.metadata.update(case=number, phase=phase)
    found = [reset]
    for cell in short.cells:
        if cell.cell_type != "code":
            continue
        copy = nbformat.from_dict(json.loads(json.dumps(cell)))
        copy.metadata.update(case=number, phase=phase)
        copy["id"] = f"case{number}-{phase}-{cell.get('id', len(found))}"
        grade_id = copy.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id == case.target:
            copy.source = stubs[case.answer] if case.code is None else case.code
        if phase == "visible" and grade_id in visible:
            copy.source = visible[grade_id]
        found.append(copy)
    return found


def _reply(replies, index: int) -> str | None:
    return replies[index] if index < len(replies) else None


def _failure_text(cell) -> str:
    """What a failed test cell said: its errors (name and message) and its streams."""
    lines = []
    for out in cell.outputs:
        if out.output_type == "error":
            lines.append(f"{out.get('ename', '')}: {out.get('evalue', '')}")
        elif out.output_type == "stream":
            lines.append(out.get("text", ""))
    return _ANSI.sub("", "\n".join(lines)).strip()


def _visible_sources(short, course_file: Path) -> dict[str, str]:
    """What the student copy has in each test cell, by grade_id (nbgrader's
    ClearHiddenTests)."""
    from nbgrader.preprocessors import ClearHiddenTests

    from autograder import cells as cell_roles
    from autograder.config import nbgrader_config

    copy = nbformat.from_dict(json.loads(json.dumps(short)))
    config = nbgrader_config(load_course(course_file))
    cleared, _ = ClearHiddenTests(config=config).preprocess(copy, {})
    return {
        cell.metadata["nbgrader"]["grade_id"]: cell.source
        for cell in cleared.cells
        if cell_roles.is_test(cell)
    }


def _stubs(notebook, course_file: Path) -> dict[str, str]:
    """What the student copy has in each answer cell, by grade_id (nbgrader's ClearSolutions)."""
    from nbgrader.preprocessors import ClearSolutions

    from autograder.config import nbgrader_config

    copy = nbformat.from_dict(json.loads(json.dumps(notebook)))
    config = nbgrader_config(load_course(course_file))
    cleared, _ = ClearSolutions(config=config).preprocess(copy, {})
    return {
        cell.metadata["nbgrader"]["grade_id"]: cell.source
        for cell in cleared.cells
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution")
    }


def _grade_through_pipeline(
    lesson: str,
    root: Path,
    answers: list[str] | None,
    *,
    jobs: int | None,
    course_file: Path,
) -> list[Outcome]:
    from autograder.grade import grade_all

    chosen = cases(lesson, answers, course_file=course_file)
    wanted = list(dict.fromkeys(case.answer for case in chosen))
    course = scratch_course(lesson, wanted, root, course_file)
    for case in chosen:
        submit(course, case)
    outcomes = []
    for answer in wanted:
        mine = [case for case in chosen if case.answer == answer]
        cut_lesson = course.lesson(cut_lesson_id(lesson, answer))
        results = grade_all(course, [cut_lesson], [case.student for case in mine], jobs=jobs)
        by_student = {result.student: result for result in results}
        for case in mine:
            result = by_student[case.student]
            outcomes.append(Outcome(case, result.score, result.max_score, result.status,
                                    result.reason))  # fmt: skip
    return outcomes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.notebooks.grading",
        description="Grade a lesson's reference, stub, mutants and alternatives.",
    )
    parser.add_argument("lesson", help="e.g. 01_tensors")
    parser.add_argument("answers", nargs="*",
                        help="only these answer cells; with --report, more lessons")  # fmt: skip
    parser.add_argument("--report", action="store_true",
                        help="grade whole lessons and print a Markdown table per lesson: "
                        "visible kill per answer, hints, hidden-only test cells")  # fmt: skip
    parser.add_argument("--hidden-only", action="store_true",
                        help="grade nothing: per lesson named, the test cells whose checks "
                        "are all hidden (fast)")  # fmt: skip
    parser.add_argument("--at", metavar="REV",
                        help="with --hidden-only: the lessons at git revision REV")  # fmt: skip
    parser.add_argument("--pipeline", action="store_true",
                        help="grade each case through `course grade` (slow, faithful; "
                        "the visible checks are not measured)")  # fmt: skip
    parser.add_argument("--jobs", type=int, default=None,
                        help="with --pipeline: submissions graded at a time")  # fmt: skip
    parser.add_argument("--keep", type=Path, help="grade in this folder and keep it")
    parser.add_argument("--config", type=Path, default=DEFAULT_COURSE_FILE,
                        help="the course.toml whose source/ holds the lesson")  # fmt: skip
    args = parser.parse_args(argv)
    if args.report and args.pipeline:
        parser.error("--report measures the visible checks, which only kernel mode does")
    if args.at and not args.hidden_only:
        parser.error("--at goes with --hidden-only")
    if args.hidden_only:
        lessons = [args.lesson, *args.answers]
        for line in hidden_only_summary(lessons, args.config, args.at):
            print(line)
        return 0
    if args.report:
        return _report([args.lesson, *args.answers], args.keep, args.config)
    root = args.keep or Path(tempfile.mkdtemp(prefix=f"cases-{args.lesson}-", dir="/var/tmp"))
    try:
        mode = "pipeline" if args.pipeline else "kernel"
        outcomes = grade_cases(args.lesson, root, args.answers or None, mode=mode,
                               jobs=args.jobs, course_file=args.config)  # fmt: skip
    except (ValueError, FileNotFoundError, RuntimeError) as error:
        print(f"grading: {error}", file=sys.stderr)
        return 2
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    width = max(len(outcome.case.label) for outcome in outcomes)
    for outcome in outcomes:
        verdict = "as expected" if outcome.ok else "UNEXPECTED"
        score = f"{outcome.score:g} / {outcome.max_score:g}"
        seen = _visible_word(outcome)
        print(
            f"{outcome.case.label:{width}}  {score:>9}  {verdict}  {seen}{outcome.reason}".rstrip()
        )
    wrong = sum(not outcome.ok for outcome in outcomes)
    print(f"{len(outcomes)} cases, {wrong} not as expected")
    if not args.pipeline:
        for kill in visible_kill(outcomes):
            print(f"{kill.lesson}/{kill.answer}: {kill.describe()}")
        for rate in hint_rate(outcomes, catalogue=mistake_catalogue() is not None):
            print(f"{rate.lesson}: {rate.describe()}")
    return 1 if wrong else 0


def _visible_word(outcome: Outcome) -> str:
    """The visible checks' verdict on a case, for the case's line."""
    if outcome.caught is None:
        return ""
    if outcome.case.kind == "reference":
        return "visible: FAILS  " if outcome.caught else "visible: passes  "
    hint = {True: ", hint names it", False: ", no hint", None: ""}[outcome.hint_named]
    return f"visible: {'caught' if outcome.caught else 'missed'}{hint}  "


def _percent(part: int, whole: int) -> str:
    return f"{part} of {whole} ({100 * part / whole:.0f}%)" if whole else "-"


def report(lesson: str, outcomes: list[Outcome], course_file: Path = DEFAULT_COURSE_FILE) -> str:
    """A lesson's visible checks as Markdown: one row per answer, then the lesson's total."""
    notebook = read_source(lesson, course_file)
    hidden = hidden_only_tests(notebook)
    tests = answer_tests(notebook)
    catalogue = mistake_catalogue()
    mine = [o for o in outcomes if o.case.lesson == lesson]
    kills = {kill.answer: kill for kill in visible_kill(mine)}
    wrong = [o for o in mine if not o.ok]
    lines = [
        f"### {lesson}",
        "",
        "| answer | mutants | visible checks catch | hint names the mistake "
        "| hidden-only test cells |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    totals = [0, 0, 0, 0, 0, 0]  # mutants, caught, named, declared, hidden-only, tests
    for answer in answer_ids(notebook):
        kill = kills.get(answer)
        if kill is None:
            continue
        mutants = [o for o in mine if o.case.answer == answer and o.case.kind == "mutant"]
        named = sum(bool(o.hint_named) for o in mutants if o.caught is not None)
        declared = sum(o.case.mistake is not None for o in mutants)
        caught = _percent(kill.caught, kill.mutants)
        if kill.reference_passes is False:
            caught += " (fails the reference too)"
        elif kill.rate is not None and kill.rate < 0.70:
            caught += " **below 70%**"
        only = hidden[answer]
        cells = f"{len(only)} of {len(tests[answer])}" + (f": {', '.join(only)}" if only else "")
        lines.append(
            f"| {answer} | {kill.mutants} | {caught} | "
            f"{_percent(named, kill.mutants)}, {declared} declared | {cells} |"
        )
        for index, value in enumerate(
            (kill.mutants, kill.caught, named, declared, len(only), len(tests[answer]))
        ):
            totals[index] += value
    mutants, caught, named, declared, only, cells = totals
    below = [k.answer for k in kills.values() if k.rate is not None and k.rate < 0.70]
    lines.append(
        f"| **lesson** | {mutants} | {_percent(caught, mutants)} | "
        f"{_percent(named, mutants)}, {declared} declared | {only} of {cells} |"
    )
    lines.append("")
    lines.append(
        f"Answers under 70%: {', '.join(below) if below else 'none'}."
        + ("" if catalogue is not None else " No hint catalogue yet (dlcourse/hints.py).")
    )
    missed = [f"{k.answer}: {', '.join(k.missed)}" for k in kills.values() if k.missed]
    if missed:
        lines.append(f"Mutants the visible checks miss: {'; '.join(missed)}.")
    unnamed = [
        f"{o.case.answer}/{o.case.student} ({o.case.mistake})"
        for o in mine
        if o.case.kind == "mutant" and o.case.mistake is not None and o.hint_named is False
    ]
    if unnamed:
        lines.append(
            f"Declared mistakes whose hint the visible failure lacks: {', '.join(unnamed)}."
        )
    if wrong:
        lines.append(
            "Cases NOT graded as expected: "
            + "; ".join(f"{o.case.label} ({o.score:g} / {o.max_score:g})" for o in wrong)
            + "."
        )
    return "\n".join(lines)


def hidden_only_summary(
    lessons: list[str], course_file: Path = DEFAULT_COURSE_FILE, at: str | None = None
) -> list[str]:
    """Per lesson, one line: how many test cells (and points) the student copy shows as a
    docstring only, and which; ``at``: the notebooks as that git revision has them."""
    import subprocess

    lines = []
    cells_total = hidden_total = 0
    points_total = hidden_points = 0.0
    for lesson in lessons:
        if at is None:
            notebook = read_source(lesson, course_file)
        else:
            path = load_course(course_file).source / lesson / f"{lesson}.ipynb"
            shown = subprocess.run(
                ["git", "show", f"{at}:./{path.name}"],
                cwd=path.parent, capture_output=True, text=True, check=True,
            )  # fmt: skip
            notebook = nbformat.reads(shown.stdout, as_version=4)
        tests = {c.metadata["nbgrader"]["grade_id"]: c for c in graded_code_cells(notebook)}
        tests = {k: c for k, c in tests.items() if not c.metadata["nbgrader"].get("solution")}
        only = [test for names in hidden_only_tests(notebook).values() for test in names]
        worth = sum(tests[test].metadata["nbgrader"].get("points", 0) for test in only)
        total = sum(cell.metadata["nbgrader"].get("points", 0) for cell in tests.values())
        lines.append(
            f"{lesson}: {len(only)} of {len(tests)} test cells hidden-only "
            f"({worth:g} of {total:g} points)" + (f": {', '.join(only)}" if only else "")
        )
        cells_total, hidden_total = cells_total + len(tests), hidden_total + len(only)
        points_total, hidden_points = points_total + total, hidden_points + worth
    if len(lessons) > 1:
        lines.append(
            f"all: {hidden_total} of {cells_total} test cells hidden-only "
            f"({hidden_points:g} of {points_total:g} points)"
        )
    return lines


def _report(lessons: list[str], keep: Path | None, course_file: Path) -> int:
    wrong = 0
    for lesson in lessons:
        root = (
            (keep / lesson)
            if keep
            else Path(tempfile.mkdtemp(prefix=f"cases-{lesson}-", dir="/var/tmp"))
        )
        try:
            outcomes = grade_cases(lesson, root, course_file=course_file)
        except (ValueError, FileNotFoundError, RuntimeError) as error:
            print(f"grading: {error}", file=sys.stderr)
            return 2
        finally:
            if keep is None:
                shutil.rmtree(root, ignore_errors=True)
        print(report(lesson, outcomes, course_file), end="\n\n", flush=True)
        wrong += sum(not outcome.ok for outcome in outcomes)
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
