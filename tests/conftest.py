"""Test-wide set-up: a private HOME and caches, quiet TensorFlow, no network.

The environment is set at import time, before any test imports TensorFlow, Keras or
matplotlib, because those read it once when they are first imported.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

_HOME = Path(tempfile.mkdtemp(prefix="dlcourse-test-home-"))
os.environ["HOME"] = str(_HOME)
os.environ["KERAS_HOME"] = str(_HOME / ".keras")
os.environ["MPLCONFIGDIR"] = str(_HOME / ".matplotlib")
os.environ["MPLBACKEND"] = "Agg"
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "2"
os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"
# Tests never download: a test that wants the download branch fakes it.
os.environ["DLCOURSE_OFFLINE"] = "1"

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def repo() -> Path:
    """The repository's root folder."""
    return REPO


@pytest.fixture(scope="session")
def example_demo(tmp_path_factory) -> tuple[Path, str]:
    """`course demo` on the example course, run once: (its folder, what it printed).

    Tests that use it belong to ``xdist_group("course_demo")``, so one worker runs it.
    """
    import contextlib
    import io

    from autograder import cli
    from autograder.demo import EXAMPLE_COURSE_FILE

    out = tmp_path_factory.mktemp("example-demo") / "demo"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        code = cli.main(["--config", str(EXAMPLE_COURSE_FILE), "demo", "--out", str(out),
                         "--jobs", "2"])  # fmt: skip
    assert code == cli.EXIT_OK, printed.getvalue()
    return out, printed.getvalue()
