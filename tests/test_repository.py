"""The repository keeps its own rules: pins agree, notebooks are clean, commands exist."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]


def requirement_lines(text: str) -> list[str]:
    """Requirement lines without comments and blank lines, names lower-cased."""
    lines = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            name, sep, version = line.partition("==")
            lines.append(f"{name.strip().lower()}{sep}{version.strip()}")
    return lines


def conda_pip_lines(environment: dict) -> list[str]:
    for dependency in environment["dependencies"]:
        if isinstance(dependency, dict) and "pip" in dependency:
            return requirement_lines("\n".join(dependency["pip"]))
    raise AssertionError("environment.yml has no pip section")


def test_every_requirement_is_pinned_exactly():
    lines = requirement_lines((REPO / "requirements.txt").read_text())
    assert lines, "requirements.txt is empty"
    unpinned = [line for line in lines if not re.fullmatch(r"[a-z0-9_.\-\[\]]+==[\w.]+", line)]
    assert not unpinned, f"not pinned with ==: {unpinned}"
    names = [line.split("==")[0] for line in lines]
    assert len(names) == len(set(names)), "a package is pinned twice"
    assert "tensorflow-cpu" in names and "tensorflow" not in names


def test_environment_yml_mirrors_requirements():
    environment = yaml.safe_load((REPO / "environment.yml").read_text())
    pins = requirement_lines((REPO / "requirements.txt").read_text())
    conda = [line for line in conda_pip_lines(environment) if not line.startswith("-e")]
    only_pip = sorted(set(pins) - set(conda))
    only_conda = sorted(set(conda) - set(pins))
    assert not only_pip and not only_conda, (
        f"requirements.txt and environment.yml differ: only in requirements.txt {only_pip}, "
        f"only in environment.yml {only_conda}"
    )
    assert "-e ./lib" in conda_pip_lines(environment)
    assert "-e ./autograder" in conda_pip_lines(environment)


def test_python_version_agrees():
    environment = yaml.safe_load((REPO / "environment.yml").read_text())
    conda_python = next(
        d for d in environment["dependencies"] if isinstance(d, str) and d.startswith("python=")
    )
    lib = tomllib.loads((REPO / "lib" / "pyproject.toml").read_text())
    minimum = lib["project"]["requires-python"].removeprefix(">=")
    assert conda_python == f"python={minimum}"
    assert sys.version_info >= tuple(int(p) for p in minimum.split("."))


def test_installed_versions_match_the_pins():
    """The environment the tests run in is the pinned one (catches a stale .venv)."""
    from importlib.metadata import PackageNotFoundError, version

    wrong = []
    for line in requirement_lines((REPO / "requirements.txt").read_text()):
        name, _, pinned = line.partition("==")
        name = name.split("[")[0]  # psycopg[binary]: the extra is not part of the name
        try:
            installed = version(name)
        except PackageNotFoundError:
            # `make setup TF=gpu` swaps tensorflow-cpu for tensorflow[and-cuda].
            installed = version("tensorflow") if name == "tensorflow-cpu" else "missing"
        if installed != pinned:
            wrong.append(f"{name}: pinned {pinned}, installed {installed}")
    assert not wrong, "run `make setup`: " + "; ".join(wrong)


def test_lib_declares_no_tensorflow():
    """Declaring `tensorflow` would pull a second 572 MB build next to tensorflow-cpu."""
    lib = tomllib.loads((REPO / "lib" / "pyproject.toml").read_text())
    assert not [d for d in lib["project"]["dependencies"] if d.lower().startswith("tensorflow")]


# --------------------------------------------------------------------------- notebooks


def notebook_problems(path: Path) -> list[str]:
    """Why a committed notebook is not clean (outputs, counts, unreadable JSON)."""
    try:
        notebook = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        return [f"{path}: not readable JSON ({error})"]
    problems = []
    for index, cell in enumerate(notebook.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        if cell.get("outputs"):
            problems.append(f"{path}: cell {index} has outputs")
        if cell.get("execution_count") is not None:
            problems.append(f"{path}: cell {index} has an execution count")
    return problems


def committed_notebooks() -> list[Path]:
    return sorted(
        path
        for folder in ("source", "release", "course")
        for path in (REPO / folder).rglob("*.ipynb")
        if ".ipynb_checkpoints" not in path.parts
    )


def test_notebook_check_catches_a_dirty_notebook(tmp_path):
    dirty = tmp_path / "dirty.ipynb"
    cell = {"cell_type": "code", "execution_count": 3, "metadata": {}, "source": "1",
            "outputs": [{"output_type": "execute_result", "data": {"text/plain": "1"},
                         "metadata": {}, "execution_count": 3}]}  # fmt: skip
    dirty.write_text(json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4,
                                 "nbformat_minor": 5}))  # fmt: skip
    assert notebook_problems(dirty) == [
        f"{dirty}: cell 0 has outputs",
        f"{dirty}: cell 0 has an execution count",
    ]
    (tmp_path / "broken.ipynb").write_text("{")
    assert "not readable JSON" in notebook_problems(tmp_path / "broken.ipynb")[0]


def test_committed_notebooks_are_clean():
    problems = [p for path in committed_notebooks() for p in notebook_problems(path)]
    assert not problems, "strip them with nbstripout:\n" + "\n".join(problems)


def test_nbstripout_keeps_nbgrader_metadata(tmp_path):
    """The pre-commit hook must not strip the metadata that marks solutions and tests."""
    metadata = {"nbgrader": {"grade": True, "grade_id": "softmax_shape", "locked": True,
                             "points": 1, "schema_version": 3, "solution": False,
                             "task": False}}  # fmt: skip
    notebook = {"cells": [{"cell_type": "code", "execution_count": 1, "id": "a1",
                           "metadata": {**metadata, "collapsed": True}, "source": "x = 1",
                           "outputs": [{"output_type": "stream", "name": "stdout",
                                        "text": "hi"}]}],
                "metadata": {}, "nbformat": 4, "nbformat_minor": 5}  # fmt: skip
    path = tmp_path / "lesson.ipynb"
    path.write_text(json.dumps(notebook))
    nbstripout = Path(sys.executable).with_name("nbstripout")
    subprocess.run([str(nbstripout), "--keep-id", str(path)], check=True)
    cell = json.loads(path.read_text())["cells"][0]
    assert cell["metadata"] == metadata
    assert cell["outputs"] == [] and cell["execution_count"] is None


# --------------------------------------------------------------------------- commands


def test_ci_runs_the_readme_test_command():
    readme = (REPO / "README.md").read_text()
    ci = (REPO / ".ci" / "run").read_text()
    assert "make test" in readme and "make demo" in readme
    assert re.search(r"^make test$", ci, re.MULTILINE)


@pytest.mark.parametrize("target", ["setup", "demo", "test", "lab", "lint", "system"])
def test_makefile_has_the_documented_targets(target):
    makefile = (REPO / "Makefile").read_text()
    assert re.search(rf"^{target}:", makefile, re.MULTILINE)


def test_gitignore_keeps_runtime_state_out():
    ignored = subprocess.run(
        ["git", "check-ignore", "--no-index", "workspace/gradebook.db", ".venv/bin/python",
         "lib/dlcourse/__pycache__/x.pyc", "source/01/.ipynb_checkpoints/a.ipynb"],
        cwd=REPO, capture_output=True, text=True,
    )  # fmt: skip
    assert len(ignored.stdout.split()) == 4, ignored.stdout
