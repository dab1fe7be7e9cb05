"""The integrity scan's rules: rule ids and the sentences the report shows, and the tables
of modules, functions and attributes that the scanner (``scanner.py``) consults.

A rule is a *class* of tampering, not a spelling: the scanner reports every construct of
the class, wherever it occurs and under whatever alias; these tables name the members
of each class (the machinery modules, the interpreter hooks, the shell's attributes).
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

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
    "shadows-instructor-name": (
        "Rebinds {what}, a name the instructor's set-up or test cells define, so the tests "
        "would call or read the student's version."
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
    "makes-link": (
        "Creates a link or a special file ({what}), which can redirect what another "
        "program reads or writes; a graded notebook has no use for one."
    ),
    "network": "Uses the network ({what}), which a graded notebook has no use for.",
    "runs-shell": (
        "Runs a shell command or another program ({what}), which can read files outside "
        "the submission."
    ),
    "dynamic-code": "Runs code built at run time ({what}), which this scan cannot read.",
    "dynamic-lookup": (
        "Looks up {what} by a name built at run time, which this scan cannot follow and "
        "which can reach any module the tests use."
    ),
    "reads-internals": (
        "Reaches Python's object internals ({what}), which lead to the modules, functions "
        "and frames the tests use."
    ),
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
    "CheckError check_close check_dtype check_finite check_gradient check_shape check_type "
    "needs register_hooks substitute to_numpy"
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
    ("__main__.get_ipython", "IPython.get_ipython"),
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
#: Methods IPython calls on the student's objects to show an error: an exception class
#: with ``_render_traceback_`` decides what its traceback looks like (nothing at all).
SHELL_PROTOCOL_METHODS = _words("_render_traceback_")
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
    **dict.fromkeys(_words("builtins __builtin__"), "touches-builtins"),
    # The user namespace (history, get_ipython) and the shell's own machinery; not
    # IPython.display, which students use to show things.
    **dict.fromkeys(
        _words("__main__ ipykernel IPython.core IPython.terminal IPython.kernel jupyter_client"),
        "hooks-ipython",
    ),
    # Frames, tracebacks, cached cell sources, every live object.
    **dict.fromkeys(_words("inspect traceback linecache gc"), "inspects-frames"),
    # Imports, exit hooks, signals (a handler can swallow the grader's interrupt).
    **dict.fromkeys(_words("importlib atexit signal faulthandler"), "touches-sys-modules"),
    **dict.fromkeys(_words("ctypes _ctypes"), "reads-internals"),
    **dict.fromkeys(_words("runpy code codeop marshal"), "dynamic-code"),
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
        _words("os.symlink os.link os.mkfifo os.mknod"),
        "makes-link",
    ),
    **dict.fromkeys(
        _words(
            "sys.path sys.settrace sys.setprofile sys.addaudithook sys.meta_path sys.path_hooks "
            "sys.path_importer_cache sys.monitoring threading.settrace threading.setprofile "
            "threading.settrace_all_threads threading.setprofile_all_threads importlib.reload"
        ),
        "touches-sys-modules",
    ),
    **dict.fromkeys(
        _words("sys.__stdout__ sys.__stderr__ sys.displayhook sys.__displayhook__"),
        "forges-output",
    ),
    **dict.fromkeys(
        _words(
            "sys.modules sys.excepthook sys.__excepthook__ sys.unraisablehook "
            "sys.__unraisablehook__ sys.breakpointhook sys.__breakpointhook__"
        ),
        "touches-sys-modules",
    ),
    **dict.fromkeys(
        _words(
            "sys.last_traceback sys.last_value sys.last_type sys.last_exc sys._getframemodulename"
        ),
        "inspects-frames",
    ),
    **dict.fromkeys(
        _words(
            "types.FunctionType types.CodeType types.LambdaType importlib.util importlib.machinery"
        ),
        "dynamic-code",
    ),
    # Attribute access and calls by names in strings, and unpickling (which can call any
    # function): the same reach as getattr/setattr with computed names.
    **dict.fromkeys(
        _words(
            "operator.attrgetter operator.methodcaller pickle.loads pickle.load "
            "pickle.Unpickler _pickle.loads copyreg marshal.loads dill"
        ),
        "dynamic-lookup",
    ),
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
FRAME_ATTRS = _words(
    "f_back f_globals f_locals f_code f_builtins tb_frame tb_next gi_frame cr_frame ag_frame "
    "gi_code cr_code"
)
#: IPython's input history: the sources of the cells that ran before, hidden tests included.
HISTORY_NAMES = _words("In _ih _i _ii _iii")
_HISTORY_NUMBERED = re.compile(r"_i\d+")
#: Harmless parts of flagged modules: importing ``importlib.util`` to ask whether a
#: package is installed (``find_spec``), package versions (``importlib.metadata``).
#: ``importlib.util``'s loaders (``module_from_spec``...) stay findings.
ALLOWED_PATHS = _words("importlib.util")
ALLOWED_PATH_PREFIXES = ("importlib.util.find_spec", "importlib.metadata")

#: IPython's output history: whatever earlier cells showed, a module included.
OUTPUT_HISTORY_NAMES = _words("Out _oh _ __ ___")
_OUTPUT_NUMBERED = re.compile(r"_\d+")

#: Dunder attributes a student legitimately reads or calls: the protocol methods of their
#: own classes (``super().__init__``, ``x.__len__()``), names and versions. Every other
#: dunder attribute (``__dict__``, ``__class__``, ``__subclasses__``, ``__globals__``,
#: ``__code__``, ``__closure__``, ``__self__``, ``__wrapped__``, ``__loader__``,
#: ``__spec__``, ...) leads into the interpreter's machinery. Defining dunder methods in
#: a class is not reading anything and is never a finding.
ALLOWED_DUNDER_ATTRS = _words(
    "__init__ __new__ __call__ __len__ __getitem__ __setitem__ __delitem__ __contains__ "
    "__iter__ __next__ __reversed__ __repr__ __str__ __format__ __hash__ __bool__ __eq__ "
    "__ne__ __lt__ __le__ __gt__ __ge__ __add__ __sub__ __mul__ __matmul__ __truediv__ "
    "__floordiv__ __mod__ __divmod__ __pow__ __neg__ __pos__ __abs__ __invert__ __round__ "
    "__radd__ __rsub__ __rmul__ __rmatmul__ __rtruediv__ __rfloordiv__ __rpow__ __iadd__ "
    "__isub__ __imul__ __itruediv__ __and__ __or__ __xor__ __int__ __float__ __index__ "
    "__enter__ __exit__ __array__ __name__ __qualname__ __doc__ __version__ __module__ "
    "__setattr__ __delattr__ __post_init__ __copy__ __deepcopy__ __getstate__ __setstate__"
)
#: Dunder names a student legitimately uses (``if __name__ == "__main__"``).
ALLOWED_DUNDER_NAMES = _words("__name__ __doc__ __file__ __debug__ __version__ __all__")

#: Calls whose result may be one of their arguments (or hold it): a module passed in may
#: come back out. Other library calls make new objects.
PASS_THROUGH = _words(
    "builtins.list builtins.tuple builtins.set builtins.frozenset builtins.dict builtins.iter "
    "builtins.next builtins.reversed builtins.sorted builtins.zip builtins.enumerate "
    "builtins.map builtins.filter builtins.min builtins.max builtins.super copy.copy "
    "copy.deepcopy types.SimpleNamespace types.MappingProxyType functools.partial "
    "functools.reduce numpy.array numpy.asarray numpy.asanyarray operator.getitem"
)
PASS_THROUGH_PREFIXES = ("collections.", "itertools.", "weakref.")
#: Calls that return a wrapper of the function they are given (its calls are its calls).
WRAPPERS = _words(
    "tensorflow.function jax.jit functools.wraps functools.lru_cache functools.cache "
    "functools.update_wrapper"
)
#: Methods that put their arguments into the receiver (a list, a dict, a set).
CONTAINER_FILLERS = _words("append extend insert add update setdefault __setitem__")

#: The shell methods IPython's own transformer calls (``%magic``, ``!cmd``, ``x = !cmd``):
#: ``get_ipython().<one of these>(...)`` is how a cell's IPython syntax runs, and is
#: judged by the magic or command; any other use of the shell is a finding.
SHELL_TRANSFORMER_METHODS = _words("run_line_magic run_cell_magic magic system getoutput")
#: Functions that take an attribute name (second argument) or a module name (first).
IMPORT_FUNCTIONS = _words("builtins.__import__ importlib.__import__ importlib.import_module")
DYNAMIC_NAME_FUNCTIONS = IMPORT_FUNCTIONS | _words(
    "builtins.getattr builtins.setattr builtins.delattr builtins.hasattr "
    "builtins.object.__getattribute__ builtins.object.__setattr__ builtins.object.__delattr__ "
    "builtins.type.__getattribute__ builtins.type.__setattr__ builtins.type.__delattr__"
)
#: ``globals()`` and its kin: the user namespace as a dict. With a literal name it is a
#: name (``globals()["x"]``); as a whole, or with a computed name, it is a finding.
NAMESPACE_FUNCTIONS = _words("builtins.globals builtins.locals builtins.vars")
NAMESPACE_METHODS = _words("get update setdefault pop __getitem__ __setitem__")

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
#: Methods of a path object that create a link or a special file (any receiver).
LINK_METHODS = _words("symlink_to hardlink_to link_to mkfifo")
#: Markers that _path_text uses for paths from the environment or from ``__file__``.
_ENV_PATH = "/$ENV"
_FILE_PATH = "/$FILE"

_MAX_CODE = 200
_MAX_WHAT = 80
_MAX_NESTING = 4


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
    """The shortest prefix of ``path`` that ``table`` has, with its rule; None for the
    harmless corners of flagged modules (``ALLOWED_PATHS``)."""
    if path in ALLOWED_PATHS or any(path.startswith(p) for p in ALLOWED_PATH_PREFIXES):
        return None
    for prefix in _prefixes(path):
        if prefix in table:
            return prefix, table[prefix]
    return None


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
