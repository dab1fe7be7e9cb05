"""Trusted scoring of an executed submission: the grader never takes the kernel's word.

nbgrader scores a test cell from its outputs (``nbgrader.utils.determine_grade``): an
``error`` output or stderr gives 0, anything else full marks, and its *first*
``execute_result`` decides alone — a stub that calls ``sys.displayhook("ok")`` before
raising scored full marks. Everything in a cell's outputs and its execute reply came from
the student's process, so this module uses them only to take credit away:

- ``settle_test_cells``: before nbgrader scores, every test cell loses its
  ``execute_result`` outputs (values never give credit), and a test cell whose execute
  reply was not ``ok`` (an error the student hid from the outputs, or no reply at all)
  gets an error output, so it scores 0. A test passes only with an ``ok`` reply, no error
  output and no stderr.
- Canary tests catch what a student's process can fake beyond that (a silenced
  traceback, a forged reply, patched checks or NumPy): ``plant_canaries`` puts copies of
  the lesson's own quick test cells among the real ones, each with one expectation
  corrupted so that it must fail whatever the student wrote. The copy differs from its
  original in one argument only, and carries no mark the kernel can see (cell metadata
  never reaches the kernel; test cells run outside its history). A canary that "passes"
  means the student's process lies about tests: ``judge_canaries`` reports it, and the
  submission's autograded score is withheld as *tampered*. So does a canary that stopped
  the kernel where its original did not: a process that recognises a canary (it can read
  its own frames) must not be able to dodge it by crashing. Whether a canary runs, and
  where, never depends on what the kernel does: the candidates are the tests that were
  quick at release, each canary goes before or after its original at random, and the
  runner runs it whatever the original cost, off the notebook's clock.

The canaries are removed again (``remove_canaries``) before nbgrader scores the notebook,
so the gradebook and the feedback never see them.
"""

from __future__ import annotations

import ast
import copy
import json
import random
import uuid
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from autograder import cells
from autograder.sandbox.client import error_output
from autograder.sandbox.outcome import ExecutionResult

CANARIES_PER_NOTEBOOK = 3
"""How many canaries to plant at most (fewer when the lesson has fewer candidates)."""

CANARY_MAX_S = 2.0
"""A canary copies only a test cell that took at most this long at release."""

# The check a canary corrupts: dlcourse.checks' value comparison, called as
# ``<module>.check_close(name, got, want, ...)``. (A corrupted *shape* would be small
# numbers an honest wrong answer can have: one axis off by one is a common mistake.)
_CORRUPTIBLE = {"check_close": (2, "want")}

# An expected value no honest answer can match: the shape is kept (so the comparison
# reaches the values); each finite value w becomes w + shift * (1 + |w|) with a random
# shift drawn at grading time (no constant tells a canary's expectation from a real one,
# and no value is a fixed point); infinities are first clipped to finite values and NaN
# becomes 0.5, so an honest inf or nan answer cannot match either.
_CORRUPTED = (
    "(lambda w: (w == w).astype(int).choose([0.5, w + {shift!r} * (1 + abs(w))]))"
    "({module}.to_numpy({want}, 'the expected value').astype(float).clip(-1e300, 1e300))"
)


def _corruption(rng: random.Random) -> float:
    """A shift in ±[0.75, 40]: far outside any test's tolerance (the difference is at
    least 0.75 (1 + |w|)), and of the size real expectations have."""
    return rng.choice((-1, 1)) * round(rng.uniform(0.75, 40.0), 4)


@dataclass(frozen=True)
class CanaryVerdict:
    """What the canaries of one execution showed."""

    planted: int
    ran: int
    passed: list[str]  # grade_ids of the originals whose canary passed: must be empty
    # grade_ids of the originals whose canary stopped the kernel (or gave no reply) while
    # the original itself replied: must be empty too
    dodged: list[str] = field(default_factory=list)

    @property
    def tampered(self) -> bool:
        return bool(self.passed or self.dodged)

    @property
    def explanation(self) -> str:
        """Why the submission's score is withheld; "" when no canary says so."""
        if self.passed:
            what = f"a test that must fail passed (a copy of {', '.join(self.passed)} with a "
            what += "wrong expectation)"
        elif self.dodged:
            what = f"a copy of {', '.join(self.dodged)} with a wrong expectation stopped the "
            what += "kernel where the test itself did not"
        else:
            return ""
        return f"{what}: the notebook's process interfered with the tests"


def passed_cleanly(cell: NotebookNode, reply: str | None) -> bool:
    """Whether a test cell passed: an ``ok`` reply, no error output and no stderr."""
    if reply != "ok":
        return False
    for output in cell.get("outputs", []):
        if output.output_type == "error":
            return False
        if output.output_type == "stream" and output.get("name") == "stderr":
            return False
    return True


