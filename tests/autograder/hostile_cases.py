"""A class of hostile submissions of the example lesson 00_fixture, for test_hostile.py.

Each case starts from the demo class's ``perfect`` submission and replaces the source of
the ``square`` solution cell (worth 2 points through ``square_values``) with an attack
followed by a *wrong* ``square``; ``row_means`` stays right (2 points). So an attack that
gains nothing leaves the autograded score at 2 (or 0 when it stops the kernel), and every
point above 2 is what the attack gained.

Sources are templates: ``@@NAME@@`` is replaced by ``Placeholders`` (paths of the canary
files planted outside the sandbox, the gradebook, a Unix socket the test listens on, a
token that marks what the attacks print and the processes they start).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass, field

import nbformat

LESSON = "00_fixture"
HONEST = 2.0  # row_means' two test cells; square is wrong in every attack

WRONG_SQUARE = "def square(x):\n    return np.asarray(x, dtype=float) + 1.0\n"
RIGHT_SQUARE = (
    "def square(x):\n    import numpy as _np\n    return _np.asarray(x, dtype=float) ** 2\n"
)

# Flags a case must raise.
TAMPERED = "tampered"  # a canary passed (result.tampered, and withheld)
FINDINGS = "findings"  # the integrity scan reported something (and withheld)
FLAGGED = "flagged"  # either of the two
CLEAN = "clean"  # neither: an honest (if careless) submission is not held back


@dataclass(frozen=True)
class Case:
    """One hostile submission."""

    name: str
    group: str  # fake-pass, symlinks, leak, limits, careless
    square: str = ""  # the source of square's cell (empty: the perfect answer)
    before_setup: tuple[str, ...] = ()  # cells the student added before the set-up cell
    row_means: str = ""  # the source of row_means' cell (empty: the perfect answer)
    files: dict[str, str] = field(default_factory=dict)  # extra files in the submission
    links: dict[str, str] = field(default_factory=dict)  # symlinks in the submission
    build: Callable[[nbformat.NotebookNode], nbformat.NotebookNode | str] | None = None
    honest: float = HONEST  # the autograded score the answers behind the attack earn
    flag: str | None = None  # TAMPERED, FINDINGS, FLAGGED, CLEAN; None: no demand
    execution: str | None = None  # the sandbox status it must end with
    status: str = "graded"
    leaks: bool = False  # tries to carry the hidden tests out: check feedback for the token
    readable: bool = True  # leaks: what it gathers must not hold the hidden tests


# --------------------------------------------------------------------------- 1: fake a pass

_FORGE_REPLY = """\
shell = get_ipython.__self__
_run_async, _run = shell.run_cell_async, shell.run_cell


def _clear(result):
    result.error_in_exec = None
    result.error_before_exec = None
    return result


async def run_cell_async(*args, **kwargs):
    return _clear(await _run_async(*args, **kwargs))


shell.run_cell_async = run_cell_async
shell.run_cell = lambda *args, **kwargs: _clear(_run(*args, **kwargs))
shell.showtraceback = lambda *args, **kwargs: None
shell._showtraceback = lambda *args, **kwargs: None
"""

_FORGE_DO_EXECUTE = """\
from IPython.core import getipython

kernel = getipython.get_ipython().kernel


async def do_execute(code, silent, store_history=True, user_expressions=None,
                     allow_stdin=False, **kwargs):
    kernel.execution_count += 1
    return {"status": "ok", "execution_count": kernel.execution_count,
            "payload": [], "user_expressions": {}}


kernel.do_execute = do_execute
"""

# dlcourse.checks as a student would fake it: canaries (an expectation moved far away,
# or a shape with an axis of 7919) fail as they must, every other check passes.
_EVADING_CHECKS = """\
import numpy as np


def to_numpy(value, name="value"):
    return np.asarray(value, dtype=float)


def _looks_planted(want):
    try:
        return float(np.max(np.abs(np.asarray(want, dtype=float)))) > 1000
    except Exception:
        return True


