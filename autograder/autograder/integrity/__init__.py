"""Static scan of a submission's own cells for attempts to tamper with grading.

nbgrader runs the hidden tests in the same Python process as the student's cells, so a
student cell can change what the tests see: replace ``np.allclose``, register an IPython
hook that reads the hidden tests, silence error output so a failing test cell scores as
passing, stop the kernel before the tests run, and so on. This package reads the code of
the cells that belong to the student, without running it, and reports the lines that
use such mechanisms. A finding marks a submission for review.

What is scanned (``notebook.py``)
---------------------------------
``scan_notebook`` scans the student's cells, in notebook order: nbgrader solution cells,
cells without nbgrader metadata (cells the student added), and any other cell that
nbgrader runs as submitted (a grade_id the instructor's notebook lacks, an earlier copy
of a test cell, which nbgrader's DeduplicateIds strips). Locked cells and test cells are
replaced by nbgrader from the instructor's copy before grading, so their code is only
followed for the names it binds (``import numpy as np`` in the locked set-up cell counts
as imported); when the instructor's notebook is given, they are compared with it instead
("edited-locked-cell", "deleted-test-cell", "changed-cell-metadata").

How (``scanner.py``)
--------------------
Each cell is converted from IPython syntax (``!ls``, ``%%bash``, ``%timeit``) with
IPython's own ``TransformerManager`` and parsed with ``ast``; a cell that does not parse
is skipped (it cannot run either). One ``ast.NodeVisitor`` walks the cells in order and
gives every name an *origin*: an import path (``npt`` -> ``numpy.testing``), one of the
student's own functions or classes, the student's own object (a literal, a call's
result), or unknown (``getattr`` with a computed name, ``type(x)``, IPython's output
history). Origins flow through aliases (``m = np``), containers (``[np]``), loops
(``for m in [np]``), function parameters (what the student's calls pass), returns,
defaults and attributes of the student's objects; code inside functions sees everything
its free names are ever bound to. The cells are walked again until nothing new is
learnt, so a function defined before the call that passes it a module is still caught.

The rules, by class (``rules.py``)
----------------------------------
The scan works by classes of tampering, not by spellings; each class is a finding
wherever it occurs (top level, functions, classes, lambdas, comprehensions, ``%%time``
bodies, ``exec`` of a literal) and whatever the alias:

- assigning or deleting an attribute of anything that is or may be a module or the
  shell (an import, an alias of one, a loop variable or parameter that receives one,
  ``sys.modules[...]``, ``getattr(np, "testing")``, anything of unknown origin):
  ``patches-module``, ``hooks-ipython``, ``touches-builtins``, ``touches-sys-modules``.
  Attributes of the student's own objects (``model.trainable = False``, ``self.w = w``)
  are not findings;
- the shell: ``get_ipython()`` used other than to run IPython syntax, its hooks;
- the interpreter's machinery: ``__main__``, ``builtins``, ``gc``, ``ctypes``,
  ``inspect``, ``traceback``/``linecache``, frames, ``sys.modules``,
  ``sys.displayhook``/``excepthook``/``settrace``, ``importlib``, ``atexit``,
  ``signal``, ``faulthandler``; IPython's input history (``In``, ``_ih``);
- dunder attributes and names other than the harmless ones (``__init__``,
  ``__name__``...): ``reads-internals``;
- ``getattr``/``setattr``/``delattr``/``hasattr``/``import_module``/``__import__`` with
  a computed name, ``globals()`` as a whole: ``dynamic-lookup``; ``exec``/``eval``/
  ``compile`` of a value: ``dynamic-code``;
- files outside the folder, nbgrader's files, the network, shell commands, stopping
  the kernel.

``RULES`` lists every rule id with the sentence the report shows (``{what}`` is filled
with the construct found). The scan stays quiet on ordinary course code (NumPy maths,
Keras models, plotting, seeding, reading files inside the working folder).
"""

from autograder.integrity.notebook import scan_notebook
from autograder.integrity.rules import DLCOURSE_CHECK_NAMES, RULES, Finding
from autograder.integrity.scanner import scan_source

__all__ = ["DLCOURSE_CHECK_NAMES", "RULES", "Finding", "scan_notebook", "scan_source"]
