"""nbgrader's cell rules in one place: the regions of a cell's source and the cell's role.

Release (what may not leak), the integrity scan (what the student's copy of a locked cell
must say) and feedback (which lines a message may not quote) all need to know where a
solution or a hidden test starts and ends. They must agree with nbgrader, which decides
what is actually hidden, so this module follows nbgrader 0.9's preprocessors line for
line (``ClearSolutions``, ``ClearHiddenTests``, ``ClearMarkScheme``):

- a line *containing* the begin delimiter (``BEGIN HIDDEN TESTS``, anywhere in the line:
  ``    # ### BEGIN HIDDEN TESTS here`` counts) opens a region, one containing the end
  delimiter closes it; both lines are dropped with the region;
- the begin delimiter is looked for first, so a line with both opens a region;
- an end delimiter outside a region is dropped too, and nothing else happens;
- a begin inside an open region, or a region still open at the end of the cell, is an
  error (nbgrader refuses to release the assignment): ``RegionError`` in strict mode.

The roles (grade, solution, locked, task) are nbgrader's own ``nbgrader.utils``
predicates, applied to metadata that may come from raw JSON (a list for a source, a
missing or malformed ``nbgrader`` entry).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from nbformat import NotebookNode

__all__ = [
    "CODE_STUB",
    "HIDDEN_TESTS",
    "MARK_SCHEME",
    "REGIONS",
    "SOLUTION",
    "TEXT_STUB",
    "Region",
    "RegionError",
    "delimiter_in",
    "grade_id",
    "has_region",
    "has_visible_code",
    "is_grade",
    "is_locked",
    "is_solution",
    "is_task",
    "nbgrader_metadata",
    "points",
    "region_lines",
    "released_source",
    "parts",
    "remove_region",
    "replace_region",
    "source_text",
]


@dataclass(frozen=True)
class Region:
    """A kind of region: nbgrader's begin and end delimiters (substrings of a line)."""

    name: str
    begin: str
    end: str


