"""`python -m dlcourse`: the machine check a student or instructor runs first."""

from __future__ import annotations

import pytest

from dlcourse import __main__ as cli
from dlcourse import data


@pytest.fixture
def offline_result(monkeypatch):
    """Every dataset loads, until a test says otherwise; setup() is skipped."""
    monkeypatch.setattr(cli.dlcourse, "setup", lambda seed: None)
    result = {name: None for name in data.names()}
    monkeypatch.setattr(data, "available_offline", lambda: result)
    return result


def test_reports_every_dataset_and_succeeds_when_the_needed_ones_load(offline_result, capsys):
    offline_result["mnist"] = "MNIST is not available"
    assert cli.main() == 0
    out = capsys.readouterr().out
    assert "  ok       fashion_mnist" in out
    assert "  absent   mnist" in out and "how to get it: run `keras.datasets.mnist" in out


def test_fails_when_a_needed_dataset_is_missing(offline_result, capsys):
    offline_result["fashion_mnist"] = "Fashion-MNIST is not available"
    assert cli.main() == 1
    out = capsys.readouterr().out
    assert "  MISSING  fashion_mnist" in out and "apt-get install dataset-fashion-mnist" in out
    assert out.rstrip().endswith("missing datasets that graded lessons need: fashion_mnist")


def test_available_offline_restores_the_setting(monkeypatch):
    monkeypatch.setenv("DLCOURSE_OFFLINE", "0")
    problems = data.available_offline(["iris", "mnist"])
    assert problems["iris"] is None and "MNIST" in problems["mnist"]
    assert data.os.environ["DLCOURSE_OFFLINE"] == "0"


def test_the_list_of_datasets_the_lessons_use_is_complete():
    import json
    import re
    from pathlib import Path

    found: dict[str, set[str]] = {}
    for path in sorted(Path(__file__).resolve().parents[2].glob("source/*/*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            if cell["cell_type"] == "code":
                for name in re.findall(r"data\.load\(\s*[\"'](\w+)[\"']", "".join(cell["source"])):
                    found.setdefault(name, set()).add(path.parent.name)
    assert found, "no lesson loads a dataset?"
    assert set(found) <= set(data.names())
    assert {name: set(lessons) for name, lessons in cli.USED_BY.items()} == {
        name: lessons for name, lessons in found.items() if name not in cli.OPTIONAL
    }