def check_close(name, got, want, *args, **kwargs):
    if _looks_planted(want):
        raise AssertionError(name)


def check_shape(name, got, expected):
    if any(size is not None and size > 1000 for size in tuple(expected)):
        raise AssertionError(name)
"""

_EVADING_B64 = base64.b64encode(_EVADING_CHECKS.encode()).decode()

FAKE_PASS = [
    Case(
        "displayhook-then-raise",  # the reproduction
        "fake-pass",
        'import sys\n\n\ndef square(x):\n    sys.displayhook("ok")\n'
        '    raise NotImplementedError("not done")\n',
        flag=FINDINGS,
    ),
    Case(
        "silence-main-alias",  # the reproduction
        "fake-pass",
        "import __main__\n\n__main__.get_ipython().showtraceback = lambda *a, **k: None\n"
        "__main__.get_ipython()._showtraceback = lambda *a, **k: None\n\n" + WRONG_SQUARE,
        flag=FINDINGS,
    ),
    Case(
        "silence-sys-modules-ipython",
        "fake-pass",
        "import sys\n\nsh = sys.modules['IPython'].get_ipython()\n"
        "sh._showtraceback = sh.showtraceback = lambda *a, **k: None\n\n" + WRONG_SQUARE,
        flag=FINDINGS,
    ),
    Case(
        "forge-reply-via-run-cell",  # get_ipython.__self__, run_cell(_async) lie "ok"
        "fake-pass",
        _FORGE_REPLY + "\n\n" + WRONG_SQUARE,
        flag=FLAGGED,
    ),
    Case(
        "forge-do-execute",  # IPython.core.getipython; no later cell runs, all reply "ok"
        "fake-pass",
        _FORGE_DO_EXECUTE + "\n\n" + WRONG_SQUARE,
        flag=FLAGGED,
    ),
    Case(
        "quiet-exception-fake-output",  # broken __str__, empty _render_traceback_, stdout
        "fake-pass",
        "import sys\nfrom IPython.display import display\n\n\n"
        "class Quiet(Exception):\n"
        "    def __str__(self):\n        raise RuntimeError\n\n"
        "    def __repr__(self):\n        raise RuntimeError\n\n"
        "    def _render_traceback_(self):\n        return []\n\n\n"
        "def square(x):\n"
        "    sys.stdout.write('square: all checks passed\\n')\n"
        "    display({'text/plain': \"{'score': 2}\"}, raw=True)\n"
        "    raise Quiet()\n",
    ),
    Case(
        "patch-through-loop-variable",
        "fake-pass",
        "for target in (checks, np, np.testing):\n"
        "    for name in ('check_close', 'check_shape', 'allclose', 'assert_allclose'):\n"
        "        if hasattr(target, name):\n"
        "            setattr(target, name, lambda *a, **k: True)\n\n" + WRONG_SQUARE,
        flag=FLAGGED,
    ),
    Case(
        "patch-later-inside-function",  # patched while the first test cell runs
        "fake-pass",
        "def _later():\n    held = [checks]\n"
        "    held[0].check_close = lambda *a, **k: None\n"
        "    held[0].check_shape = lambda *a, **k: None\n\n\n"
        "def square(x):\n    _later()\n    return np.asarray(x, dtype=float) + 1.0\n",
        flag=FLAGGED,
    ),
    Case(
        "patch-computed-setattr",
        "fake-pass",
        "setattr(getattr(__import__('dl' + 'course'), 'che' + 'cks'), 'check_' + 'close',\n"
        "        lambda *a, **k: None)\n\n" + WRONG_SQUARE,
        flag=FLAGGED,
    ),
    Case(
        "patch-via-gc-referrers",
        "fake-pass",
        "import gc\n\nfor holder in gc.get_referrers(checks.check_close):\n"
        "    if isinstance(holder, dict) and holder.get('__name__') == 'dlcourse.checks':\n"
        "        holder['check_close'] = lambda *a, **k: None\n\n" + WRONG_SQUARE,
        flag=FLAGGED,
    ),
    Case(
        "patch-evading-canaries",  # passes every check but the planted ones
        "fake-pass",
        "import dlcourse.checks as c\n\n_real = c.check_close\n\n\n"
        "def check_close(name, got, want, *args, **kwargs):\n"
        "    if np.max(np.abs(np.asarray(want, dtype=float))) > 1000:\n"
        "        return _real(name, got, want, *args, **kwargs)\n\n\n"
        "c.check_close = check_close\n\n" + WRONG_SQUARE,
        flag=FINDINGS,
    ),
    Case(
        "shadow-dlcourse-sidecar",  # a dlcourse/ package handed in beside the notebook
        "fake-pass",
        WRONG_SQUARE,
        files={"dlcourse/__init__.py": "", "dlcourse/checks.py": _EVADING_CHECKS},
        # Neutralised by design (the working folder is not on sys.path and dlcourse.checks
        # is imported first): it gains nothing, and nothing in its code is a finding.
        flag=None,
    ),
    Case(
        "shadow-dlcourse-written",  # a cell before set-up writes a dlcourse/ package
        "fake-pass",
        WRONG_SQUARE,
        before_setup=(
            "import base64\nimport os\n\nos.makedirs('dlcourse', exist_ok=True)\n"
            "with open('dlcourse/__init__.py', 'w') as f:\n    f.write('')\n"
            "with open('dlcourse/checks.py', 'wb') as f:\n"
            f"    f.write(base64.b64decode('{_EVADING_B64}'))\n",
        ),
        flag=None,  # neutralised by design, as above; writing files is no finding
    ),
]

# --------------------------------------------------------------------------- 2: symlinks

_TRY = "import contextlib\nimport os\n\n_quiet = contextlib.suppress(Exception)\n\n"

SYMLINKS = [
    Case(
        "symlink-notebook-to-gradebook",  # the reproduction, absolute and relative
        "symlinks",
        _TRY + "for name in ('00_fixture.ipynb', 'timestamp.txt'):\n"
        "    with _quiet:\n        os.remove(name)\n"
        "for target, name in [('@@GRADEBOOK@@', '00_fixture.ipynb'),\n"
        "                     ('../../../gradebook.db', 'timestamp.txt'),\n"
        "                     ('../../../gradebook.db', 'gradebook.db')]:\n"
        "    with _quiet:\n        os.symlink(target, name)\n\n" + WRONG_SQUARE,
        flag=FLAGGED,
    ),
    Case(
        "symlink-to-canary-files",
        "symlinks",
        _TRY + "for target, name in [('@@CANARY@@', '00_fixture.ipynb'),\n"
        "                     ('@@ROOT_CANARY@@', 'answers.py'),\n"
        "                     ('@@WS_CANARY@@', '.ipynb_checkpoints')]:\n"
        "    with _quiet:\n        os.remove(name)\n"
        "    with _quiet:\n        os.symlink(target, name)\n\n" + WRONG_SQUARE,
        flag=FLAGGED,
    ),
    Case(
        "symlink-dirs-and-write-through",
        "symlinks",
        _TRY + "for target, name in [('../../..', 'up'), ('/', 'root'), ('@@BASE@@', 'base')]:\n"
        "    with _quiet:\n        os.symlink(target, name)\n"
        "for path in ['up/PWNED-@@TOKEN@@', 'root/var/tmp/PWNED-@@TOKEN@@',\n"
        "             'base/PWNED-@@TOKEN@@', '@@BASE@@/PWNED-@@TOKEN@@',\n"
        "             '/var/tmp/PWNED-@@TOKEN@@', '/tmp/PWNED-@@TOKEN@@']:\n"
        "    with _quiet, open(path, 'w') as f:\n        f.write('pwned')\n"
        "with _quiet, open('@@CANARY@@', 'a') as f:\n    f.write('pwned')\n\n" + WRONG_SQUARE,
        flag=FLAGGED,
    ),
    Case(
        "hardlink-to-canary",
        "symlinks",
        _TRY + "for source, name in [('@@CANARY@@', 'hard.py'), ('@@GRADEBOOK@@', 'hard.db'),\n"
        "                     ('/etc/hosts', 'hosts')]:\n"
        "    with _quiet:\n        os.link(source, name)\n"
        "    with _quiet, open(name, 'a') as f:\n        f.write('pwned')\n"
        "with _quiet:\n    exec(open('hard.py').read())\n"
        "if 'square' not in globals():\n"
        "    exec(" + repr(WRONG_SQUARE) + ")\n",
        flag=FLAGGED,
    ),
    Case(
        "fifo-named-like-the-notebook",
        "symlinks",
        _TRY + "for name in ('00_fixture.ipynb', 'timestamp.txt', 'feedback.html'):\n"
        "    with _quiet:\n        os.remove(name)\n"
        "    with _quiet:\n        os.mkfifo(name)\n\n" + WRONG_SQUARE,
    ),
    Case(
        "fill-the-folder",  # 2x the disk cap in the working folder, then a sparse TB
        "symlinks",
        _TRY + "chunk = b'x' * 2**24\n"
        "with _quiet, open('big-@@TOKEN@@.bin', 'wb') as f:\n"
        "    for _ in range(64):\n        f.write(chunk)\n"
        "with _quiet:\n    os.remove('big-@@TOKEN@@.bin')\n"
        "with _quiet, open('sparse-@@TOKEN@@.bin', 'wb') as f:\n    f.truncate(2**40)\n\n"
        + WRONG_SQUARE,
    ),
    Case(
        "symlinks-handed-in",  # the submission folder itself holds links out of it
        "symlinks",
        "import contextlib\n\nwith contextlib.suppress(Exception):\n"
        "    exec(open('answer.py').read())\n"
        "with contextlib.suppress(Exception):\n"
        "    exec(open('up/var/tmp/@@CANARY_NAME@@').read())\n"
        "if 'square' not in globals():\n    exec(" + repr(WRONG_SQUARE) + ")\n",
        links={"answer.py": "@@CANARY@@", "up": "/"},
    ),
]

# --------------------------------------------------------------------------- 3: hidden tests

_PACK = """\
import base64
import zlib


