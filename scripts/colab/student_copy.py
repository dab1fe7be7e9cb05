"""A lesson's student copy with the answers filled in, as a student who solved it has it.

Used by ``scripts/colab/check --jax``: the student copy (release/LESSON/LESSON.ipynb: no
hidden tests, the Colab cells, the visible checks) with each answer cell replaced by the
instructor's answer of the same nbgrader ``grade_id`` (source/LESSON/LESSON.ipynb). Written
answers (Markdown) stay as released. Fails if an answer cell has no instructor answer.

    python student_copy.py RELEASE_NOTEBOOK SOURCE_NOTEBOOK OUTPUT
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat


def filled(release: nbformat.NotebookNode, source: nbformat.NotebookNode) -> int:
    """Put the source's code answers into ``release`` in place; returns how many."""
    answers = {
        cell.metadata["nbgrader"]["grade_id"]: cell.source
        for cell in source.cells
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution")
    }
    count = 0
    for cell in release.cells:
        marks = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or not marks.get("solution"):
            continue
        if marks["grade_id"] not in answers:
            raise SystemExit(f"student_copy: no instructor answer for {marks['grade_id']!r}")
        cell.source = answers[marks["grade_id"]]
        count += 1
    return count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("release", type=Path)
    parser.add_argument("source", type=Path)
    parser.add_argument("output", type=Path)
    args = parser.parse_args()
    release = nbformat.read(args.release, as_version=4)
    count = filled(release, nbformat.read(args.source, as_version=4))
    nbformat.write(release, args.output)
    print(f"student_copy: {count} answers filled in, {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
