"""autograder.cells: nbgrader's regions and roles, as nbgrader itself reads them."""

from __future__ import annotations

import copy

import nbformat
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from autograder import cells
from autograder.cells import HIDDEN_TESTS, MARK_SCHEME, SOLUTION, RegionError


def _meta(**flags) -> dict:
    return {"nbgrader": {"grade_id": "c", "schema_version": 3, **flags}}


def test_a_line_containing_the_delimiter_counts_as_nbgrader_counts_it() -> None:
    source = (
        "x = 1\n    # ### BEGIN HIDDEN TESTS here\nassert secret()\nfoo # END HIDDEN TESTS!\ny = 2"
    )
    assert cells.remove_region(source, HIDDEN_TESTS) == "x = 1\ny = 2"
    assert cells.region_lines(source, HIDDEN_TESTS) == ["assert secret()"]
    assert cells.has_region(source, HIDDEN_TESTS)
    assert not cells.has_region("### BEGIN HIDDEN TEST", HIDDEN_TESTS)  # not the delimiter


def test_an_end_delimiter_outside_a_region_is_dropped() -> None:
    assert cells.remove_region("a\n### END HIDDEN TESTS\nb", HIDDEN_TESTS) == "a\nb"


@pytest.mark.parametrize(
    ("source", "lenient"),
    [
        pytest.param("### BEGIN HIDDEN TESTS\nx\ny", ["x", "y"], id="unterminated"),
        pytest.param(
            "### BEGIN HIDDEN TESTS\na\n### BEGIN HIDDEN TESTS\nb\n### END HIDDEN TESTS\nc",
            ["a", "b"],
            id="nested",
        ),
    ],
)
def test_unmatched_delimiters_are_errors_in_strict_mode(source: str, lenient: list[str]) -> None:
    with pytest.raises(RegionError):
        cells.remove_region(source, HIDDEN_TESTS)
    with pytest.raises(RegionError):
        cells.region_lines(source, HIDDEN_TESTS, strict=True)
    # Lenient readers (the leak guards) read on: a nested begin stays inside.
    assert cells.region_lines(source, HIDDEN_TESTS) == lenient


def test_solution_regions_become_the_indented_stub() -> None:
    source = "def f(x):\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION"
    assert cells.replace_region(source, SOLUTION, cells.CODE_STUB) == (
        "def f(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()",
        True,
    )
    assert cells.replace_region("x = 1", SOLUTION, cells.CODE_STUB) == ("x = 1", False)


def _nbgrader_release(cell: nbformat.NotebookNode) -> str | None:
    """What nbgrader's generate_assignment preprocessors make of one cell, or None."""
    from nbgrader.preprocessors import ClearHiddenTests, ClearMarkScheme, ClearSolutions

    notebook = new_notebook(cells=[copy.deepcopy(cell)])
    resources: dict = {}
    try:
        for step in (ClearSolutions, ClearHiddenTests, ClearMarkScheme):
            preprocessor = step()
            preprocessor.enforce_metadata = False
            notebook, resources = preprocessor.preprocess(notebook, resources)
    except RuntimeError:
        return None
    return notebook.cells[0].source


lines = st.sampled_from(
    [
        "x = 1",
        "",
        "    ### BEGIN SOLUTION",
        "### END SOLUTION",
        "  # ### BEGIN HIDDEN TESTS here",
        "### END HIDDEN TESTS",
        "BEGIN MARK SCHEME",
        "END MARK SCHEME ###",
        "assert f(1) == 2",
        "# END",
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(lines, max_size=10),
    st.sampled_from(["code", "markdown"]),
    st.booleans(),
)
def test_released_source_is_what_nbgrader_releases(
    source_lines: list[str], cell_type: str, solution: bool
) -> None:
    source = "\n".join(source_lines)
    make = new_code_cell if cell_type == "code" else new_markdown_cell
    cell = make(source, metadata=_meta(solution=solution, grade=False, locked=False))
    expected = _nbgrader_release(cell)
    try:
        released = cells.released_source(cell)
    except RegionError:
        released = None
    assert released == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(lines, max_size=12))
