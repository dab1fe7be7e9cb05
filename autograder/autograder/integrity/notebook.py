"""Which cells of a submission are the student's, and how the rest compare with the source.

nbgrader decides what runs at grading time: ``DeduplicateIds`` wipes the nbgrader metadata
of every earlier cell that repeats a grade_id, ``OverwriteCells`` puts the instructor's
version of each locked cell back (going by the instructor's metadata, not the submitted
one) and restores its cell type. So the cells that run as the student wrote them are the
solution cells, the cells the student added, and any cell that nbgrader no longer
recognises; the locked ones run as the instructor wrote them, and are compared with the
instructor's copy instead of scanned. The regions and roles are nbgrader's own
(``autograder.cells``).
"""

from __future__ import annotations

from typing import Any

import nbformat

from autograder import cells
from autograder.integrity.rules import Finding, _clip, _finding, _unique
from autograder.integrity.scanner import _Scanner

_METADATA_FLAGS = ("grade", "solution", "locked", "task")


def scan_notebook(
    submitted: nbformat.NotebookNode, source: nbformat.NotebookNode | None = None
) -> list[Finding]:
    """Scan the student's cells of a submitted notebook, in notebook order.

    Cells that nbgrader replaces before grading (locked and test cells) are followed only
    for the names they bind. With ``source``, the instructor's notebook, the nbgrader
    cells are also compared with it by grade_id: edited locked or test cells, deleted
    test cells and changed nbgrader metadata are findings too.
    """
    submitted_cells = list(submitted.get("cells", []))
    source_cells = _cells_by_grade_id(source) if source is not None else None
    kept_ids = _nbgrader_ids(submitted_cells)
    scanner = _Scanner()
    compared: dict[int, list[Finding]] = {}
    for index, cell in enumerate(submitted_cells):
        label = _label(cell, index)
        grade_id = kept_ids.get(index)
        original = None
        if source_cells is not None and grade_id is not None:
            original = source_cells.get(grade_id)
            compared[index] = _compare_cell(cell, label, original)
        # The cells nbgrader overwrites: locked in the instructor's copy when we have it
        # (OverwriteCells goes by that), else locked by the submitted metadata.
        if source_cells is not None:
            owned = original is not None and cells.is_locked(original)
        else:
            owned = grade_id is not None and cells.is_locked(cell)
        # OverwriteCells also restores the instructor's cell type: a solution cell turned
        # into markdown still runs as code.
        runs = original if owned and original is not None else cell
        if (original or cell).get("cell_type") == "code":
            test = owned and cells.is_grade(runs) and not cells.is_solution(runs)
            scanner.add(cells.source_text(runs.get("source", "")), label, not owned, index, test)
    # In notebook order: each cell's comparison with the source, then its scan.
    scanned: dict[int, list[Finding]] = {}
    for index, finding in scanner.run():
        scanned.setdefault(index, []).append(finding)
    findings: list[Finding] = []
    for index in range(len(submitted_cells)):
        findings += compared.get(index, []) + scanned.get(index, [])
    if source_cells is not None:
        present = set(kept_ids.values())
        for grade_id, original in source_cells.items():
            test = cells.is_grade(original) and not cells.is_solution(original)
            if test and grade_id not in present:
                first = (_student_version(original) or "").split("\n")[0]
                findings.append(_finding(grade_id, 1, first, "deleted-test-cell", grade_id))
    return _unique(findings)


def _label(cell: Any, index: int) -> str:
    """The cell's name in the report: its grade_id, else ``cell <index>``."""
    return cells.grade_id(cell) or f"cell {index}"


def _cells_by_grade_id(notebook: nbformat.NotebookNode) -> dict[str, Any]:
    """The instructor's cells by grade_id (the first of repeats, as nbgrader's gradebook)."""
    by_id: dict[str, Any] = {}
    for cell in notebook.get("cells", []):
        grade_id = cells.grade_id(cell)
        if grade_id:
            by_id.setdefault(grade_id, cell)
    return by_id


