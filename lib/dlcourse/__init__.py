"""dlcourse: the helpers every notebook of the deep-learning course imports.

Typical first cell of a lesson::

    import dlcourse
    env = dlcourse.setup(seed=0)

Importing this package does not import TensorFlow. It only sets the two environment
variables that keep TensorFlow's start-up log lines out of notebook outputs, so that a
later ``import tensorflow`` is quiet even before ``setup()`` runs (an existing setting is
kept).
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

__version__ = "0.1.0"

# `checks` is imported eagerly on purpose: it binds the NumPy functions it compares with
# when it is first imported, which the locked set-up cell does before any student code.
from dlcourse import checks, data, diagrams, hints, plots  # noqa: E402
from dlcourse.backend import Environment, colab_install_line, setup  # noqa: E402
from dlcourse.checks import needs  # noqa: E402
from dlcourse.gradients import compiled, value_and_gradients  # noqa: E402

# The module dlcourse.progress stays importable by name (`from dlcourse.progress import
# build_report`); the package attribute is the function that every lesson's last cell calls.
from dlcourse.progress import progress  # noqa: E402

__all__ = [
    "Environment",
    "__version__",
    "checks",
    "colab_install_line",
    "compiled",
    "data",
    "diagrams",
    "hints",
    "needs",
    "plots",
    "progress",
    "setup",
    "value_and_gradients",
]