def settle_test_cells(nb: NotebookNode, replies: Sequence[str | None]) -> None:
    """Make the outputs of every test cell say what trusted code concluded, in place:
    no ``execute_result``, and an error output first when the test did not pass."""
    for index, cell in enumerate(nb.cells):
        if not cells.is_test(cell):
            continue
        cell.outputs = [out for out in cell.outputs if out.output_type != "execute_result"]
        reply = replies[index] if index < len(replies) else None
        if not passed_cleanly(cell, reply) and not any(
            out.output_type == "error" for out in cell.outputs
        ):
            what = "no reply" if reply is None else f"the reply was {reply!r}"
            cell.outputs.insert(0, error_output("TestNotPassed", f"the test did not pass ({what})"))


def corrupt_source(source: str, rng: random.Random | None = None) -> str | None:
    """``source`` with the expectation of its last reachable check corrupted, or None when
    the cell has no check that a canary can corrupt safely.

    Safe means the corrupted call certainly runs when the cell runs to its end: a call at
    the top level or directly in a top-level ``for`` loop over a literal list, in a cell
    without ``try``, ``with``, ``while``, ``if``, function or class definitions (any of
    which could skip the call or swallow its error, and make an honest canary "pass").
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    blocked = (ast.Try, ast.With, ast.While, ast.If, ast.FunctionDef, ast.ClassDef, ast.Lambda)
    if any(isinstance(node, blocked) for node in ast.walk(tree)):
        return None
    if hasattr(ast, "TryStar") and any(isinstance(n, ast.TryStar) for n in ast.walk(tree)):
        return None
    target: ast.Call | None = None
    for statement in tree.body:
        bodies = [statement]
        literal_loop = isinstance(statement, ast.For) and isinstance(
            statement.iter, ast.List | ast.Tuple
        )
        if literal_loop and statement.iter.elts and not statement.orelse:
            bodies = list(statement.body)
        for node in bodies:
            if isinstance(node, ast.Expr) and _corruptible(node.value):
                target = node.value  # the last one wins
    if target is None:
        return None
    shift = _corruption(rng or random.SystemRandom())
    return _replace(source, target, _corrupted_call(source, target, shift))


def _corrupted_call(source: str, call: ast.Call, shift: float) -> str:
    """The call's text with its expectation corrupted and its tolerances dropped (the
    defaults are tight; a generous tolerance could let an honest answer match)."""
    assert isinstance(call.func, ast.Attribute)
    name = call.func.attr
    position, keyword = _CORRUPTIBLE[name]
    text = lambda node: ast.get_source_segment(source, node)  # noqa: E731
    module = text(call.func.value)
    args = [text(arg) for arg in call.args[:position]]
    want_node = (
        call.args[position]
        if position < len(call.args)
        else next(k.value for k in call.keywords if k.arg == keyword)
    )
    args.append(_CORRUPTED.format(module=module, want=text(want_node), shift=shift))
    kept = [k for k in call.keywords if k.arg not in (keyword, "rtol", "atol")]
    args += [f"{k.arg}={text(k.value)}" for k in kept]
    return f"{text(call.func)}({', '.join(args)})"


def _replace(source: str, node: ast.expr, replacement: str) -> str:
    """``source`` with ``node``'s text replaced (ast's columns count UTF-8 bytes)."""
    data = source.encode()
    lines = data.splitlines(keepends=True)
    start = sum(len(line) for line in lines[: node.lineno - 1]) + node.col_offset
    end = sum(len(line) for line in lines[: node.end_lineno - 1]) + node.end_col_offset
    return (data[:start] + replacement.encode() + data[end:]).decode()


def _corruptible(node: ast.expr) -> bool:
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
        return False
    if node.func.attr not in _CORRUPTIBLE or any(isinstance(a, ast.Starred) for a in node.args):
        return False
    position, keyword = _CORRUPTIBLE[node.func.attr]
    return position < len(node.args) or any(k.arg == keyword for k in node.keywords)


def plant_canaries(
    nb: NotebookNode,
    rng: random.Random | None = None,
    count: int = CANARIES_PER_NOTEBOOK,
    quick: Collection[str] | None = None,
) -> tuple[NotebookNode, dict[int, int]]:
    """A copy of ``nb`` with up to ``count`` canaries; and canary index -> original index.

    Candidates are test cells with a corruptible check and, when the release's timings
    are known (``quick``: grade_ids of the tests that took at most ``CANARY_MAX_S``,
    ``quick_tests``), only quick ones, so that a canary costs little. A canary goes at a
    random place in its original's run of test cells (between the student's code cell
    before the original and the one after it), before or after it: the student's state
    is the one the original sees, and the order of a test and its copy tells nothing.
    """
    rng = rng or random.SystemRandom()
    originals = nb.cells
    candidates = []
    for index, cell in enumerate(originals):
        if not cells.is_test(cell):
            continue
        if quick is not None and cell.metadata.get("nbgrader", {}).get("grade_id") not in quick:
            continue
        if (corrupted := corrupt_source(cell.source, rng)) is not None:
            candidates.append((index, corrupted))
    inserts: dict[int, list[tuple[int, str]]] = {}  # before old index -> (original, source)
    for original, corrupted in rng.sample(candidates, min(count, len(candidates))):
        first, last = original, original + 1
        while first > 0 and not _ends_run(originals[first - 1]):
            first -= 1
        while last < len(originals) and not _ends_run(originals[last]):
            last += 1
        inserts.setdefault(rng.randint(first, last), []).append((original, corrupted))
    planted = nbformat.from_dict(copy.deepcopy(dict(nb)))
    planted.cells = []
    new_index: dict[int, int] = {}
    copies: dict[int, int] = {}  # canary's new index -> original's old index
    for index in range(len(originals) + 1):
        for original, corrupted in inserts.get(index, []):
            canary = nbformat.from_dict(copy.deepcopy(dict(originals[original])))
            canary.source, canary.outputs = corrupted, []
            canary["id"] = uuid.uuid4().hex[:8]  # unique, and like any other id
            copies[len(planted.cells)] = original
            planted.cells.append(canary)
        if index < len(originals):
            new_index[index] = len(planted.cells)
            planted.cells.append(nbformat.from_dict(copy.deepcopy(dict(originals[index]))))
    return planted, {at: new_index[original] for at, original in copies.items()}


def _ends_run(cell: NotebookNode) -> bool:
    """A code cell that is not a test: the student's state may change there."""
    return cell.cell_type == "code" and not cells.is_test(cell)


