"""Fixtures of the library's tests."""

from __future__ import annotations

import sys

import pytest


@pytest.fixture
def ipython():
    """A real IPython shell in this process, with the pass-line hooks registered; the
    process is given back as it was: IPython puts its own module in sys.modules["__main__"]
    (without the ``__spec__`` that multiprocessing's spawn reads: a later test of this
    worker that starts Dask's processes would fail), and sets the display and except hooks."""
    from IPython.core.interactiveshell import InteractiveShell

    from dlcourse import checks

    saved = sys.modules["__main__"], sys.displayhook, sys.excepthook
    shell = InteractiveShell.instance()
    checks.register_hooks(shell)
    try:
        yield shell
    finally:
        for event, hook in (
            ("pre_run_cell", checks._pre_run_cell),
            ("post_run_cell", checks._post_run_cell),
        ):
            if hook in shell.events.callbacks[event]:
                shell.events.unregister(event, hook)
        shell.run_cell("%reset -f")
        InteractiveShell.clear_instance()
        sys.modules["__main__"], sys.displayhook, sys.excepthook = saved
