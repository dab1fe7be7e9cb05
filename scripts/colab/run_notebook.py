"""Run one notebook top to bottom with nbclient and say how it went, in one line.

Used by scripts/colab/check, which runs it with the Colab environment's Python inside a
bubblewrap sandbox. Prints ``pass SECONDS`` or ``fail SECONDS CELL: FIRST ERROR LINE`` on
its last line of output and exits 0 or 1; the executed notebook is written to --output.

    python run_notebook.py NOTEBOOK --kernel NAME [--timeout SECONDS] [--output PATH]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError


def first_error_line(notebook: nbformat.NotebookNode, error: BaseException) -> str:
    """``cell N: Name: message`` for the first cell whose output is an error, else the
    exception's own first line."""
    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                message = f"{output.get('ename', '')}: {output.get('evalue', '')}".strip(": ")
                return f"cell {index}: {message.splitlines()[0] if message else 'error'}"
    lines = [line for line in str(error).splitlines() if line.strip()]
    return f"{type(error).__name__}: {lines[0] if lines else ''}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook", type=Path)
    parser.add_argument("--kernel", required=True, help="kernelspec name")
    parser.add_argument("--timeout", type=int, default=3600, help="seconds per cell")
    parser.add_argument("--output", type=Path, help="where to write the executed notebook")
    args = parser.parse_args()

    notebook = nbformat.read(args.notebook, as_version=4)
    client = NotebookClient(
        notebook,
        kernel_name=args.kernel,
        timeout=args.timeout,
        resources={"metadata": {"path": str(args.notebook.parent)}},
    )
    start = time.monotonic()
    error: BaseException | None = None
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as exc:
        error = exc
    seconds = time.monotonic() - start
    if args.output is not None:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, args.output)
    if error is None:
        print(f"pass {seconds:.0f}")
        return 0
    print(f"fail {seconds:.0f} {first_error_line(notebook, error)}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
