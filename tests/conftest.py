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