def judge_canaries(
    nb: NotebookNode,
    replies: Sequence[str | None],
    canaries: Mapping[int, int],
    cell_seconds: Sequence[float | None] | None = None,
) -> CanaryVerdict:
    """Which canaries ran, which of them passed (which no honest notebook does) and, when
    ``cell_seconds`` says which cells started, which stopped the kernel (no reply) while
    their original replied: the same code with another expected value, so an honest
    kernel does both or neither."""
    ran, passed, dodged = 0, [], []
    for index, original in sorted(canaries.items()):
        reply = replies[index] if index < len(replies) else None
        grade_id = str(nb.cells[original].metadata.get("nbgrader", {}).get("grade_id", ""))
        if reply is None:
            started = cell_seconds is not None and index < len(cell_seconds)
            started = started and cell_seconds[index] is not None
            original_replied = original < len(replies) and replies[original] is not None
            if started and original_replied:
                dodged.append(grade_id)
            continue
        ran += 1
        if passed_cleanly(nb.cells[index], reply):
            passed.append(grade_id)
    return CanaryVerdict(planted=len(canaries), ran=ran, passed=passed, dodged=dodged)


def remove_canaries(
    nb: NotebookNode, outcome: ExecutionResult, canaries: Mapping[int, int]
) -> NotebookNode:
    """``nb`` without its canary cells, in place; ``outcome``'s per-cell lists and the
    cell where execution stopped follow (a stop in a canary is put at its original).
    Restarts after a crash in a canary, and outputs cut in one, are dropped (the student
    never sees canaries; such a restart never counted against their limit); the cells
    of the others follow."""
    keep = [i for i in range(len(nb.cells)) if i not in canaries]
    if outcome.stopped_cell is not None:
        stopped = canaries.get(outcome.stopped_cell, outcome.stopped_cell)
        outcome.stopped_cell = sum(1 for i in keep if i < stopped)
    nb.cells = [nb.cells[i] for i in keep]
    for name in ("replies", "cell_seconds"):
        values = getattr(outcome, name)
        setattr(outcome, name, [values[i] if i < len(values) else None for i in keep])
    for name in ("restarts", "truncated"):
        records = [dict(r) for r in getattr(outcome, name) if r["cell"] not in canaries]
        for record in records:
            record["cell"] = sum(1 for i in keep if i < record["cell"])
        setattr(outcome, name, records)
    return nb


def timings_path(workspace: Path, lesson_id: str) -> Path:
    """Where ``course release`` keeps the seconds each test cell of the instructor's copy
    took, and ``course grade`` reads them."""
    return workspace / "timings" / f"{lesson_id}.json"


def record_test_timings(
    workspace: Path, lesson_id: str, nb: NotebookNode, seconds: Sequence[float | None]
) -> None:
    """Keep ``{grade_id: seconds}`` of the test cells of an executed instructor copy."""
    timings = {
        str(cell.metadata["nbgrader"]["grade_id"]): round(took, 3)
        for cell, took in zip(nb.cells, seconds, strict=False)
        if cells.is_test(cell) and took is not None
    }
    path = timings_path(workspace, lesson_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(timings, indent=1, sort_keys=True), encoding="utf-8")


def quick_tests(workspace: Path, lesson_id: str, limit: float = CANARY_MAX_S) -> set[str] | None:
    """The test cells that took at most ``limit`` seconds at release; None if unknown."""
    try:
        timings = json.loads(timings_path(workspace, lesson_id).read_text(encoding="utf-8"))
        return {str(name) for name, took in timings.items() if float(took) <= limit}
    except (OSError, ValueError, TypeError, AttributeError):
        return None