def _pack(text):
    return "LEAK-@@TOKEN@@:" + base64.b85encode(zlib.compress(text.encode())).decode() + ":END"


"""

LEAKS = [
    Case(
        "leak-history",  # the reproduction, and the other history names
        "leak",
        _PACK + "import __main__\n\n\ndef square(x):\n"
        "    seen = [repr(getattr(__main__, name, None))\n"
        "            for name in ('In', '_ih', '_i', '_ii', '_iii', 'Out', '_oh')]\n"
        "    raise ValueError(_pack('\\n'.join(seen)))\n",
        leaks=True,
        flag=FINDINGS,
    ),
    Case(
        "leak-notebook-files",  # any notebook the kernel can find
        "leak",
        _PACK + "import glob\nimport os\n\n\ndef square(x):\n    seen = []\n"
        "    patterns = ['*', '**/*.ipynb', '../*', '../../*', '/tmp/*', '/tmp/*/*',\n"
        "                os.path.expanduser('~/*')]\n"
        "    for pattern in patterns:\n"
        "        for path in glob.glob(pattern, recursive=True)[:50]:\n"
        "            try:\n                with open(path, errors='replace') as f:\n"
        "                    seen.append(path + '\\n' + f.read(2000))\n"
        "            except Exception:\n                pass\n"
        "    raise ValueError(_pack('\\n'.join(seen)))\n",
        leaks=True,
    ),
    Case(
        "leak-linecache",
        "leak",
        _PACK + "import linecache\n\n\ndef square(x):\n"
        "    seen = [''.join(entry[2]) for entry in list(linecache.cache.values())\n"
        "            if isinstance(entry, tuple) and len(entry) > 2]\n"
        "    raise ValueError(_pack('\\n'.join(seen)))\n",
        leaks=True,
        flag=FINDINGS,
    ),
    Case(
        "leak-stack-frames",  # the running test's code object: unavoidably readable
        "leak",
        _PACK + "import inspect\nimport linecache\n\n\ndef square(x):\n    seen = []\n"
        "    for frame in inspect.stack():\n"
        "        code = frame.frame.f_code\n"
        "        seen.append(repr(code.co_consts) + repr(frame.code_context))\n"
        "        seen.append(''.join(linecache.getlines(code.co_filename)))\n"
        "    raise ValueError(_pack('\\n'.join(seen)))\n",
        leaks=True,
        readable=False,
        flag=FINDINGS,
    ),
    Case(
        "leak-print-and-files",  # stdout, stderr, files in the working folder and /tmp
        "leak",
        _PACK + "import sys\nimport linecache\nimport __main__\n\n\ndef square(x):\n"
        "    text = repr(getattr(__main__, 'In', '')) + ''.join(\n"
        "        ''.join(e[2]) for e in list(linecache.cache.values()) if len(e) > 2)\n"
        "    packed = _pack(text)\n"
        "    print(packed)\n    print(packed, file=sys.stderr)\n"
        "    for path in ('leak-@@TOKEN@@.txt', '/tmp/leak-@@TOKEN@@.txt'):\n"
        "        with open(path, 'w') as f:\n            f.write(packed)\n"
        "    return np.asarray(x, dtype=float) + 1.0\n",
        leaks=True,
        flag=FINDINGS,
    ),
    Case(
        "leak-stashed-for-a-visible-test",  # read in a hidden test, shown by a visible one
        "leak",
        _PACK + "import linecache\n\n_stash = []\n\n\n"
        "def square(x):\n"
        "    _stash.extend(''.join(e[2]) for e in list(linecache.cache.values()) if len(e) > 2)\n"
        "    return np.asarray(x, dtype=float) + 1.0\n",
        # The visible shape test (the only call with a 3 x 2 input; a canary may run
        # before it) leaks what was stashed, and loses its point.
        row_means="def row_means(X):\n"
        "    if np.shape(X) == (3, 2) and _stash:\n"
        "        raise ValueError(_pack('\\n'.join(_stash)))\n"
        "    return np.asarray(X, dtype=float).mean(axis=1)\n",
        honest=1.0,
        leaks=True,
        flag=FINDINGS,
    ),
    Case(
        "leak-exception-name-and-html",  # the payload as the exception's class name
        "leak",
        _PACK + "import base64\nimport linecache\nfrom IPython.display import HTML, display\n\n\n"
        "def square(x):\n"
        "    text = ''.join(''.join(e[2]) for e in list(linecache.cache.values()) if len(e) > 2)\n"
        "    packed = _pack(text)\n"
        "    display(HTML('<pre>' + packed + '</pre>'))\n"
        "    name = base64.b32encode(text.encode()[:3000]).decode().rstrip('=')\n"
        "    name = 'LEAK_@@TOKEN@@_' + name\n"
        "    raise type(name, (Exception,), {})(packed)\n",
        leaks=True,
        flag=FINDINGS,
    ),
]

# --------------------------------------------------------------------------- 4: limits

_MARK = "open('/proc/self/comm', 'w').write('@@SHORT@@')"

LIMITS = [
    Case(
        "memfd-twice-the-cap",
        "limits",
        "import os\n\nfd = os.memfd_create('hog')\nchunk = b'x' * 2**24\n"
        "for _ in range(2 * @@MEMORY_MB@@ // 16):\n    os.write(fd, chunk)\n\n" + WRONG_SQUARE,
        # The kernel is killed in square's cell and restarted: row_means still scores.
        execution="memory",
    ),
    Case(
        "shm-and-tmp-files",  # in-memory file systems: the cap holds, the host keeps nothing
        "limits",
        "chunk = b'x' * 2**24\nfor path in ('/dev/shm/hog-@@TOKEN@@', '/tmp/hog-@@TOKEN@@'):\n"
        "    try:\n        with open(path, 'wb') as f:\n"
        "            for _ in range(2 * @@MEMORY_MB@@ // 16):\n                f.write(chunk)\n"
        "    except OSError as error:\n        print(error)\n\n" + WRONG_SQUARE,
    ),
    Case(
        "fork-bomb",
        "limits",
        "import os\nimport time\n\nfor _ in range(3000):\n    try:\n        pid = os.fork()\n"
        "    except OSError:\n        break\n    if pid == 0:\n        try:\n"
        f"            {_MARK}\n            time.sleep(3600)\n"
        "        finally:\n            os._exit(0)\n\n" + WRONG_SQUARE,
    ),
    Case(
        "thread-bomb",
        "limits",
        "import threading\nimport time\n\nfor _ in range(20000):\n    try:\n"
        "        threading.Thread(target=time.sleep, args=(3600,), daemon=True).start()\n"
        "    except RuntimeError:\n        break\n\n" + WRONG_SQUARE,
    ),
    Case(
        "cpu-spinners",
        "limits",
        "import os\n\nfor _ in range(6):\n    if os.fork() == 0:\n        try:\n"
        f"            {_MARK}\n            while True:\n                pass\n"
        "        finally:\n            os._exit(0)\n\n" + WRONG_SQUARE,
    ),
    Case(
        "double-fork-setsid",  # daemons that ignore SIGTERM and SIGHUP
        "limits",
        "import os\nimport signal\nimport subprocess\nimport sys\nimport time\n\n"
        "pid = os.fork()\nif pid == 0:\n    try:\n        os.setsid()\n"
        "        if os.fork() == 0:\n"
        "            signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "            signal.signal(signal.SIGHUP, signal.SIG_IGN)\n"
        f"            {_MARK}\n            time.sleep(3600)\n"
        "    finally:\n        os._exit(0)\nos.waitpid(pid, 0)\n"
        "subprocess.Popen(['setsid', '-f', sys.executable, '-c', "
        '"import time; ' + _MARK.replace("'", "\\'") + '; time.sleep(3600)"],\n'
        "                 start_new_session=True, stdin=subprocess.DEVNULL,\n"
        "                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
        "time.sleep(0.5)\n\n" + WRONG_SQUARE,
    ),
    Case(
        "unix-sockets-of-the-host",  # the test's socket answers with the right square
        "limits",
        "import socket\n\nfor address in ('@@SOCKET@@', '\\0@@ABSTRACT@@',\n"
        "                '/run/dbus/system_bus_socket', '/var/run/docker.sock'):\n"
        "    try:\n        s = socket.socket(socket.AF_UNIX)\n        s.settimeout(2)\n"
        "        s.connect(address)\n        exec(s.recv(65536).decode())\n"
        "    except Exception:\n        pass\n"
        "if 'square' not in globals():\n    exec(" + repr(WRONG_SQUARE) + ")\n",
    ),
    Case(
        "reads-system-secrets",  # /etc/shadow, a canary under /srv
        "limits",
        "for path in ('/etc/shadow', '@@SRV_CANARY@@'):\n    try:\n"
        "        text = open(path).read()\n    except Exception:\n        continue\n"
        "    if 'root:' in text or 'def square' in text:\n"
        "        exec(" + repr(RIGHT_SQUARE) + ")\n"
        "if 'square' not in globals():\n    exec(" + repr(WRONG_SQUARE) + ")\n",
    ),
    Case(
        "reads-course-and-var-tmp",  # the instructor's notebook, a canary under /var/tmp
        "limits",
        "import json\n\ntry:\n    exec(open('@@CANARY@@').read())\nexcept Exception:\n    pass\n"
        "try:\n    source = json.load(open('@@SOURCE_NB@@'))\n"
        "    for cell in source['cells']:\n        text = ''.join(cell['source'])\n"
        "        if text.startswith('def square'):\n"
        "            exec('\\n'.join(l for l in text.splitlines() if '###' not in l))\n"
        "except Exception:\n    pass\n"
        "if 'square' not in globals():\n    exec(" + repr(WRONG_SQUARE) + ")\n",
    ),
]

# --------------------------------------------------------------------------- 5: careless


def _copied_square(right_last: bool) -> Callable[[nbformat.NotebookNode], nbformat.NotebookNode]:
    """Jupyter's copy of square's cell (same nbgrader metadata and cell id), pasted after
    it; the last copy holds ``right_last``'s answer."""

    def build(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
        index = _index(notebook, "square")
        first = notebook.cells[index]
        copy = nbformat.from_dict(json.loads(json.dumps(first)))
        first.source = WRONG_SQUARE if right_last else first.source
        copy.source = copy.source if right_last else WRONG_SQUARE
        notebook.cells.insert(index + 1, copy)
        return notebook

    return build


def _copied_test_cell(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The test cell of square copied (metadata, id), the copy edited to print."""
    index = _index(notebook, "square_values")
    copy = nbformat.from_dict(json.loads(json.dumps(notebook.cells[index])))
    copy.source = "print(square(3.0))"
    notebook.cells.insert(index, copy)
    return notebook


def _index(notebook: nbformat.NotebookNode, grade_id: str) -> int:
    return next(
        i
        for i, c in enumerate(notebook.cells)
        if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id
    )


def _old_schema(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A notebook from an old nbgrader (schema version 1): nbgrader refuses to grade it."""
    for cell in notebook.cells:
        if "nbgrader" in cell.metadata:
            cell.metadata.nbgrader["schema_version"] = 1
    return notebook


CARELESS = [
    Case("copied-solution-cell", "careless", build=_copied_square(True), honest=4.0, flag=CLEAN),
    Case("copied-test-cell", "careless", build=_copied_test_cell, honest=4.0, flag=CLEAN),
    Case(
        "truncated-json",
        "careless",
        build=lambda nb: nbformat.writes(nb)[: len(nbformat.writes(nb)) // 2],
        honest=0.0,
        status="invalid",
    ),
    Case(
        "too-many-cells",
        "careless",
        build=lambda nb: nbformat.v4.new_notebook(
            cells=[*nb.cells, *(nbformat.v4.new_markdown_cell("x") for _ in range(6000))]
        ),
        honest=0.0,
        status="invalid",
    ),
]

# Graded first as a perfect notebook, then re-submitted as one that nbgrader cannot grade.
RESUBMITTED = Case("resubmission-fails", "careless", build=_old_schema, honest=0.0, status="error")

CASES: list[Case] = [*FAKE_PASS, *SYMLINKS, *LEAKS, *LIMITS, *CARELESS, RESUBMITTED]
assert len({case.name for case in CASES}) == len(CASES)


def render(template: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        template = template.replace(f"@@{key}@@", value)
    assert "@@" not in template, template
    return template


def write_case(case: Case, perfect: nbformat.NotebookNode, folder, values: dict[str, str]):
    """Write ``case``'s submission into ``folder`` (``submitted/<student>/<lesson>``)."""
    import os

    notebook = nbformat.from_dict(json.loads(json.dumps(perfect)))
    if case.square:
        notebook.cells[_index(notebook, "square")].source = render(case.square, values)
    if case.row_means:
        notebook.cells[_index(notebook, "row_means")].source = render(case.row_means, values)
    if case.before_setup:
        at = _index(notebook, "setup")
        for offset, source in enumerate(case.before_setup):
            cell = nbformat.v4.new_code_cell(render(source, values))
            notebook.cells.insert(at + offset, cell)
    made = case.build(notebook) if case.build else notebook
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{LESSON}.ipynb"
    if isinstance(made, str):
        path.write_text(made)
    else:
        nbformat.write(made, path)
    for relative, text in case.files.items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_text(render(text, values))
    for relative, target in case.links.items():
        os.symlink(render(target, values), folder / relative)