SOLUTION = Region("solution", "BEGIN SOLUTION", "END SOLUTION")
HIDDEN_TESTS = Region("hidden tests", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
MARK_SCHEME = Region("mark scheme", "BEGIN MARK SCHEME", "END MARK SCHEME")
REGIONS = (SOLUTION, HIDDEN_TESTS, MARK_SCHEME)

#: ``ClearSolutions``' stubs for Python code and for written answers.
CODE_STUB = "# YOUR CODE HERE\nraise NotImplementedError()"
TEXT_STUB = "YOUR ANSWER HERE"


class RegionError(RuntimeError):
    """A region nbgrader would refuse: a begin inside an open region, or no end."""


# --------------------------------------------------------------------------- regions


def source_text(source: Any) -> str:
    """A cell's source as one string (raw notebook JSON may hold a list of lines)."""
    return "".join(source) if isinstance(source, list) else str(source or "")


def parts(source: str, region: Region, strict: bool = False) -> Iterator[tuple[str, str]]:
    """Each line of ``source`` with its part: "begin", "end", "inside" or "outside".

    ``source`` is split on "\\n" as nbgrader splits it. Where nbgrader raises, strict mode
    raises ``RegionError``; otherwise a nested begin stays inside the open region and an
    open region runs to the end of the cell (the reading that hides the most).
    """
    inside = False
    for line in source.split("\n"):
        if region.begin in line:
            if inside and strict:
                raise RegionError(f"a {region.begin} inside an open {region.name} region")
            inside = True
            yield "begin", line
        elif region.end in line:
            inside = False
            yield "end", line
        else:
            yield ("inside" if inside else "outside"), line
    if inside and strict:
        raise RegionError(f"no {region.end} after {region.begin}")


def delimiter_in(line: str, regions: tuple[Region, ...] = REGIONS) -> str | None:
    """The first delimiter of ``regions`` that the line contains (nbgrader acts on it)."""
    for region in regions:
        for delimiter in (region.begin, region.end):
            if delimiter in line:
                return delimiter
    return None


def has_region(source: str, region: Region) -> bool:
    """Whether any line opens a ``region`` (nbgrader would clear or replace something)."""
    return any(region.begin in line for line in source.split("\n"))


def region_lines(source: str, region: Region, *, strict: bool = False) -> list[str]:
    """The lines inside ``region``s, delimiter lines excluded, unstripped."""
    return [line for part, line in parts(source, region, strict) if part == "inside"]


def remove_region(source: str, region: Region) -> str:
    """``ClearHiddenTests``/``ClearMarkScheme``: the source without its ``region``s.

    Raises ``RegionError`` where nbgrader raises.
    """
    return "\n".join(line for part, line in parts(source, region, True) if part == "outside")


def replace_region(source: str, region: Region, stub: str) -> tuple[str, bool]:
    """``ClearSolutions``: each region replaced by ``stub``, indented like its begin line.

    Returns the new source and whether a region was replaced; raises ``RegionError``
    where nbgrader raises.
    """
    lines: list[str] = []
    replaced = False
    for part, line in parts(source, region, True):
        if part == "begin":
            indent = re.match(r"\s*", line).group(0)  # type: ignore[union-attr]
            lines.extend(indent + stub_line for stub_line in stub.split("\n"))
            replaced = True
        elif part == "outside":
            lines.append(line)
    return "\n".join(lines), replaced


def released_source(cell: Any) -> str:
    """A source notebook cell's source as ``generate_assignment`` releases it.

    Solutions replaced by the stub (the whole cell when a solution cell has no region),
    hidden tests and mark schemes removed, in nbgrader's order. Raises ``RegionError``
    where nbgrader would refuse the cell. (nbgrader also refuses a region in a cell whose
    role does not allow it; that check is the release's, not this function's.)
    """
    source = source_text(cell.get("source", ""))
    code = cell.get("cell_type") == "code"
    stub = CODE_STUB if code else TEXT_STUB
    source, replaced = replace_region(source, SOLUTION, stub)
    if is_solution(cell) and not replaced:
        source = stub
    return remove_region(remove_region(source, HIDDEN_TESTS), MARK_SCHEME)


def has_visible_code(source: str) -> bool:
    """Whether a test cell, as released, does anything besides a docstring and comments.

    A cell that does not parse counts as code (running it fails, which is what matters).
    """
    try:
        visible = remove_region(source, HIDDEN_TESTS)
    except RegionError:
        return True
    try:
        body = ast.parse(visible).body
    except SyntaxError:
        return True
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    return bool(body)


# --------------------------------------------------------------------------- roles


def nbgrader_metadata(cell: Any) -> dict[str, Any]:
    """A cell's nbgrader metadata, or an empty dict (none, or not a mapping)."""
    metadata = cell.get("metadata", {}) if hasattr(cell, "get") else {}
    meta = metadata.get("nbgrader", {}) if isinstance(metadata, dict) else {}
    return meta if isinstance(meta, dict) else {}


def _node(cell: Any) -> NotebookNode:
    """A minimal cell that nbgrader.utils' predicates accept."""
    meta = nbgrader_metadata(cell)
    return NotebookNode(metadata=NotebookNode({"nbgrader": meta} if meta else {}))


def is_grade(cell: Any) -> bool:
    """nbgrader's ``is_grade``: the cell is graded (a test cell, or a graded answer)."""
    from nbgrader import utils

    return bool(utils.is_grade(_node(cell)))


def is_solution(cell: Any) -> bool:
    """nbgrader's ``is_solution``: the student writes this cell."""
    from nbgrader import utils

    return bool(utils.is_solution(_node(cell)))


def is_locked(cell: Any) -> bool:
    """nbgrader's ``is_locked``: autograde overwrites the cell from the instructor's copy
    (a grade cell that is not a solution, or a cell marked read-only)."""
    from nbgrader import utils

    return bool(utils.is_locked(_node(cell)))


def is_task(cell: Any) -> bool:
    """nbgrader's ``is_task``: a manually graded task cell."""
    from nbgrader import utils

    return bool(utils.is_task(_node(cell)))


def is_test(cell: Any) -> bool:
    """An autograded test cell: graded code that is not the student's answer (nbgrader
    scores it from its outputs; autograde puts the instructor's version in place)."""
    return _cell_type(cell) == "code" and is_grade(cell) and not is_solution(cell)


def _cell_type(cell: Any) -> str | None:
    return cell.get("cell_type") if isinstance(cell, dict) else getattr(cell, "cell_type", None)


def grade_id(cell: Any) -> str | None:
    """The cell's nbgrader grade_id, or None."""
    value = nbgrader_metadata(cell).get("grade_id")
    return str(value) if value else None


def points(cell: Any) -> float:
    """The cell's points as a number (0 when missing or not a number)."""
    try:
        return float(nbgrader_metadata(cell).get("points", 0) or 0)
    except (TypeError, ValueError):
        return 0.0
