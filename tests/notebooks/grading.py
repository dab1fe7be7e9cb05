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
  ``test_cases.py`` checks that both ways agree.

By hand: ``.venv/bin/python -m tests.notebooks.grading 01_tensors [ANSWER ...] [--pipeline]``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograder.config import DEFAULT_COURSE_FILE, Course, load_course
from autograder.democlass import solutions

REPOSITORY = Path(__file__).resolve().parents[2]
CASES = REPOSITORY / "tests" / "notebooks" / "cases"
KINDS = ("mutant", "alternative")


@dataclass(frozen=True)
class Case:
    """One submission of one cut lesson: an answer cell's code, and what it must score."""

    lesson: str  # the real lesson, e.g. 01_tensors
    answer: str  # the answer cell's grade_id
    kind: str  # reference, stub, mutant or alternative
    name: str  # the file's name after the kind ("" for reference and stub)
    code: str | None  # the answer cell's new source; None keeps the student copy's stub

    @property
    def student(self) -> str:
        """The nbgrader student id of this case."""
        return f"{self.kind}-{self.name}" if self.name else self.kind

    @property
    def label(self) -> str:
        return f"{self.lesson}/{self.answer}/{self.student}"

    def as_expected(self, score: float, max_score: float) -> bool:
        """Whether a grade is what this kind of case must get."""
        if self.kind in ("reference", "alternative"):
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
            kind, _, name = path.stem.partition("_")
            if kind not in KINDS or not name:
                raise ValueError(
                    f"{path}: a case file is mutant_<name>.py or alternative_<name>.py"
                )
            found.append(Case(lesson, answer, kind, name.replace("_", "-"), path.read_text()))
    return found


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
        answers[case.answer] = case.code
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

    @property
    def ok(self) -> bool:
        return self.status == "graded" and self.case.as_expected(self.score, self.max_score)


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


def _grade_in_one_kernel(
    lesson: str, root: Path, answers: list[str] | None, *, course_file: Path
) -> list[Outcome]:
    from nbgrader.utils import determine_grade

    from autograder.sandbox import Limits, execute_notebook
    from autograder.scoring import settle_test_cells

    chosen = cases(lesson, answers, course_file=course_file)
    notebook = read_source(lesson, course_file)
    limits = _lesson_limits(lesson, course_file)
    stubs = _stubs(notebook, course_file)
    outcomes = []
    for answer in dict.fromkeys(case.answer for case in chosen):
        mine = [case for case in chosen if case.answer == answer]
        short = cut(notebook, answer)
        batch = nbformat.v4.new_notebook(metadata=short.metadata)
        for number, case in enumerate(mine):
            reset = nbformat.v4.new_code_cell(RESET_CELL)
            reset.metadata["case"] = number
            batch.cells.append(reset)
            for cell in short.cells:
                if cell.cell_type != "code":
                    continue
                copy = nbformat.from_dict(json.loads(json.dumps(cell)))
                copy.metadata["case"] = number
                copy["id"] = f"case{number}-{cell.get('id', len(batch.cells))}"
                if copy.metadata.get("nbgrader", {}).get("grade_id") == answer:
                    copy.source = stubs[answer] if case.code is None else case.code
                batch.cells.append(copy)
        workdir = root / cut_lesson_id(lesson, answer)
        workdir.mkdir(parents=True)
        case_limits = Limits(
            cell_timeout=limits["cell_timeout"],
            notebook_timeout=limits["notebook_timeout"] * len(mine),
            memory_mb=int(limits["memory_mb"]),
            output_mb=limits["output_mb"] * len(mine),
        )
        executed, result = execute_notebook(batch, workdir, case_limits)
        settle_test_cells(executed, result.replies)  # as course grade scores them
        for number, case in enumerate(mine):
            cells = [cell for cell in executed.cells if cell.metadata.get("case") == number]
            not_run = any(out.get("ename") == "NotRun" for c in cells for out in c.outputs)
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
            outcomes.append(Outcome(case, score, max_score, "graded", reason))
    return outcomes


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
    parser.add_argument("answers", nargs="*", help="only these answer cells (grade_ids)")
    parser.add_argument("--pipeline", action="store_true",
                        help="grade each case through `course grade` (slow, faithful)")  # fmt: skip
    parser.add_argument("--jobs", type=int, default=None,
                        help="with --pipeline: submissions graded at a time")  # fmt: skip
    parser.add_argument("--keep", type=Path, help="grade in this folder and keep it")
    parser.add_argument("--config", type=Path, default=DEFAULT_COURSE_FILE,
                        help="the course.toml whose source/ holds the lesson")  # fmt: skip
    args = parser.parse_args(argv)
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
        print(f"{outcome.case.label:{width}}  {score:>9}  {verdict}  {outcome.reason}".rstrip())
    wrong = sum(not outcome.ok for outcome in outcomes)
    print(f"{len(outcomes)} cases, {wrong} not as expected")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