def test_regions_are_removed_as_nbgrader_removes_them(source_lines: list[str]) -> None:
    from nbgrader.preprocessors import ClearMarkScheme

    source = "\n".join(source_lines)
    cell = new_markdown_cell(source)
    try:
        ClearMarkScheme()._remove_mark_scheme_region(cell)
        expected = cell.source
    except RuntimeError:
        expected = None
    try:
        kept = cells.remove_region(source, MARK_SCHEME)
    except RegionError:
        kept = None
    assert kept == expected
    # Every line is exactly one of: a delimiter line, inside a region, outside.
    kinds = [kind for kind, _ in cells.parts(source, MARK_SCHEME)]
    assert len(kinds) == len(source.split("\n"))
    assert kinds.count("inside") == len(cells.region_lines(source, MARK_SCHEME))


def test_markdown_cells_have_regions_too() -> None:
    text = "Explain softmax.\n### BEGIN MARK SCHEME\nMentions exp.\n### END MARK SCHEME"
    task = new_markdown_cell(text, metadata=_meta(task=True, points=2))
    assert cells.released_source(task) == "Explain softmax."
    answer = new_markdown_cell("The answer.", metadata=_meta(solution=True, grade=True, points=1))
    assert cells.released_source(answer) == cells.TEXT_STUB


def test_raw_json_sources_are_joined() -> None:
    assert cells.source_text(["a\n", "b"]) == "a\nb"
    assert cells.released_source({"cell_type": "code", "source": ["a\n", "b"]}) == "a\nb"


def test_has_visible_code() -> None:
    assert not cells.has_visible_code('"""Checks f."""\n# a comment\n### BEGIN HIDDEN TESTS\n'
                                      "assert f(1)\n### END HIDDEN TESTS")  # fmt: skip
    assert cells.has_visible_code('"""Checks f."""\nassert f(0) == 0')
    assert cells.has_visible_code("def broken(:")


@pytest.mark.parametrize(
    ("metadata", "roles"),
    [
        pytest.param({}, set(), id="none"),
        pytest.param({"nbgrader": "junk"}, set(), id="malformed"),
        pytest.param(_meta(grade=True, solution=False, locked=True, points=2), {"grade", "locked"},
                     id="test"),
        pytest.param(_meta(grade=False, solution=True, locked=False), {"solution"}, id="answer"),
        pytest.param(_meta(grade=True, solution=True, locked=True, points=1),
                     {"grade", "solution"}, id="graded-answer"),
        pytest.param(_meta(grade=False, solution=False, locked=True), {"locked"}, id="read-only"),
        pytest.param(_meta(task=True, locked=True, points=3), {"task", "locked"}, id="task"),
    ],
)  # fmt: skip
def test_roles_are_nbgraders(metadata: dict, roles: set[str]) -> None:
    from nbgrader import utils

    cell = new_code_cell("x = 1", metadata=metadata)
    found = {
        name
        for name, predicate in [
            ("grade", cells.is_grade),
            ("solution", cells.is_solution),
            ("locked", cells.is_locked),
            ("task", cells.is_task),
        ]
        if predicate(cell)
    }
    assert found == roles
    if isinstance(metadata.get("nbgrader", {}), dict):
        assert cells.is_locked(cell) == bool(utils.is_locked(cell))
    assert cells.is_locked(cell.dict() if hasattr(cell, "dict") else dict(cell)) == (
        "locked" in roles
    )


def test_grade_id_and_points() -> None:
    cell = new_code_cell("", metadata=_meta(grade=True, points="2.5"))
    assert cells.grade_id(cell) == "c" and cells.points(cell) == 2.5
    assert cells.grade_id(new_code_cell("")) is None and cells.points(new_code_cell("")) == 0
    assert cells.points(new_code_cell("", metadata=_meta(points="lots"))) == 0
