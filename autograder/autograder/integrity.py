"""Static scan of a submission's own cells for attempts to tamper with grading.

nbgrader runs the hidden tests in the same Python process as the student's cells, so a
student cell can change what the tests see: replace ``np.allclose``, register an IPython
hook that reads the hidden tests, silence error output so a failing test cell scores as
passing, stop the kernel before the tests run, and so on. This module reads the code of
the cells that belong to the student, without running it, and reports the lines that
use such mechanisms. A finding marks a submission for manual review; it does not fail it.

What is scanned
---------------
``scan_notebook`` scans the student's cells, in notebook order: nbgrader solution cells,
cells without nbgrader metadata (cells the student added), and any other cell that
nbgrader runs as submitted (a grade_id the instructor's notebook lacks, an earlier copy
of a test cell, which nbgrader's DeduplicateIds strips). Locked cells and test cells are
replaced by nbgrader from the instructor's copy before grading, so their code is only
followed for the names it binds (``import numpy as np`` in the locked set-up cell counts
as imported); when the instructor's notebook is given, they are compared with it instead
("edited-locked-cell", "deleted-test-cell", "changed-cell-metadata").

How
---
Each cell is converted from IPython syntax (``!ls``, ``%%bash``, ``%timeit``) with
IPython's own ``TransformerManager`` and parsed with ``ast``; a cell that does not parse
is skipped (it cannot run either). One ``ast.NodeVisitor`` walks the cells in order and
keeps a table of the names that imports bind (name -> dotted path, e.g. ``npt`` ->
``numpy.testing``), so that ``npt.assert_allclose = f`` is recognised whatever the alias.
Names the student binds to their own objects (``model = keras.Sequential()``) are not in
the table, so ``model.trainable = False`` is not a finding. The bodies of ``%%time``,
``%%capture``, ``%time``, ``%%writefile x.py`` and of ``exec``/``eval`` of a string
literal are scanned as code too.

Rules
-----
``RULES`` below lists every rule id with the sentence the report shows (``{what}`` is
filled with the construct found). The scan flags mechanisms, not intentions: it stays
quiet on ordinary course code (NumPy maths, Keras models, plotting, seeding, reading
files inside the working folder) and reports the lines an instructor should look at.
"""

from __future__ import annotations

import ast
import builtins
import functools
import posixpath
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import nbformat

__all__ = ["RULES", "Finding", "scan_notebook", "scan_source"]

# --------------------------------------------------------------------------------------
# The rules: id -> the sentence the report shows ({what} names the construct found).

RULES: dict[str, str] = {
    "patches-module": (
        "Replaces or deletes {what} of an imported library, so the hidden tests would use "
        "the student's version."
    ),
    "shadows-check": (
        "Rebinds {what}, a name the tests use to call dlcourse's checks, so they would run "
        "the student's code instead."
    ),
    "shadows-builtin": (
        "Rebinds the builtin {what} at the top level, so test cells that call it would get "
        "the student's version."
    ),
    "touches-builtins": (
        "Reaches Python's builtins ({what}), which lets code replace what the tests rely on."
    ),
    "touches-sys-modules": (
        "Changes interpreter machinery that the tests rely on ({what}): imports, tracing "
        "or output streams."
    ),
    "stops-kernel": (
        "Stops the kernel ({what}), so the cells after it, hidden tests included, never run."
    ),
    "hooks-ipython": (
        "Reaches into the IPython shell ({what}), which can read the hidden tests or hide "
        "their errors."
    ),
    "inspects-frames": (
        "Inspects the call stack or cached cell sources ({what}), which can read or change "
        "the hidden tests that call the student's code."
    ),
    "reads-outside": "Reaches files outside the submission's folder ({what}).",
    "forges-output": (
        "Writes past the notebook's normal output ({what}), which can fake results or the "
        "files that grading reads."
    ),
    "network": "Uses the network ({what}), which a graded notebook has no use for.",
    "runs-shell": (
        "Runs a shell command or another program ({what}), which can read files outside "
        "the submission."
    ),
    "dynamic-code": "Runs code built at run time ({what}), which this scan cannot read.",
    "edited-locked-cell": (
        "Differs from the instructor's locked cell from this line on (the instructor's "
        "line: {what}); nbgrader restores the instructor's version before grading."
    ),
    "deleted-test-cell": "The test cell {what} of the instructor's notebook is missing.",
    "changed-cell-metadata": "The cell's nbgrader metadata was changed ({what}).",
}

# --------------------------------------------------------------------------------------
# Tables the visitor consults. Paths are dotted, as imports bind them; builtins that no
# import or assignment rebinds resolve to "builtins.<name>".


