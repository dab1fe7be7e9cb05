"""`make demo` (scripts/demo.py) runs to the end and reports lesson notebooks honestly."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

REPO = Path(__file__).resolve().parents[1]
PICTURES = [
    "learning_curves.png",
    "confusion_matrix.png",
    "predictions.png",
    "decision_boundary.png",
    "optimiser_paths.png",
]


def write_lesson(source: Path, name: str, code: str) -> Path:
    path = source / name / f"{name}.ipynb"
    path.parent.mkdir(parents=True)
    nbformat.write(new_notebook(cells=[new_code_cell(code)]), path)
    return path


def load_demo():
    spec = importlib.util.spec_from_file_location("demo", REPO / "scripts" / "demo.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_demo_runs_to_the_end(tmp_path):
    source = tmp_path / "source"
    write_lesson(source, "01_tiny", "X = [1, 2, 3]\nassert sum(X) == 6")
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "demo.py"), "--out", str(tmp_path / "out"),
         "--source", str(source)],
        capture_output=True, text=True, env=os.environ, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    for step in range(1, 6):
        assert f"[{step}/5]" in out
    assert "dlcourse 0.1.0 | TensorFlow" in out
    assert "01_tiny/01_tiny.ipynb: ok" in out
    assert out.rstrip().endswith("demo finished")
    accuracy = float(out.split("held-out accuracy ")[1].split()[0])
    assert accuracy > 0.9
    for picture in PICTURES:
        assert (tmp_path / "out" / picture).stat().st_size > 10_000, picture


def test_a_failing_notebook_is_reported_and_the_rest_still_run(tmp_path, capsys):
    demo = load_demo()
    source = tmp_path / "source"
    broken = write_lesson(source, "01_broken", "raise ValueError('lesson bug')")
    write_lesson(source, "02_fine", "print('fine')")
    failures = demo.run_notebooks(source)
    assert failures == [broken]
    out = capsys.readouterr().out
    assert "01_broken/01_broken.ipynb: FAILED" in out and "lesson bug" in out
    assert "02_fine/02_fine.ipynb: ok" in out


def test_no_notebooks_is_said(tmp_path, capsys):
    assert load_demo().run_notebooks(tmp_path) == []
    assert "no lesson notebooks" in capsys.readouterr().out