def _has_role(cell: Any) -> bool:
    """Whether nbgrader metadata marks the cell as graded, a solution or locked."""
    meta = cells.nbgrader_metadata(cell)
    return bool(meta.get("grade") or meta.get("solution") or meta.get("locked"))


def _nbgrader_ids(submitted_cells: list[Any]) -> dict[int, str]:
    """The grade_id nbgrader keeps for each cell index, as after DeduplicateIds.

    DeduplicateIds wipes the nbgrader metadata of every cell with a role (grade, solution,
    locked) whose grade_id a later such cell repeats; OverwriteCells then works by grade_id.
    """
    last: dict[str, int] = {}
    for index, cell in enumerate(submitted_cells):
        grade_id = cells.grade_id(cell)
        if grade_id and _has_role(cell):
            last[grade_id] = index
    kept: dict[int, str] = {}
    for index, cell in enumerate(submitted_cells):
        grade_id = cells.grade_id(cell)
        if grade_id and (not _has_role(cell) or last.get(grade_id) == index):
            kept[index] = grade_id
    return kept


def _student_version(original: Any) -> str | None:
    """A locked instructor cell's source as the released notebook has it (hidden tests
    and mark scheme removed), or None where nbgrader would not release it."""
    source = cells.source_text(original.get("source", ""))
    try:
        visible = cells.remove_region(source, cells.HIDDEN_TESTS)
        return cells.remove_region(visible, cells.MARK_SCHEME)
    except cells.RegionError:
        return None


def _normalized_lines(source: str) -> list[str]:
    """Lines without trailing whitespace, without trailing empty lines."""
    lines = [line.rstrip() for line in source.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _compare_cell(cell: Any, label: str, original: Any | None) -> list[Finding]:
    """Metadata and source differences between a submitted nbgrader cell and the source."""
    meta = cells.nbgrader_metadata(cell)
    student_source = cells.source_text(cell.get("source", ""))
    first_line = student_source.split("\n")[0]
    if original is None:
        if _has_role(cell) or meta.get("task"):
            what = f"grade_id {meta.get('grade_id')!r} is not in the instructor's notebook"
            return [_finding(label, 1, first_line, "changed-cell-metadata", what)]
        return []
    expected = cells.nbgrader_metadata(original)
    changes = [
        f"{flag} {bool(expected.get(flag))} -> {bool(meta.get(flag))}"
        for flag in _METADATA_FLAGS
        if bool(expected.get(flag)) != bool(meta.get(flag))
    ]
    if expected.get("grade") or meta.get("grade"):
        old, new = cells.points(original), cells.points(cell)
        if old != new:
            changes.append(f"points {old:g} -> {new:g}")
    if cell.get("cell_type") != original.get("cell_type"):
        changes.append(f"cell type {original.get('cell_type')} -> {cell.get('cell_type')}")
    findings = []
    if changes:
        findings.append(_finding(label, 1, first_line, "changed-cell-metadata", ", ".join(changes)))
    original_source = cells.source_text(original.get("source", ""))
    # InstantiateTests rewrites AUTOTEST lines with a kernel: no released text to compare.
    if cells.is_locked(original) and "AUTOTEST" not in original_source:
        visible = _student_version(original)
        if visible is not None:
            want, got = _normalized_lines(visible), _normalized_lines(student_source)
            if want != got:
                line = next(
                    (i for i, (a, b) in enumerate(zip(want, got, strict=False)) if a != b),
                    min(len(want), len(got)),
                )
                code = got[line] if line < len(got) else ""
                if line < len(want):
                    what = f"`{_clip(want[line].strip())}`"
                else:
                    what = "none, the instructor's cell ends before it"
                findings.append(_finding(label, line + 1, code, "edited-locked-cell", what))
    return findings