def _words(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text``, as a set (keeps long tables short)."""
    return frozenset(text.split())


#: Well-known aliases assumed for names that nothing in the scanned code binds, so that a
#: cell scanned on its own (``scan_source``) still knows ``np``. Only used to resolve
#: attribute chains, never to decide that an assignment rebinds an import.
DEFAULT_ALIASES: dict[str, str] = {
    "np": "numpy",
    "tf": "tensorflow",
    "keras": "keras",
    "dlcourse": "dlcourse",
    "checks": "dlcourse.checks",
    "plt": "matplotlib.pyplot",
    "mpl": "matplotlib",
    "pd": "pandas",
    "os": "os",
    "sys": "sys",
}

#: ``dlcourse.checks.__all__`` (a test keeps the two equal): the names that
#: ``from dlcourse.checks import *`` binds.
DLCOURSE_CHECK_NAMES = _words(
    "CheckError check_close check_dtype check_finite check_gradient check_shape check_type to_numpy"
)

#: Rebinding a name imported as one of these (``np = fake``) is reported as patches-module.
#: Names bound to other parts of a library (``from keras import layers``) are ordinary
#: variable names in student code and may be reused.
WATCHED_IMPORTS = _words("numpy numpy.testing tensorflow tensorflow.debugging keras")
WATCHED_IMPORT_PREFIXES = ("numpy.testing.", "tensorflow.debugging.")

#: Attribute assignments under these paths are documented, common configuration.
ALLOWED_STORE_PREFIXES = ("pandas.options.",)

#: Path prefixes rewritten so that the tables need one spelling per object.
CANONICAL_PREFIXES: tuple[tuple[str, str], ...] = (
    ("tensorflow.keras", "keras"),
    ("IPython.InteractiveShell", "IPython.core.interactiveshell.InteractiveShell"),
    ("ipykernel.zmqshell.ZMQInteractiveShell", "IPython.core.interactiveshell.InteractiveShell"),
    ("IPython.core.display_functions.", "IPython.display."),
    ("IPython.core.display.", "IPython.display."),
    ("builtins.display", "IPython.display.display"),
    ("IPython.core.getipython.get_ipython", "IPython.get_ipython"),
    ("builtins.get_ipython", "IPython.get_ipython"),
    ("posixpath.", "os.path."),
    ("pathlib.PosixPath", "pathlib.Path"),
    ("pathlib.PurePosixPath", "pathlib.Path"),
    ("pathlib.PurePath", "pathlib.Path"),
    ("imp.reload", "importlib.reload"),
)

#: What ``get_ipython()`` returns, and the calls that return it.
SHELL = "IPython.core.interactiveshell.InteractiveShell"
SHELL_GETTERS = frozenset({"IPython.get_ipython", f"{SHELL}.instance"})
#: Shell attributes whose use, not only assignment, is a finding: they register hooks,
#: change how errors are shown, hold the cells' sources or the user namespace.
SHELL_HOOK_ATTRS = _words(
    "events set_custom_exc custom_exceptions set_hook hooks input_transformers_post "
    "input_transformers_cleanup input_transformer_manager ast_transformers showtraceback "
    "_showtraceback showsyntaxerror showindentationerror InteractiveTB SyntaxTB CustomTB "
    "excepthook register_magic_function register_magics magics_manager user_ns "
    "user_global_ns user_ns_hidden push del_var displayhook display_pub display_trap "
    "display_formatter prefilter_manager history_manager compile builtin_trap kernel exit_now"
)
SHELL_COMMAND_METHODS = _words("system getoutput system_raw system_piped")
SHELL_MAGIC_METHODS = _words("run_line_magic run_cell_magic magic")
SHELL_CODE_METHODS = _words(
    "run_cell run_cell_async ex ev run_code run_source runcode run_ast_nodes safe_execfile "
    "safe_execfile_ipy safe_run_module"
)

#: Magics by what they do (``!`` is ``%%!``).
MAGIC_RULES: dict[str, str] = {
    **dict.fromkeys(
        _words(
            "system sx sc bash sh script ! perl ruby python python2 python3 pypy pip conda "
            "mamba micromamba alias rehashx"
        ),
        "runs-shell",
    ),
    **dict.fromkeys(_words("cd pushd popd bookmark"), "reads-outside"),
    **dict.fromkeys(_words("history hist recall rerun save macro"), "hooks-ipython"),
    "pastebin": "network",
}
#: Magics whose argument or body is Python run in the user's namespace: scanned as code.
PYTHON_MAGICS = _words("time timeit prun capture debug")
WRITEFILE_MAGICS = _words("writefile file")

#: Modules whose import is a finding on the import line (their uses are then not
#: reported again).
NETWORK_MODULES = _words(
    "socket urllib.request urllib3 requests http.client httpx aiohttp ftplib smtplib "
    "telnetlib poplib imaplib nntplib xmlrpc.client paramiko pycurl websocket websockets"
)
IMPORT_RULES: dict[str, str] = {
    **dict.fromkeys(NETWORK_MODULES, "network"),
    "builtins": "touches-builtins",
    "ipykernel": "hooks-ipython",
}

#: Any use of these paths, or of anything under them, is a finding.
USE_RULES: dict[str, str] = {
    **IMPORT_RULES,
    "subprocess": "runs-shell",
    **dict.fromkeys(
        _words(
            "pty.spawn asyncio.create_subprocess_exec asyncio.create_subprocess_shell "
            "os.system os.popen os.posix_spawn os.posix_spawnp os.spawnl os.spawnle os.spawnlp "
            "os.spawnlpe os.spawnv os.spawnve os.spawnvp os.spawnvpe os.execl os.execle "
            "os.execlp os.execlpe os.execv os.execve os.execvp os.execvpe"
        ),
        "runs-shell",
    ),
    **dict.fromkeys(
        _words(
            "sys.exit os._exit os.abort os.kill os.killpg signal.raise_signal "
            "signal.pthread_kill _thread.interrupt_main"
        ),
        "stops-kernel",
    ),
    **dict.fromkeys(
        _words(
            "sys.settrace sys.setprofile sys.addaudithook sys.meta_path sys.path_hooks "
            "sys.path_importer_cache sys.monitoring threading.settrace threading.setprofile "
            "threading.settrace_all_threads threading.setprofile_all_threads importlib.reload"
        ),
        "touches-sys-modules",
    ),
    **dict.fromkeys(_words("sys.__stdout__ sys.__stderr__"), "forges-output"),
    **dict.fromkeys(
        _words(
            "sys._getframe sys._current_frames inspect.currentframe inspect.stack "
            "inspect.trace inspect.getouterframes inspect.getinnerframes "
            "traceback.extract_stack traceback.walk_stack traceback.format_stack "
            "traceback.print_stack linecache gc.get_referrers"
        ),
        "inspects-frames",
    ),
    **dict.fromkeys(
        _words(
            "unittest.mock.patch mock.patch pytest.MonkeyPatch pytest.monkeypatch "
            "_pytest.monkeypatch"
        ),
        "patches-module",
    ),
}

#: ``sys`` attributes whose reassignment is a finding (``sys.argv = [...]`` is not).
SYS_GUARDED = _words(
    "modules meta_path path_hooks path_importer_cache excepthook displayhook unraisablehook "
    "breakpointhook stdout stderr stdin __stdout__ __stderr__ __excepthook__ __displayhook__ "
    "exit settrace setprofile"
)
#: Frame and traceback attributes that lead to the caller's code and variables.
FRAME_ATTRS = _words("f_back f_globals f_locals f_code tb_frame gi_frame")
#: IPython's input history: the sources of the cells that ran before, hidden tests included.
HISTORY_NAMES = _words("In _ih _i _ii _iii")
_HISTORY_NUMBERED = re.compile(r"_i\d+")

#: Builtins that students commonly use as variable names and that no test relies on:
#: rebinding them at the top level is not reported.
UNREPORTED_BUILTINS = _words("input filter id dir format help license credits copyright")
#: The builtins whose top-level rebinding is reported: ``dir(builtins)`` without ``_``,
#: dunders, the two names IPython adds inside a kernel, and the list above.
SHADOWABLE_BUILTINS = frozenset(name for name in dir(builtins) if not name.startswith("_")) - (
    UNREPORTED_BUILTINS | {"display", "get_ipython"}
)
_BUILTIN_NAMES = frozenset(dir(builtins)) | {"get_ipython", "display", "exit", "quit"}

EXEC_FUNCTIONS = _words("builtins.exec builtins.eval builtins.compile")
SETATTR_FUNCTIONS = _words(
    "builtins.setattr builtins.delattr builtins.object.__setattr__ builtins.object.__delattr__ "
    "builtins.type.__setattr__ builtins.type.__delattr__"
)
DICT_MUTATORS = _words("update setdefault pop popitem clear __setitem__ __delitem__")
REDIRECTS = _words("contextlib.redirect_stdout contextlib.redirect_stderr")
DISPLAY_FUNCTIONS = _words(
    "IPython.display.display IPython.display.update_display IPython.display.publish_display_data"
)

#: Functions whose first argument is a path (the first two for TWO_PATH_FUNCTIONS).
PATH_FUNCTIONS = _words(
    "builtins.open io.open codecs.open os.open os.listdir os.scandir os.walk os.stat os.lstat "
    "os.remove os.unlink os.rmdir os.mkdir os.makedirs os.chmod os.path.exists "
    "os.path.isfile os.path.isdir os.path.getsize glob.glob glob.iglob numpy.load "
    "numpy.loadtxt numpy.genfromtxt numpy.fromfile numpy.memmap numpy.save numpy.savez "
    "numpy.savez_compressed numpy.savetxt sqlite3.connect zipfile.ZipFile tarfile.open "
    "h5py.File PIL.Image.open matplotlib.pyplot.imread matplotlib.image.imread "
    "imageio.imread imageio.v2.imread imageio.v3.imread cv2.imread scipy.io.loadmat "
    "nbformat.read nbformat.write tensorflow.io.read_file tensorflow.io.write_file "
    "tensorflow.saved_model.load tensorflow.data.TextLineDataset "
    "tensorflow.data.TFRecordDataset keras.models.load_model keras.saving.load_model "
    "keras.utils.load_img keras.utils.image_dataset_from_directory "
    "keras.utils.text_dataset_from_directory"
)
PATH_FUNCTION_PREFIXES = ("pandas.read_", "tensorflow.io.gfile.", "shutil.")
TWO_PATH_FUNCTIONS = _words(
    "os.rename os.replace os.link os.symlink shutil.copy shutil.copy2 shutil.copyfile "
    "shutil.copytree shutil.move nbformat.write"
)
PATH_KEYWORDS = _words("file path fname filename filepath filepath_or_buffer path_or_buf")
OPEN_FUNCTIONS = _words("builtins.open io.open codecs.open")
#: Methods of a path object that read, list or write it.
PATH_METHODS = _words(
    "read_text read_bytes write_text write_bytes open glob rglob iterdir walk touch unlink "
    "rmdir rename replace exists is_file is_dir stat"
)
PATH_WRITE_METHODS = _words("write_text write_bytes touch")
#: Markers that _path_text uses for paths from the environment or from ``__file__``.
_ENV_PATH = "/$ENV"
_FILE_PATH = "/$FILE"

_MAX_CODE = 200
_MAX_WHAT = 80
_MAX_NESTING = 4

_HIDDEN_TESTS = ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
_MARK_SCHEME = ("BEGIN MARK SCHEME", "END MARK SCHEME")


# --------------------------------------------------------------------------------------
# API


@dataclass(frozen=True)
class Finding:
    """One suspicious line of a submission."""

    cell: str
    """The cell's nbgrader grade_id when it has one, else ``"cell <index>"``."""
    line: int
    """1-based line within the cell."""
    code: str
    """The offending source line, stripped, at most 200 characters."""
    rule: str
    """A rule id, a key of ``RULES``."""
    message: str
    """One sentence for the instructor."""


def scan_source(source: str, cell: str = "cell 0") -> list[Finding]:
    """Scan one cell's code (IPython syntax allowed) and return its findings in line order.

    Names the code does not bind itself are resolved with ``DEFAULT_ALIASES`` (``np`` is
    NumPy, ...). A cell that does not parse has no findings.
    """
    scanner = _Scanner()
    scanner.scan(source, cell)
    return _unique(scanner.findings)


def scan_notebook(
    submitted: nbformat.NotebookNode, source: nbformat.NotebookNode | None = None
) -> list[Finding]:
    """Scan the student's cells of a submitted notebook, in notebook order.

    Cells that nbgrader replaces before grading (locked and test cells) are followed only
    for the names they bind. With ``source``, the instructor's notebook, the nbgrader
    cells are also compared with it by grade_id: edited locked or test cells, deleted
    test cells and changed nbgrader metadata are findings too.
    """
    cells = list(submitted.get("cells", []))
    source_cells = _cells_by_grade_id(source) if source is not None else None
    kept_ids = _nbgrader_ids(cells)
    scanner = _Scanner()
    findings: list[Finding] = []
    for index, cell in enumerate(cells):
        label = _label(cell, index)
        grade_id = kept_ids.get(index)
        original = None
        if source_cells is not None and grade_id is not None:
            original = source_cells.get(grade_id)
            findings.extend(_compare_cell(cell, label, original))
        # The cells nbgrader overwrites: locked in the instructor's copy when we have it
        # (OverwriteCells goes by that), else locked by the submitted metadata.
        if source_cells is not None:
            owned = original is not None and _is_locked(_nbgrader(original))
        else:
            owned = grade_id is not None and _is_locked(_nbgrader(cell))
        # OverwriteCells also restores the instructor's cell type: a solution cell turned
        # into markdown still runs as code.
        runs = original if owned and original is not None else cell
        if (original or cell).get("cell_type") == "code":
            scanner.scan(_text(runs.get("source", "")), label, report=not owned)
            findings.extend(scanner.findings)
            scanner.findings.clear()
    if source_cells is not None:
        present = set(kept_ids.values())
        for grade_id, original in source_cells.items():
            meta = _nbgrader(original)
            if meta.get("grade") and not meta.get("solution") and grade_id not in present:
                visible = _student_version(_text(original.get("source", ""))) or ""
                findings.append(
                    _finding(grade_id, 1, visible.split("\n")[0], "deleted-test-cell", grade_id)
                )
    return _unique(findings)


# --------------------------------------------------------------------------------------
# Notebook structure


def _text(source: Any) -> str:
    """A cell's source as one string (raw JSON may hold a list of lines)."""
    return "".join(source) if isinstance(source, list) else str(source)


def _nbgrader(cell: Any) -> dict[str, Any]:
    """The nbgrader metadata of a cell, or an empty dict."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta if isinstance(meta, dict) else {}


def _is_locked(meta: dict[str, Any]) -> bool:
    """nbgrader's ``utils.is_locked``: a cell nbgrader overwrites from the source."""
    if not meta or meta.get("solution"):
        return False
    return bool(meta.get("grade") or meta.get("locked"))


def _label(cell: Any, index: int) -> str:
    """The cell's name in the report."""
    grade_id = _nbgrader(cell).get("grade_id")
    return str(grade_id) if grade_id else f"cell {index}"


def _cells_by_grade_id(notebook: nbformat.NotebookNode) -> dict[str, Any]:
    """The instructor's cells by grade_id."""
    cells: dict[str, Any] = {}
    for cell in notebook.get("cells", []):
        grade_id = _nbgrader(cell).get("grade_id")
        if grade_id:
            cells.setdefault(str(grade_id), cell)
    return cells


def _has_role(meta: dict[str, Any]) -> bool:
    """Whether nbgrader metadata marks the cell as graded, a solution or locked."""
    return bool(meta.get("grade") or meta.get("solution") or meta.get("locked"))


def _nbgrader_ids(cells: list[Any]) -> dict[int, str]:
    """The grade_id nbgrader keeps for each cell index, as after DeduplicateIds.

    DeduplicateIds wipes the nbgrader metadata of every cell with a role (grade, solution,
    locked) whose grade_id a later such cell repeats; OverwriteCells then works by grade_id.
    """
    last: dict[str, int] = {}
    for index, cell in enumerate(cells):
        meta = _nbgrader(cell)
        if meta.get("grade_id") and _has_role(meta):
            last[str(meta["grade_id"])] = index
    kept: dict[int, str] = {}
    for index, cell in enumerate(cells):
        meta = _nbgrader(cell)
        grade_id = meta.get("grade_id")
        if grade_id and (not _has_role(meta) or last.get(str(grade_id)) == index):
            kept[index] = str(grade_id)
    return kept


def _remove_regions(source: str, delimiters: tuple[str, str]) -> str | None:
    """nbgrader's ClearHiddenTests/ClearMarkScheme region removal, line for line.

    A line containing the begin delimiter opens a region, one containing the end
    delimiter closes it; both lines and everything between are dropped. Where nbgrader
    raises (nested or unterminated region, so the assignment could not be released),
    this returns None.
    """
    begin, end = delimiters
    kept: list[str] = []
    inside = False
    for line in source.split("\n"):
        if begin in line:
            if inside:
                return None
            inside = True
        elif end in line:
            inside = False
        elif not inside:
            kept.append(line)
    return None if inside else "\n".join(kept)


def _student_version(source: str) -> str | None:
    """An instructor cell's source as the released notebook has it."""
    without_tests = _remove_regions(source, _HIDDEN_TESTS)
    return None if without_tests is None else _remove_regions(without_tests, _MARK_SCHEME)


def _normalized_lines(source: str) -> list[str]:
    """Lines without trailing whitespace, without trailing empty lines."""
    lines = [line.rstrip() for line in source.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return lines


_METADATA_FLAGS = ("grade", "solution", "locked", "task")


def _compare_cell(cell: Any, label: str, original: Any | None) -> list[Finding]:
    """Metadata and source differences between a submitted nbgrader cell and the source."""
    meta = _nbgrader(cell)
    student_source = _text(cell.get("source", ""))
    first_line = student_source.split("\n")[0]
    if original is None:
        if _has_role(meta) or meta.get("task"):
            what = f"grade_id {meta.get('grade_id')!r} is not in the instructor's notebook"
            return [_finding(label, 1, first_line, "changed-cell-metadata", what)]
        return []
    expected = _nbgrader(original)
    changes = [
        f"{flag} {bool(expected.get(flag))} -> {bool(meta.get(flag))}"
        for flag in _METADATA_FLAGS
        if bool(expected.get(flag)) != bool(meta.get(flag))
    ]
    if expected.get("grade") or meta.get("grade"):
        old, new = _points(expected), _points(meta)
        if old != new:
            changes.append(f"points {old:g} -> {new:g}")
    if cell.get("cell_type") != original.get("cell_type"):
        changes.append(f"cell type {original.get('cell_type')} -> {cell.get('cell_type')}")
    findings = []
    if changes:
        findings.append(_finding(label, 1, first_line, "changed-cell-metadata", ", ".join(changes)))
    original_source = _text(original.get("source", ""))
    # InstantiateTests rewrites AUTOTEST lines with a kernel: no released text to compare.
    if _is_locked(expected) and "AUTOTEST" not in original_source:
        visible = _student_version(original_source)
        if visible is not None:
            want, got = _normalized_lines(visible), _normalized_lines(student_source)
            if want != got:
                line = next(
                    (i for i, (a, b) in enumerate(zip(want, got, strict=False)) if a != b),
                    min(len(want), len(got)),
                )
                code = got[line] if line < len(got) else ""
                if line < len(want):
                    what = f"`{_clip(want[line].strip())}`"
                else:
                    what = "none, the instructor's cell ends before it"
                findings.append(_finding(label, line + 1, code, "edited-locked-cell", what))
    return findings


def _points(meta: dict[str, Any]) -> float:
    """A cell's points as a number (0 when missing or not a number)."""
    try:
        return float(meta.get("points", 0) or 0)
    except (TypeError, ValueError):
        return 0.0


# --------------------------------------------------------------------------------------
# Findings


def _clip(text: str, limit: int = _MAX_WHAT) -> str:
    """Text cut to ``limit`` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _finding(cell: str, line: int, code: str, rule: str, what: str) -> Finding:
    """A Finding with the rule's message."""
    return Finding(cell, line, code.strip()[:_MAX_CODE], rule, RULES[rule].format(what=what))


def _unique(findings: Iterable[Finding]) -> list[Finding]:
    """Findings without repeats: one per cell, line and rule, the first one kept."""
    unique: dict[tuple[str, int, str], Finding] = {}
    for finding in findings:
        unique.setdefault((finding.cell, finding.line, finding.rule), finding)
    return list(unique.values())


def _shown(node: ast.AST) -> str:
    """Short source text of a node, in backquotes."""
    try:
        text = ast.unparse(node)
    except Exception:  # pragma: no cover - unparse handles every node ast.parse makes
        text = type(node).__name__
    return f"`{_clip(' '.join(text.split()), 60)}`"


def _str_const(node: ast.AST | None) -> str | None:
    """The value of a string literal, else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _canonical(path: str) -> str:
    """One spelling per object (``tensorflow.keras.x`` -> ``keras.x``, ...)."""
    for prefix, replacement in CANONICAL_PREFIXES:
        whole = prefix.endswith(".") or path == prefix or path.startswith(prefix + ".")
        if whole and path.startswith(prefix):
            return replacement + path[len(prefix) :]
    return path


def _prefixes(path: str) -> Iterator[str]:
    """``a``, ``a.b``, ``a.b.c`` for ``a.b.c``."""
    parts = path.split(".")
    for end in range(1, len(parts) + 1):
        yield ".".join(parts[:end])


def _match(path: str, table: dict[str, str]) -> tuple[str, str] | None:
    """The shortest prefix of ``path`` that ``table`` has, with its rule."""
    for prefix in _prefixes(path):
        if prefix in table:
            return prefix, table[prefix]
    return None


def _is_outside(text: str) -> bool:
    """Whether a path (with ``{}`` for unknown parts) leaves the working folder."""
    path = text.replace("\\", "/")
    if path == "~/.keras" or path.startswith("~/.keras/"):
        return False  # Keras' own download cache (keras.utils.get_file)
    if path.startswith(("/", "~")) or re.match(r"[A-Za-z]:/", path):
        return True
    normal = posixpath.normpath(path)
    return normal == ".." or normal.startswith("../")


def _describe_path(text: str) -> str:
    """A path for the report."""
    if _ENV_PATH in text:
        return "a path from an environment variable"
    if _FILE_PATH in text:
        return "a path built from `__file__`"
    return f"`{_clip(text.replace('{}', '…'), 60)}`"


def _is_grading_file(text: str) -> bool:
    """Whether a path names nbgrader's database or folder."""
    lowered = text.lower()
    return "gradebook" in lowered or ".nbgrader" in lowered


@functools.cache
def _transformer() -> Any:
    """IPython's cell transformer (imported on first use; it holds no per-cell state)."""
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager()


def _parse(code: str) -> tuple[ast.Module, int] | None:
    """IPython-transformed, parsed code and the number of leading lines the transform drops.

    None when the code does not parse (it could not run either).
    """
    lines = code.split("\n")
    dropped = next((i for i, line in enumerate(lines) if line.strip()), 0)
    try:
        python = _transformer().transform_cell(code)
    except Exception:
        python = code
        dropped = 0
    try:
        return ast.parse(python), dropped
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


# --------------------------------------------------------------------------------------
# The visitor


@dataclass
class _Scope:
    """Names bound in one scope: dotted path for imports, None for the student's own."""

    kind: str  # "module", "function", "class" or "comprehension"
    names: dict[str, str | None] = field(default_factory=dict)
    #: Names whose binding comes from an import statement.
    imported: set[str] = field(default_factory=set)
    declared_global: set[str] = field(default_factory=set)


class _Scanner(ast.NodeVisitor):
    """Walks the cells of one notebook in order, keeping bindings across cells."""

    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self._module = _Scope("module")
        self._scopes: list[_Scope] = [self._module]
        #: Names whose import line was itself reported; their uses are not reported again.
        self._reported_imports: set[str] = set()
        self._reported_builtins: set[str] = set()
        #: Names bound to paths (string literals, ``Path(...)``, ``os.path.join``).
        self._path_names: dict[str, str] = {}
        #: Nodes already covered by a finding on an enclosing attribute chain.
        self._covered: set[int] = set()
        self._with_items: set[int] = set()
        self._trees: list[ast.Module] = []
        self._cell = ""
        self._lines: list[str] = []
        self._report_on = True
        self._line_of: Callable[[int], int] = lambda line: line
        self._depth = 0

    # ---- entry point ------------------------------------------------------------------

    def scan(self, source: str, cell: str, report: bool = True) -> None:
        """Scan one cell; with ``report=False`` only follow the names it binds."""
        parsed = _parse(source)
        if parsed is None:
            return
        tree, dropped = parsed
        self._cell, self._lines, self._report_on = cell, source.split("\n"), report
        self._line_of = lambda line: line + dropped
        self._scopes = [self._module]
        self._covered.clear()
        self._with_items.clear()
        self._trees = [tree]
        for statement in tree.body:
            self.visit(statement)
        self.findings.sort(key=lambda finding: finding.line)

    def _scan_nested(self, code: str, line_of: Callable[[int], int]) -> None:
        """Scan code that runs from a string (a magic's body, ``exec("...")``)."""
        parsed = _parse(code) if self._depth < _MAX_NESTING else None
        if parsed is None:
            return
        tree, dropped = parsed
        self._trees.append(tree)  # keeps node ids in _covered unique for the cell
        saved = self._line_of
        self._line_of = lambda line: line_of(line + dropped)
        self._depth += 1
        try:
            for statement in tree.body:
                self.visit(statement)
        finally:
            self._depth -= 1
            self._line_of = saved

    # ---- reporting --------------------------------------------------------------------

    def _report(self, node: ast.AST, rule: str, what: str) -> None:
        """Record a finding at the node's line."""
        if not self._report_on:
            return
        line = self._line_of(getattr(node, "lineno", 1))
        code = self._lines[line - 1] if 1 <= line <= len(self._lines) else ""
        self.findings.append(_finding(self._cell, line, code, rule, what))

    def _cover(self, node: ast.AST) -> None:
        """Mark the attribute chain under ``node`` as reported."""
        while isinstance(node, ast.Attribute | ast.Subscript | ast.Call):
            self._covered.add(id(node))
            node = node.func if isinstance(node, ast.Call) else node.value
        self._covered.add(id(node))

    # ---- names ------------------------------------------------------------------------

    def _lookup(self, name: str) -> tuple[bool, str | None]:
        """(bound anywhere visible, its dotted path or None)."""
        innermost = self._scopes[-1]
        for scope in reversed(self._scopes):
            if scope.kind == "class" and scope is not innermost:
                continue
            if name in scope.names:
                return True, scope.names[name]
        return False, None

    def _binding_scope(self, name: str) -> _Scope:
        """The scope an assignment to ``name`` binds in."""
        scope = self._scopes[-1]
        return self._module if name in scope.declared_global else scope

    def _resolve(self, node: ast.AST) -> str | None:
        """The dotted path of an expression rooted at an import, else None."""
        if isinstance(node, ast.Name):
            found, path = self._lookup(node.id)
            return path if found else DEFAULT_ALIASES.get(node.id)
        if isinstance(node, ast.Attribute):
            base = self._resolve(node.value)
            return _canonical(f"{base}.{node.attr}") if base else None
        if isinstance(node, ast.Subscript):
            key = _str_const(node.slice)
            return key if key and self._resolve(node.value) == "sys.modules" else None
        if isinstance(node, ast.Call):
            return self._resolve_call(node)
        return None

    def _resolve_call(self, node: ast.Call) -> str | None:
        """The module or object a call returns, for the calls that return one we know."""
        callee = self._callee(node.func)
        first = _str_const(node.args[0]) if node.args else None
        if callee in SHELL_GETTERS:
            return SHELL
        if callee in ("builtins.__import__", "importlib.__import__") and first:
            return first.split(".")[0]
        if callee in ("importlib.import_module", "sys.modules.get") and first:
            return first
        if callee == "builtins.getattr" and len(node.args) >= 2:
            base, name = self._resolve(node.args[0]), _str_const(node.args[1])
            return _canonical(f"{base}.{name}") if base and name else None
        return None

    def _callee(self, func: ast.AST) -> str | None:
        """The dotted path of a called function; unbound builtins are ``builtins.<name>``."""
        path = self._resolve(func)
        if path:
            return _canonical(path)
        if (
            isinstance(func, ast.Name)
            and func.id in _BUILTIN_NAMES
            and not self._lookup(func.id)[0]
        ):
            return _canonical(f"builtins.{func.id}")
        if isinstance(func, ast.Attribute):  # object.__setattr__, type.__setattr__
            base = self._callee(func.value)
            if base and base.startswith("builtins."):
                return f"{base}.{func.attr}"
        return None

    def _bind(self, name: str, node: ast.AST, scope: _Scope | None = None) -> None:
        """An assignment, definition or deletion of ``name``; reports top-level rebinding."""
        scope = scope or self._binding_scope(name)
        if scope is self._module:
            self._check_rebinding(name, node)
        scope.names[name] = None
        scope.imported.discard(name)
        self._path_names.pop(name, None)
        self._reported_imports.discard(name)

    def _bind_import(self, name: str, path: str | None, node: ast.AST) -> None:
        """A name bound by an import (``import fake as np`` rebinds np too)."""
        scope = self._binding_scope(name)
        path = _canonical(path) if path else None
        if scope is self._module and path != self._module.names.get(name, path):
            self._check_rebinding(name, node)
        scope.names[name] = path
        scope.imported.add(name)
        self._path_names.pop(name, None)
        self._reported_imports.discard(name)

    def _check_rebinding(self, name: str, node: ast.AST) -> None:
        """Report a top-level rebinding of a check, a watched module or a builtin."""
        current = self._module.names.get(name)
        if name in self._module.imported and current is not None:
            if current in ("dlcourse", "dlcourse.checks") or current.startswith("dlcourse.checks."):
                self._report(node, "shadows-check", f"`{name}` ({current})")
            elif current in WATCHED_IMPORTS or current.startswith(WATCHED_IMPORT_PREFIXES):
                self._report(node, "patches-module", f"the name `{name}` ({current})")
            return
        if name == "__import__":
            self._report(node, "touches-sys-modules", "`__import__`")
        elif (
            name in SHADOWABLE_BUILTINS
            and name not in self._module.names
            and name not in self._reported_builtins
        ):
            self._reported_builtins.add(name)
            self._report(node, "shadows-builtin", f"`{name}`")

    # ---- scopes -----------------------------------------------------------------------

    def visit_Global(self, node: ast.Global) -> None:
        """``global x`` inside a function: assignments to x bind at the top level."""
        if self._scopes[-1] is not self._module:
            self._scopes[-1].declared_global.update(node.names)

    def _visit_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> None:
        """Decorators and defaults in the enclosing scope, the body in a new one."""
        if not isinstance(node, ast.Lambda):
            for decorator in node.decorator_list:
                self.visit(decorator)
        arguments = node.args
        for default in [*arguments.defaults, *arguments.kw_defaults]:
            if default is not None:
                self.visit(default)
        if not isinstance(node, ast.Lambda):
            self._bind(node.name, node)
        scope = _Scope("function")
        for argument in [
            *arguments.posonlyargs,
            *arguments.args,
            *arguments.kwonlyargs,
            arguments.vararg,
            arguments.kwarg,
        ]:
            if argument is not None:
                scope.names[argument.arg] = None
        self._scopes.append(scope)
        try:
            for statement in node.body if isinstance(node.body, list) else [node.body]:
                self.visit(statement)
        finally:
            self._scopes.pop()

    visit_FunctionDef = _visit_function
    visit_AsyncFunctionDef = _visit_function
    visit_Lambda = _visit_function

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        """Bases and decorators in the enclosing scope, the body in a class scope."""
        for expression in [*node.decorator_list, *node.bases, *node.keywords]:
            self.visit(expression)
        self._bind(node.name, node)
        self._scopes.append(_Scope("class"))
        try:
            for statement in node.body:
                self.visit(statement)
        finally:
            self._scopes.pop()

    def _visit_comprehension(
        self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp
    ) -> None:
        """Comprehension variables are local to the comprehension."""
        self._scopes.append(_Scope("comprehension"))
        try:
            for generator in node.generators:
                self.visit(generator.iter)
                self.visit(generator.target)
                for condition in generator.ifs:
                    self.visit(condition)
            if isinstance(node, ast.DictComp):
                self.visit(node.key)
                self.visit(node.value)
            else:
                self.visit(node.elt)
        finally:
            self._scopes.pop()

    visit_ListComp = _visit_comprehension
    visit_SetComp = _visit_comprehension
    visit_GeneratorExp = _visit_comprehension
    visit_DictComp = _visit_comprehension

    # ---- statements -------------------------------------------------------------------

    def visit_Import(self, node: ast.Import) -> None:
        """``import a.b`` binds ``a``; ``import a.b as c`` binds ``c`` to ``a.b``."""
        for alias in node.names:
            name = alias.asname or alias.name.split(".")[0]
            self._bind_import(name, alias.name if alias.asname else name, node)
            self._check_import(node, _canonical(alias.name), name)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        """``from a import b as c`` binds ``c`` to ``a.b``."""
        module = node.module if node.level == 0 else None
        for alias in node.names:
            if alias.name == "*":
                if module == "dlcourse.checks":
                    for name in DLCOURSE_CHECK_NAMES:
                        self._bind_import(name, f"dlcourse.checks.{name}", node)
                if module:
                    self._check_import(node, _canonical(module), "*")
                continue
            name = alias.asname or alias.name
            path = _canonical(f"{module}.{alias.name}") if module else None
            self._bind_import(name, path, node)
            if path:
                self._check_import(node, path, name)

    def _check_import(self, node: ast.AST, path: str, name: str) -> None:
        """Imports that are findings by themselves (network, builtins, ipykernel)."""
        match = _match(path, IMPORT_RULES)
        if match:
            self._report(node, match[1], f"`{path}`")
            self._reported_imports.add(name)

    def visit_Assign(self, node: ast.Assign) -> None:
        """Targets are checked; ``x = <import path>`` makes x an alias of that path."""
        self.visit(node.value)
        for target in node.targets:
            self.visit(target)
        if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            self._alias(node.targets[0].id, node.value)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        """Like an assignment; a bare annotation binds nothing."""
        if node.value is None:
            return
        self.visit(node.value)
        self.visit(node.target)
        if isinstance(node.target, ast.Name):
            self._alias(node.target.id, node.value)

    def _alias(self, name: str, value: ast.AST) -> None:
        """Record what an assignment's value is, when it is an import path or a path."""
        scope = self._binding_scope(name)
        path = self._resolve(value)
        if not path and isinstance(value, ast.Name):  # g = get_ipython
            path = self._callee(value) if self._callee(value) in SHELL_GETTERS else None
        if path:
            scope.names[name] = path
        text = self._path_text(value)
        if text is not None:
            self._path_names[name] = text

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        """``except E as name`` binds name."""
        if node.type is not None:
            self.visit(node.type)
        if node.name:
            self._binding_scope(node.name).names[node.name] = None
        for statement in node.body:
            self.visit(statement)

    def visit_With(self, node: ast.With | ast.AsyncWith) -> None:
        """Remember the context managers (a ``with redirect_stdout`` is harmless)."""
        for item in node.items:
            self._with_items.add(id(item.context_expr))
        self.generic_visit(node)

    visit_AsyncWith = visit_With

    def visit_Expr(self, node: ast.Expr) -> None:
        """A bare ``exit`` or ``quit`` line exits the kernel in IPython."""
        value = node.value
        exits = isinstance(value, ast.Name) and value.id in ("exit", "quit")
        if exits and not self._lookup(value.id)[0]:
            self._report(node, "stops-kernel", f"`{value.id}`")
        self.generic_visit(node)

    # ---- expressions ------------------------------------------------------------------

    def visit_Name(self, node: ast.Name) -> None:
        """Bindings, ``__builtins__``, IPython's input history, uses of flagged modules."""
        if node.id == "__builtins__":
            self._report(node, "touches-builtins", "`__builtins__`")
        if not isinstance(node.ctx, ast.Load):
            self._bind(node.id, node)
            return
        if id(node) in self._covered:
            return
        found, path = self._lookup(node.id)
        if not found and (node.id in HISTORY_NAMES or _HISTORY_NUMBERED.fullmatch(node.id)):
            self._report(node, "hooks-ipython", f"its input history `{node.id}`")
        if path and node.id not in self._reported_imports:
            match = _match(path, USE_RULES)
            if match:
                self._report(node, match[1], f"`{node.id}` ({path})")

    def visit_Constant(self, node: ast.Constant) -> None:
        """The string ``"__builtins__"`` (``globals()["__builtins__"]``)."""
        if node.value == "__builtins__":
            self._report(node, "touches-builtins", '`"__builtins__"`')

    def visit_Attribute(self, node: ast.Attribute) -> None:
        """Assignments to attributes of imports; uses of flagged attributes."""
        if not isinstance(node.ctx, ast.Load):
            path = self._resolve(node)
            if path:
                self._report_store(node, path, _shown(node))
            self.generic_visit(node)
            return
        if id(node) not in self._covered:
            self._check_attribute_use(node)
        self.generic_visit(node)

    def _check_attribute_use(self, node: ast.Attribute) -> None:
        """Frame attributes, ``.__builtins__``, shell hooks, flagged library paths."""
        if node.attr in FRAME_ATTRS:
            self._report(node, "inspects-frames", f"`.{node.attr}`")
            return
        if node.attr == "__builtins__":
            self._report(node, "touches-builtins", "`.__builtins__`")
            return
        path = self._resolve(node)
        if not path:
            return
        if path.startswith(SHELL + "."):
            attribute = path[len(SHELL) + 1 :].split(".")[0]
            if attribute in SHELL_HOOK_ATTRS:
                self._report(node, "hooks-ipython", f"`{attribute}`")
                self._cover(node)
            return
        match = _match(path, USE_RULES)
        if match and _root_name(node) not in self._reported_imports:
            self._report(node, match[1], f"{_shown(node)} ({match[0]})")
            self._cover(node)

    def _report_store(self, node: ast.AST, path: str, shown: str) -> None:
        """An assignment or deletion of ``path``, an attribute of an import."""
        rule = _store_rule(path)
        if rule is None:
            return
        plain = rule == "hooks-ipython" or shown.strip("`") == path
        what = shown if plain else f"{shown} ({path})"
        self._report(node, rule, what)
        self._cover(node)

    def visit_Subscript(self, node: ast.Subscript) -> None:
        """``sys.modules[...] =``, ``vars(module)[...] =``, ``globals()["np"] =``."""
        if not isinstance(node.ctx, ast.Load):
            self._check_item_store(node)
        self.generic_visit(node)

    def _check_item_store(self, node: ast.Subscript) -> None:
        """An item assignment or deletion into a namespace we know."""
        container, key = node.value, _str_const(node.slice)
        container_path = self._resolve(container)
        namespace = self._namespace_of(container)
        if container_path == "sys.modules":
            self._report(node, "touches-sys-modules", _shown(node))
        elif namespace is not None:
            self._report_store(node, f"{namespace}.{key or '*'}", _shown(node))
        elif self._is_globals(container):
            if key:
                self._bind(key, node, self._module)
        elif container_path and container_path.split(".")[0] == "dlcourse":
            self._report(node, "patches-module", f"{_shown(node)} ({container_path})")

    def _namespace_of(self, node: ast.AST) -> str | None:
        """The import path whose namespace ``vars(x)``/``x.__dict__``/``f.__globals__`` is."""
        if isinstance(node, ast.Call) and self._callee(node.func) == "builtins.vars":
            return self._resolve(node.args[0]) if len(node.args) == 1 else None
        if isinstance(node, ast.Attribute) and node.attr in ("__dict__", "__globals__"):
            base = self._resolve(node.value)
            if base:
                return base if node.attr == "__dict__" else f"{base}.__globals__"
        return None

    def _is_globals(self, node: ast.AST) -> bool:
        """``globals()`` (or a bare ``vars()``/``locals()`` at the top level)."""
        if not isinstance(node, ast.Call) or node.args:
            return False
        callee = self._callee(node.func)
        if callee == "builtins.globals":
            return True
        return callee in ("builtins.vars", "builtins.locals") and self._scopes[-1] is self._module

    def visit_Call(self, node: ast.Call) -> None:
        """Calls: setattr, exec, shell and magics, paths, exits, output, mutations."""
        callee = self._callee(node.func)
        if callee:
            self._check_call(node, callee)
        if isinstance(node.func, ast.Attribute):
            self._check_method_call(node, node.func)
        self.generic_visit(node)

    def _check_call(self, node: ast.Call, callee: str) -> None:
        """Calls recognised by the called function's path."""
        args = node.args
        if callee in SETATTR_FUNCTIONS and len(args) >= 2:
            base = self._resolve(args[0])
            if base:
                name = _str_const(args[1]) or "*"
                self._report_store(node, _canonical(f"{base}.{name}"), _shown(node))
        elif callee in EXEC_FUNCTIONS:
            self._check_exec(node, callee, args[0] if args else None)
        elif callee.startswith(SHELL + "."):
            self._check_shell_call(node, callee[len(SHELL) + 1 :])
        elif callee in ("builtins.exit", "builtins.quit"):
            self._report(node, "stops-kernel", _shown(node))
        elif callee in ("os.chdir", "os.fchdir"):
            self._report(node, "reads-outside", f"changes the working folder with {_shown(node)}")
        elif callee in REDIRECTS and id(node) not in self._with_items:
            self._report(node, "touches-sys-modules", f"{_shown(node)} outside a `with`")
        elif callee in DISPLAY_FUNCTIONS:
            self._check_display(node, callee)
        elif callee in ("os.write", "os.fdopen", "io.FileIO", *OPEN_FUNCTIONS) and _is_std_fd(args):
            self._report(node, "forges-output", f"{_shown(node)} to the kernel's own stream")
        if callee in PATH_FUNCTIONS or callee.startswith(PATH_FUNCTION_PREFIXES):
            self._check_path_call(node, callee)

    def _check_exec(self, node: ast.Call, callee: str, code: ast.AST | None) -> None:
        """exec/eval/compile: scan a literal, report anything else."""
        literal = _str_const(code)
        line = self._line_of(node.lineno)
        if literal is not None:
            self._scan_nested(literal, lambda _: line)
        elif not (
            callee != "builtins.compile"
            and isinstance(code, ast.Call)
            and self._callee(code.func) == "builtins.compile"
        ):
            self._report(node, "dynamic-code", f"`{callee.removeprefix('builtins.')}` of a value")

    def _check_shell_call(self, node: ast.Call, method: str) -> None:
        """Calls on the IPython shell: ``!cmd``, magics, running code, exiting."""
        args = node.args
        first = _str_const(args[0]) if args else None
        if method in SHELL_COMMAND_METHODS:
            self._report(node, "runs-shell", f"`!{_clip(first or '...', 60)}`")
        elif method in SHELL_MAGIC_METHODS and first is not None:
            if method == "magic":
                name, _, line = first.partition(" ")
                body = None
            else:
                name = first
                line = (_str_const(args[1]) if len(args) > 1 else "") or ""
                body = _str_const(args[2]) if len(args) > 2 else None
            if method == "magic":  # the old API takes "%name args"
                name = name.lstrip("%")
            self._check_magic(node, name, line, body, method == "run_cell_magic")
        elif method in SHELL_CODE_METHODS:
            if first is not None and method in ("run_cell", "ex", "ev"):
                line_number = self._line_of(node.lineno)
                self._scan_nested(first, lambda _: line_number)
            else:
                self._report(node, "dynamic-code", f"the shell's `{method}`")
        elif method == "ask_exit":
            self._report(node, "stops-kernel", "the shell's `ask_exit`")

    def _check_magic(
        self, node: ast.Call, name: str, line: str, body: str | None, cell: bool
    ) -> None:
        """A line or cell magic, by name."""
        shown = f"`{'%%' if cell else '%'}{name}`"
        outer = self._line_of(node.lineno)
        rule = MAGIC_RULES.get(name)
        path = next((token for token in line.split() if not token.startswith("-")), "")
        if rule == "reads-outside":
            self._report(node, rule, f"changes the working folder with {shown}")
        elif rule is not None:
            self._report(node, rule, shown)
        elif name in PYTHON_MAGICS:
            if body is not None:
                self._scan_nested(body, lambda inner: outer + inner)
            if name != "capture":
                self._scan_magic_line(line, outer)
        elif name in ("run", "load"):
            if path and _is_outside(path):
                self._report(node, "reads-outside", f"{shown} of {_describe_path(path)}")
            elif name == "run":
                self._report(node, "dynamic-code", f"{shown} of a file")
        elif name in WRITEFILE_MAGICS and path:
            if _is_grading_file(path) or path.endswith(".ipynb"):
                self._report(node, "forges-output", f"{shown} to `{_clip(path, 60)}`")
            elif _is_outside(path):
                self._report(node, "reads-outside", f"{shown} to {_describe_path(path)}")
            if body is not None and path.endswith(".py"):
                self._scan_nested(body, lambda inner: outer + inner)

    def _scan_magic_line(self, line: str, outer: int) -> None:
        """The statement of ``%time``/``%timeit``/``%prun``, after the magic's options."""
        rest = line
        while rest.strip():
            if _parse(rest) is not None:
                self._scan_nested(rest, lambda _: outer)
                return
            rest = re.sub(r"^\s*\S+", "", rest, count=1)

    def _check_display(self, node: ast.Call, callee: str) -> None:
        """Raw display data with Jupyter's or nbgrader's own MIME types."""
        raw = callee.endswith("publish_display_data") or any(
            keyword.arg == "raw"
            and isinstance(keyword.value, ast.Constant)
            and keyword.value.value is True
            for keyword in node.keywords
        )
        if not raw:
            return
        for value in [*node.args, *(keyword.value for keyword in node.keywords)]:
            if isinstance(value, ast.Dict):
                for key in value.keys:
                    text = _str_const(key)
                    if text and (
                        text.startswith("application/vnd.jupyter") or "nbgrader" in text.lower()
                    ):
                        self._report(node, "forges-output", f"raw display data `{text}`")
                        return

    def _check_path_call(self, node: ast.Call, callee: str) -> None:
        """A function given a path: outside the folder, nbgrader's files, a notebook."""
        count = 2 if callee in TWO_PATH_FUNCTIONS else 1
        candidates = list(node.args[:count]) + [
            keyword.value for keyword in node.keywords if keyword.arg in PATH_KEYWORDS
        ]
        writes = self._opens_for_writing(node, callee)
        for position, argument in enumerate(candidates):
            text = self._path_text(argument)
            if text is None:
                continue
            if _is_grading_file(text):
                self._report(node, "forges-output", f"nbgrader's files {_describe_path(text)}")
            elif _is_outside(text):
                self._report(node, "reads-outside", _describe_path(text))
            elif text.endswith(".ipynb") and (writes or (count == 2 and position == 1)):
                self._report(node, "forges-output", f"writes the notebook `{_clip(text, 60)}`")

    @staticmethod
    def _opens_for_writing(node: ast.Call, callee: str) -> bool:
        """Whether an ``open`` call's mode writes."""
        if callee not in OPEN_FUNCTIONS:
            return False
        mode: ast.AST | None = node.args[1] if len(node.args) > 1 else None
        for keyword in node.keywords:
            if keyword.arg == "mode":
                mode = keyword.value
        text = _str_const(mode)
        return text is not None and any(letter in text for letter in "wax+")

    def _check_method_call(self, node: ast.Call, func: ast.Attribute) -> None:
        """Methods: dict mutations of namespaces, ``__setattr__``, path methods."""
        method, receiver = func.attr, func.value
        if method in ("__setattr__", "__delattr__") and node.args:
            base = self._resolve(receiver)
            if base:
                name = _str_const(node.args[0]) or "*"
                self._report_store(node, _canonical(f"{base}.{name}"), _shown(node))
        if method in DICT_MUTATORS:
            namespace = self._namespace_of(receiver)
            if self._resolve(receiver) == "sys.modules":
                self._report(node, "touches-sys-modules", _shown(node))
            elif namespace is not None:
                self._report_store(node, f"{namespace}.*", _shown(node))
            elif self._is_globals(receiver) and method == "update":
                for keyword in node.keywords:
                    if keyword.arg:
                        self._bind(keyword.arg, node, self._module)
                for argument in node.args:
                    if isinstance(argument, ast.Dict):
                        for key in argument.keys:
                            text = _str_const(key)
                            if text:
                                self._bind(text, node, self._module)
        if method in PATH_METHODS:
            text = self._path_text(receiver)
            if text is None:
                return
            if _is_grading_file(text):
                self._report(node, "forges-output", f"nbgrader's files {_describe_path(text)}")
            elif _is_outside(text):
                self._report(node, "reads-outside", _describe_path(text))
            elif text.endswith(".ipynb") and method in PATH_WRITE_METHODS:
                self._report(node, "forges-output", f"writes the notebook `{_clip(text, 60)}`")

    # ---- paths ------------------------------------------------------------------------

    def _path_text(self, node: ast.AST, depth: int = 0) -> str | None:
        """The path an expression builds, ``{}`` for unknown parts; None if not a path.

        Understands literals, f-strings, ``+``, ``Path(...) / ...``, ``os.path.join``,
        ``expanduser``, ``dirname``, ``.parent``, ``os.getcwd()``, ``Path.home()``,
        ``os.environ`` and ``__file__``, and names assigned from these.
        """
        if depth > 8:
            return None
        if isinstance(node, ast.Constant):
            return node.value if isinstance(node.value, str) else None
        if isinstance(node, ast.JoinedStr):
            return "".join(
                part.value if isinstance(part, ast.Constant) else "{}" for part in node.values
            )
        if isinstance(node, ast.Name):
            return _FILE_PATH if node.id == "__file__" else self._path_names.get(node.id)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Div):
            left = self._path_text(node.left, depth + 1)
            right = self._path_text(node.right, depth + 1)
            if left is None and right is None:
                return None
            left, right = left if left is not None else "{}", right if right is not None else "{}"
            return left + right if isinstance(node.op, ast.Add) else posixpath.join(left, right)
        if isinstance(node, ast.Subscript):
            return _ENV_PATH if self._resolve(node.value) == "os.environ" else None
        if isinstance(node, ast.Attribute):
            if node.attr == "parent":
                base = self._path_text(node.value, depth + 1)
                return None if base is None else base + "/.."
            return None
        if isinstance(node, ast.Call):
            return self._call_path_text(node, depth)
        return None

    def _call_path_text(self, node: ast.Call, depth: int) -> str | None:
        """``_path_text`` of a call."""
        callee = self._callee(node.func)
        texts = [self._path_text(argument, depth + 1) for argument in node.args]
        first = texts[0] if texts else None
        if callee in ("os.path.join", "pathlib.Path"):
            if not texts:
                return "."
            if all(text is None for text in texts):
                return None
            return posixpath.join(*(text if text is not None else "{}" for text in texts))
        if callee in (
            "os.path.expanduser",
            "os.path.expandvars",
            "os.path.abspath",
            "os.path.realpath",
            "os.path.normpath",
        ):
            return first
        if callee == "os.path.dirname":
            return None if first is None else first + "/.."
        if callee in ("os.getcwd", "pathlib.Path.cwd"):
            return "."
        if callee == "pathlib.Path.home":
            return "~"
        if callee in ("os.getenv", "os.environ.get"):
            return _ENV_PATH
        if isinstance(node.func, ast.Attribute) and callee is None:
            base = self._path_text(node.func.value, depth + 1)
            if base is None:
                return None
            if node.func.attr in ("expanduser", "resolve", "absolute"):
                return base
            if node.func.attr == "joinpath":
                return posixpath.join(base, *(text if text is not None else "{}" for text in texts))
        return None


def _is_std_fd(args: list[ast.expr]) -> bool:
    """Whether the first argument is file descriptor 1 or 2 (the kernel's stdout/stderr)."""
    return bool(args) and isinstance(args[0], ast.Constant) and args[0].value in (1, 2)


def _root_name(node: ast.AST) -> str | None:
    """The name an attribute chain starts from."""
    while isinstance(node, ast.Attribute | ast.Subscript):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _store_rule(path: str) -> str | None:
    """The rule for assigning or deleting ``path`` (an attribute of an import)."""
    root = path.split(".")[0]
    if path.startswith(SHELL) or root in ("IPython", "ipykernel"):
        return "hooks-ipython"
    if root == "builtins":
        return "touches-builtins"
    if root == "sys":
        parts = path.split(".")
        return "touches-sys-modules" if len(parts) > 1 and parts[1] in SYS_GUARDED else None
    if path.startswith(ALLOWED_STORE_PREFIXES):
        return None
    return "patches-module"
