"""autograder.integrity: tampering patterns are flagged, ordinary course code is not."""

from __future__ import annotations

import copy
import re

import nbformat
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from autograder import integrity
from autograder.integrity import RULES, Finding, scan_notebook, scan_source
from autograder.integrity.notebook import _student_version

# --------------------------------------------------------------------------------------
# Single cells: (test id, cell source, rule, 1-based line of the finding)

HOSTILE: list[tuple[str, str, str, int]] = [
    # makes-link: a link or a fifo in the working folder (nothing trusted follows one,
    # but a notebook has no use for one)
    ("os-symlink", "import os\nos.symlink('../../../gradebook.db', 'x.ipynb')", "makes-link", 2),
    ("path-symlink", "from pathlib import Path\nPath('x').symlink_to('/etc')", "makes-link", 2),
    ("hard-link", "import os as o\no.link('a', 'b')", "makes-link", 2),
    ("fifo", "from os import mkfifo\nmkfifo('00_fixture.ipynb')", "makes-link", 2),
    # dynamic-lookup through operator and pickle (a fresh red team's variants)
    (
        "attrgetter-globals",
        "import operator\ng = operator.attrgetter('__glo' + 'bals__')(f)",
        "dynamic-lookup",
        2,
    ),
    (
        "methodcaller-setattr",
        "from operator import methodcaller as m\nm('__setattr__', 'check_close', f)(checks)",
        "dynamic-lookup",
        2,
    ),
    (
        "pickle-setattr",
        "import pickle\nsa = pickle.loads(b'cbuiltins\\nsetattr\\n.')",
        "dynamic-lookup",
        2,
    ),
    # sys.path: a module of the student's own in place of the tests' helpers
    ("sys-path", "import sys\nsys.path.insert(0, '.')", "touches-sys-modules", 2),
    # patches-module
    ("np-alias", "import numpy as np\nnp.allclose = lambda *a, **k: True", "patches-module", 2),
    ("other-alias", "import numpy as n\nn.allclose = lambda *a, **k: True", "patches-module", 2),
    (
        "from-import-alias",
        "from numpy import testing as t\nt.assert_allclose = lambda *a, **k: None",
        "patches-module",
        2,
    ),
    (
        "submodule-alias",
        "import numpy.testing as npt\n\nnpt.assert_allclose = f",
        "patches-module",
        3,
    ),
    (
        "dlcourse-checks-alias",
        "import dlcourse.checks as c\nc.check_close = lambda *a, **k: None",
        "patches-module",
        2,
    ),
    (
        "from-dlcourse-import-checks",
        "from dlcourse import checks\nchecks.check_close = f",
        "patches-module",
        2,
    ),
    ("deep-attribute", "import dlcourse\ndlcourse.checks.check_close = f", "patches-module", 2),
    ("tf-debugging", "import tensorflow as tf\ntf.debugging.assert_near = f", "patches-module", 2),
    ("augmented", "import numpy as np\nnp.pi += 1", "patches-module", 2),
    ("delete", "import numpy as np\ndel np.allclose", "patches-module", 2),
    ("tuple-target", "import numpy as np\nnp.allclose, np.isclose = f, g", "patches-module", 2),
    ("setattr", "import numpy as np\nsetattr(np, 'allclose', f)", "patches-module", 2),
    ("delattr", "import numpy as np\ndelattr(np, 'allclose')", "patches-module", 2),
    ("vars-item", "import numpy as np\nvars(np)['allclose'] = f", "patches-module", 2),
    ("dict-item", "import numpy as np\nnp.__dict__['allclose'] = f", "patches-module", 2),
    ("dict-update", "import numpy as np\nnp.__dict__.update(allclose=f)", "patches-module", 2),
    (
        "object-setattr",
        "import numpy as np\nobject.__setattr__(np, 'allclose', f)",
        "patches-module",
        2,
    ),
    (
        "mock-patch",
        "from unittest import mock\nmock.patch.object(np, 'allclose', f).start()",
        "patches-module",
        2,
    ),
    (
        "mock-patch-decorator",
        "from unittest.mock import patch\n@patch('numpy.allclose')\ndef f(m):\n    pass",
        "patches-module",
        2,
    ),
    ("monkeypatch", "import pytest\nmp = pytest.MonkeyPatch()", "patches-module", 2),
    (
        "function-code",
        "from dlcourse import checks\nchecks.check_close.__code__ = c",
        "patches-module",
        2,
    ),
    (
        "inside-function",
        "import numpy as np\ndef cheat():\n    np.testing.assert_allclose = f\ncheat()",
        "patches-module",
        3,
    ),
    (
        "alias-variable",
        "import numpy as np\nt = np.testing\nt.assert_allclose = f",
        "patches-module",
        3,
    ),
    ("rebind-np", "import numpy as np\nnp = FakeNumpy()", "patches-module", 2),
    ("sys-modules-attr", "import sys\nsys.modules['numpy'].allclose = f", "patches-module", 2),
    (
        "import-module",
        "import importlib\nimportlib.import_module('numpy').allclose = f",
        "patches-module",
        2,
    ),
    # shadows-check
    (
        "def-check",
        "from dlcourse.checks import check_close\ndef check_close(*a, **k):\n    pass",
        "shadows-check",
        2,
    ),
    (
        "assign-check",
        "from dlcourse.checks import check_close\ncheck_close = print",
        "shadows-check",
        2,
    ),
    ("rebind-checks", "from dlcourse import checks\nchecks = FakeChecks()", "shadows-check", 2),
    (
        "star-check",
        "from dlcourse.checks import *\ncheck_shape = lambda *a: None",
        "shadows-check",
        2,
    ),
    # touches-builtins
    ("import-builtins", "import builtins", "touches-builtins", 1),
    ("builtins-store", "import builtins\n\nbuiltins.print = f", "touches-builtins", 3),
    ("dunder-builtins", "__builtins__.print = lambda *a, **k: None", "touches-builtins", 1),
    ("dunder-builtins-item", "__builtins__['len'] = f", "touches-builtins", 1),
    ("globals-builtins", "g = globals()['__builtins__']", "touches-builtins", 1),
    # shadows-builtin
    ("def-print", "def print(*args):\n    pass", "shadows-builtin", 1),
    ("assertion-error", "AssertionError = Exception", "shadows-builtin", 1),
    ("isinstance", "isinstance = lambda *a: True", "shadows-builtin", 1),
    ("class-exception", "class Exception:\n    pass", "shadows-builtin", 1),
    ("len", "x = 1\nlen = lambda x: 3", "shadows-builtin", 2),
    ("global-in-function", "def f():\n    global abs\n    abs = g", "shadows-builtin", 3),
    ("globals-item", "globals()['round'] = f", "shadows-builtin", 1),
    # touches-sys-modules
    ("sys-modules-item", "import sys\nsys.modules['numpy'] = fake", "touches-sys-modules", 2),
    ("sys-modules-pop", "import sys\nsys.modules.pop('dlcourse.checks')", "touches-sys-modules", 2),
    ("del-sys-modules", "import sys\ndel sys.modules['numpy']", "touches-sys-modules", 2),
    ("reload", "import importlib\nimportlib.reload(checks)", "touches-sys-modules", 2),
    ("from-reload", "from importlib import reload\nreload(checks)", "touches-sys-modules", 2),
    ("meta-path", "import sys\nsys.meta_path.insert(0, Finder())", "touches-sys-modules", 2),
    ("import-override", "__import__ = my_import", "touches-sys-modules", 1),
    ("settrace", "import sys\nsys.settrace(tracer)", "touches-sys-modules", 2),
    ("threading-settrace", "import threading\nthreading.settrace(t)", "touches-sys-modules", 2),
    ("excepthook", "import sys\nsys.excepthook = lambda *a: None", "touches-sys-modules", 2),
    ("displayhook", "import sys\nsys.displayhook = h", "touches-sys-modules", 2),
    ("stdout", "import io, sys\nsys.stdout = io.StringIO()", "touches-sys-modules", 2),
    ("stderr", "import os, sys\nsys.stderr = open(os.devnull, 'w')", "touches-sys-modules", 2),
    (
        "redirect-entered",
        "import contextlib, io\ncontextlib.redirect_stderr(io.StringIO()).__enter__()",
        "touches-sys-modules",
        2,
    ),
    # stops-kernel
    ("os-exit", "import os\nos._exit(0)", "stops-kernel", 2),
    ("sys-exit", "import sys\nsys.exit()", "stops-kernel", 2),
    ("exit-call", "exit()", "stops-kernel", 1),
    ("quit-bare", "quit", "stops-kernel", 1),
    ("kill", "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)", "stops-kernel", 2),
    # hooks-ipython
    (
        "events-register",
        "ip = get_ipython()\nip.events.register('pre_run_cell', f)",
        "hooks-ipython",
        2,
    ),
    ("showtraceback", "get_ipython().showtraceback = lambda *a, **k: None", "hooks-ipython", 1),
    (
        "from-ipython",
        "from IPython import get_ipython\nget_ipython().set_custom_exc((Exception,), h)",
        "hooks-ipython",
        2,
    ),
    ("ast-transformers", "get_ipython().ast_transformers.append(T())", "hooks-ipython", 1),
    (
        "input-transformers",
        "shell = get_ipython()\nshell.input_transformers_post.append(t)",
        "hooks-ipython",
        2,
    ),
    ("user-ns", "get_ipython().user_ns['np'] = fake", "hooks-ipython", 1),
    (
        "shell-class",
        "from IPython.core.interactiveshell import InteractiveShell\n"
        "InteractiveShell.showtraceback = f",
        "hooks-ipython",
        2,
    ),
    ("input-history", "print(In[-1])", "hooks-ipython", 1),
    ("history-magic", "%history -n", "hooks-ipython", 1),
    ("ipykernel", "import ipykernel", "hooks-ipython", 1),
    # inspects-frames
    ("frame-back", "import sys\nf = sys._getframe(1)", "inspects-frames", 2),
    (
        "inspect-stack",
        "import inspect\nprint(inspect.stack()[1].frame.f_locals)",
        "inspects-frames",
        2,
    ),
    ("linecache", "import linecache\nprint(linecache.cache)", "inspects-frames", 2),
    # reads-outside
    ("absolute", "open('/work/main/source/x.ipynb')", "reads-outside", 1),
    ("climbing", "open('../../source/a.ipynb')", "reads-outside", 1),
    ("home", "text = open('~/secrets.txt').read()", "reads-outside", 1),
    ("fstring", "name = 'a'\nopen(f'../source/{name}.ipynb')", "reads-outside", 2),
    ("concat", "open('/etc/' + name)", "reads-outside", 1),
    ("np-load", "import numpy as np\nnp.load('/work/main/answers.npy')", "reads-outside", 2),
    (
        "pd-read",
        "import pandas as pd\ndf = pd.read_csv('../../data/answers.csv')",
        "reads-outside",
        2,
    ),
    ("listdir", "import os\nprint(os.listdir('/work'))", "reads-outside", 2),
    ("glob", "import glob\nglob.glob('../../**/*.ipynb', recursive=True)", "reads-outside", 2),
    (
        "path-read-text",
        "from pathlib import Path\nPath('/etc/passwd').read_text()",
        "reads-outside",
        2,
    ),
    (
        "path-glob",
        "from pathlib import Path\nlist(Path('..').rglob('*.ipynb'))",
        "reads-outside",
        2,
    ),
    (
        "path-parent",
        "from pathlib import Path\n(Path.cwd().parent / 'x').read_text()",
        "reads-outside",
        2,
    ),
    (
        "expanduser",
        "import os\nhome = os.path.expanduser('~')\nopen(os.path.join(home, 'x'))",
        "reads-outside",
        3,
    ),
    ("environ", "import os\nopen(os.environ['HOME'] + '/x')", "reads-outside", 2),
    ("dunder-file", "import os\nos.listdir(os.path.dirname(__file__))", "reads-outside", 2),
    (
        "variable-path",
        "p = '../source/lesson.ipynb'\nwith open(p) as f:\n    f.read()",
        "reads-outside",
        2,
    ),
    ("chdir", "import os\nos.chdir('data')", "reads-outside", 2),
    ("cd-magic", "%cd ..", "reads-outside", 1),
    # forges-output
    (
        "raw-display",
        "from IPython.display import display\n"
        "display({'application/vnd.jupyter.stderr': 'ok'}, raw=True)",
        "forges-output",
        2,
    ),
    (
        "publish",
        "from IPython.display import publish_display_data\n"
        "publish_display_data({'application/vnd.jupyter.widget-view+json': {}})",
        "forges-output",
        2,
    ),
    ("dunder-stdout", "import sys\nsys.__stdout__.write('All tests passed')", "forges-output", 2),
    ("fd-write", "import os\nos.write(1, b'ok')", "forges-output", 2),
    ("write-notebook", "open('lesson.ipynb', 'w').write(text)", "forges-output", 1),
    ("json-notebook", "import json\njson.dump(nb, open('graded.ipynb', 'w'))", "forges-output", 2),
    ("gradebook", "import sqlite3\ndb = sqlite3.connect('gradebook.db')", "forges-output", 2),
    ("writefile-notebook", "%%writefile lesson.ipynb\n{}", "forges-output", 1),
    # network
    ("socket", "import socket", "network", 1),
    ("requests", "import requests as r\nr.get('http://x')", "network", 1),
    ("urllib-request", "from urllib.request import urlopen", "network", 1),
    ("urllib-use", "import urllib\nurllib.request.urlopen('http://x')", "network", 2),
    ("http-client", "import http.client", "network", 1),
    ("smtplib", "from smtplib import SMTP", "network", 1),
    ("star-socket", "from socket import *", "network", 1),
    # runs-shell
    ("bang", "!cat /etc/passwd", "runs-shell", 1),
    ("bang-pip", "!pip list", "runs-shell", 1),
    ("bang-assign", "x = 1\nfiles = !ls ../..", "runs-shell", 2),
    ("bash-cell", "%%bash\ncat ../../source/*.ipynb", "runs-shell", 1),
    ("sh-cell", "%%sh\nls", "runs-shell", 1),
    ("script-cell", "%%script bash\nls", "runs-shell", 1),
    ("system-magic", "%system ls", "runs-shell", 1),
    ("os-system", "import os\nos.system('ls /')", "runs-shell", 2),
    ("subprocess", "import subprocess\nsubprocess.run(['ls'])", "runs-shell", 2),
    ("from-subprocess", "from subprocess import check_output\ncheck_output('ls')", "runs-shell", 2),
    ("dunder-import", "__import__('os').system('ls')", "runs-shell", 1),
    ("indented-bang", "for i in range(2):\n    !echo {i}", "runs-shell", 2),
    # dynamic-code
    ("exec-value", "exec(code)", "dynamic-code", 1),
    ("eval-value", "x = eval(text)", "dynamic-code", 1),
    ("run-cell", "get_ipython().run_cell(src)", "dynamic-code", 1),
    ("run-magic", "%run helper.py", "dynamic-code", 1),
    # classes, not spellings: the shell through an alias
    (
        "main-shell",
        "import __main__\n__main__.get_ipython().showtraceback = lambda *a, **k: None",
        "hooks-ipython",
        2,
    ),
    ("shell-in-list", "[get_ipython][0]().showtraceback = f", "hooks-ipython", 1),
    (
        "shell-from-function",
        "def shell():\n    return get_ipython()\nshell().set_custom_exc((Exception,), h)",
        "hooks-ipython",
        3,
    ),
    ("shell-globals", "globals()['get_ipython']().events.register('x', f)", "hooks-ipython", 1),
    (
        "shell-sys-modules",
        "import sys\nip = sys.modules['IPython'].get_ipython()\nip.showtraceback = f",
        "hooks-ipython",
        3,
    ),
    ("shell-kept", "ip = get_ipython()", "hooks-ipython", 1),
    (
        "render-traceback",
        "class Quiet(Exception):\n    def _render_traceback_(self):\n        return []",
        "hooks-ipython",
        2,
    ),
    # fake results through the display and exception hooks
    (
        "displayhook-stub",
        "import sys\ndef f(x):\n    sys.displayhook('ok')\n    raise NotImplementedError",
        "forges-output",
        3,
    ),
    ("displayhook-alias", "from sys import displayhook as show\nshow(1.0)", "forges-output", 2),
    ("displayhook-getattr", "import sys\ngetattr(sys, 'displayhook')('ok')", "forges-output", 2),
    ("dunder-displayhook", "import sys\nsys.__displayhook__(1)", "forges-output", 2),
    ("excepthook-read", "import sys\nh = sys.excepthook", "touches-sys-modules", 2),
    ("shell-displayhook", "get_ipython().displayhook(1)", "hooks-ipython", 1),
    # modules patched through loops, parameters, containers, returns, getattr
    (
        "loop-over-modules",
        "import numpy as np\nfor m in [np]:\n    m.allclose = lambda *a, **k: True",
        "patches-module",
        3,
    ),
    (
        "loop-over-variable",
        "import numpy, dlcourse.checks\nmods = [numpy, dlcourse.checks]\nfor m in mods:\n"
        "    m.check_close = f",
        "patches-module",
        4,
    ),
    (
        "parameter",
        "import numpy as np\ndef patch(m):\n    m.allclose = f\npatch(np)",
        "patches-module",
        3,
    ),
    (
        "keyword-parameter",
        "def patch(*, target):\n    target.allclose = f\nimport numpy\npatch(target=numpy)",
        "patches-module",
        2,
    ),
    (
        "default-parameter",
        "import numpy as np\ndef patch(m=np):\n    m.allclose = f",
        "patches-module",
        3,
    ),
    (
        "getattr-submodule",
        "import numpy as np\ngetattr(np, 'testing').assert_allclose = f",
        "patches-module",
        2,
    ),
    (
        "returns-module",
        "import numpy as np\ndef get():\n    return np\nget().allclose = f",
        "patches-module",
        4,
    ),
    (
        "dict-container",
        "import numpy as np\nd = {}\nd['m'] = np\nd['m'].allclose = f",
        "patches-module",
        4,
    ),
    (
        "append-container",
        "import numpy as np\nbox = []\nbox.append(np)\nbox[0].allclose = f",
        "patches-module",
        4,
    ),
    (
        "map-lambda",
        "import numpy as np\nlist(map(lambda m: setattr(m, 'allclose', f), [np]))",
        "patches-module",
        2,
    ),
    (
        "partial-setattr",
        "import functools, numpy\nfunctools.partial(setattr, numpy, 'allclose')(f)",
        "patches-module",
        2,
    ),
    (
        "lambda-called",
        "import numpy as np\n(lambda m: setattr(m, 'allclose', f))(np)",
        "patches-module",
        2,
    ),
    (
        "method-from-class",
        "import numpy as np\nclass P:\n    def go(self):\n        self.allclose = f\nP.go(np)",
        "patches-module",
        4,
    ),
    (
        "instance-holds-module",
        "import numpy as np\nclass H:\n    def __init__(self):\n        self.m = np\n"
        "    def go(self):\n        self.m.allclose = f",
        "patches-module",
        6,
    ),
    (
        "closure",
        "import numpy as np\ndef outer():\n    m = np\n    def inner():\n"
        "        m.allclose = f\n    inner()",
        "patches-module",
        5,
    ),
    ("bound-later", "def cheat():\n    m.allclose = f\nimport numpy as m", "patches-module", 2),
    ("walrus", "import numpy as np\nif (m := np):\n    m.allclose = f", "patches-module", 3),
    ("tuple-unpack", "import numpy as np\na, b = 1, np\nb.allclose = f", "patches-module", 3),
    (
        "comprehension-setattr",
        "import numpy as np\n[setattr(m, 'allclose', f) for m in (np,)]",
        "patches-module",
        2,
    ),
    ("class-body", "import numpy as np\nclass C:\n    np.allclose = f", "patches-module", 3),
    ("type-of", "type(model).fit = fake_fit", "patches-module", 1),
    ("output-history", "_.allclose = f", "patches-module", 1),
    (
        "time-cell-loop",
        "%%time\nimport numpy as np\nfor m in [np]:\n    m.isclose = f",
        "patches-module",
        4,
    ),
    (
        "decorator-patches",
        "import numpy as np\ndef deco(g):\n    g(np)\n    return g\n@deco\ndef f(m):\n"
        "    m.allclose = len",
        "patches-module",
        7,
    ),
    # dunders, frames, history
    ("class-subclasses", "x = ().__class__.__bases__[0].__subclasses__()", "reads-internals", 1),
    ("func-globals", "def f():\n    pass\ng = f.__globals__", "reads-internals", 3),
    ("dunder-dict-read", "import numpy as np\nns = np.__dict__", "reads-internals", 2),
    ("closure-cells", "x = f.__closure__[0].cell_contents", "reads-internals", 1),
    ("getattr-dunder", "g = getattr(f, '__globals__')", "reads-internals", 1),
    ("builtin-self", "b = len.__self__", "reads-internals", 1),
    ("ctypes", "import ctypes", "reads-internals", 1),
    ("main-history", "import __main__\nsource = __main__.In[-1]", "hooks-ipython", 1),
    ("globals-history", "src = globals()['In'][-1]", "hooks-ipython", 1),
    ("globals-get-history", "src = globals().get('_ih')", "hooks-ipython", 1),
    (
        "encode-history",
        "import zlib, base64\ndef f(x):\n"
        "    raise ValueError(base64.b85encode(zlib.compress(In[-1].encode())))",
        "hooks-ipython",
        3,
    ),
    ("gc-objects", "import gc\nobjs = gc.get_objects()", "inspects-frames", 2),
    ("traceback-stack", "import traceback\ntraceback.print_stack()", "inspects-frames", 1),
    ("inspect-signature", "import inspect\nprint(inspect.signature(f))", "inspects-frames", 1),
    (
        "exception-frame",
        "try:\n    1 / 0\nexcept Exception as e:\n    tb = e.__traceback__.tb_frame",
        "inspects-frames",
        4,
    ),
    ("generator-frame", "g = (i for i in [])\nback = g.gi_frame.f_back", "inspects-frames", 2),
    ("sys-modules-read", "import sys\nmain = sys.modules['__main__']", "touches-sys-modules", 2),
    ("atexit", "import atexit\natexit.register(f)", "touches-sys-modules", 1),
    (
        "signal",
        "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)",
        "touches-sys-modules",
        1,
    ),
    # names and code computed at run time
    ("getattr-computed", "name = 'all' + 'close'\nfn = getattr(np, name)", "dynamic-lookup", 2),
    ("hasattr-computed", "hasattr(obj, key)", "dynamic-lookup", 1),
    (
        "import-module-computed",
        "import importlib\nm = importlib.import_module('num' + 'py')",
        "dynamic-lookup",
        2,
    ),
    ("dunder-import-computed", "m = __import__(name)", "dynamic-lookup", 1),
    ("globals-computed", "globals()[name] = f", "dynamic-lookup", 1),
    ("globals-whole", "for k, v in globals().items():\n    pass", "dynamic-lookup", 1),
    ("setattr-computed", "import numpy as np\nsetattr(np, name, f)", "dynamic-lookup", 2),
    ("compile-value", "code = compile(src, 'x', 'exec')", "dynamic-code", 1),
    ("function-type", "import types\nf = types.FunctionType(code, {})", "dynamic-code", 2),
    # code inside strings and magics is scanned too
    ("exec-literal", "import numpy as np\nexec('np.allclose = f')", "patches-module", 2),
    ("time-cell", "%%time\nimport numpy as np\nnp.allclose = f", "patches-module", 3),
    ("capture-cell", "%%capture\nimport os\nos._exit(0)", "stops-kernel", 3),
    ("time-line", "x = 1\n\n%time np.isclose = f", "patches-module", 3),
    ("timeit-options", "%timeit -n 1 -r 1 np.isclose = f", "patches-module", 1),
    ("leading-blank-lines", "\n\n\nimport numpy as np\nnp.allclose = f", "patches-module", 5),
    (
        "writefile-python",
        "%%writefile helper.py\nimport numpy\nnumpy.allclose = f",
        "patches-module",
        3,
    ),
]

BENIGN: list[tuple[str, str]] = [
    (
        "keras-model",
        "import keras\nfrom keras import layers\n"
        "model = keras.Sequential([layers.Dense(64, activation='relu'), layers.Dense(10)])\n"
        "model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')",
    ),
    ("freeze-layer", "model.layers[0].trainable = False\nmodel.trainable = False"),
    ("fit", "history = model.fit(x, y, epochs=5, validation_split=0.2, verbose=0)"),
    ("sgd-step", "W -= lr * grad\nb -= lr * db"),
    (
        "seeds",
        "import numpy as np\nimport tensorflow as tf\nnp.random.seed(0)\ntf.random.set_seed(0)",
    ),
    ("rcparams", "import matplotlib.pyplot as plt\nplt.rcParams['figure.figsize'] = (6, 4)"),
    ("assign", "x = tf.Variable(1.0)\nx.assign(3.0)"),
    ("kernel-assign", "layer.kernel.assign(tf.zeros_like(layer.kernel))"),
    ("write-notes", "with open('notes.txt', 'w') as f:\n    f.write('hi')"),
    ("read-data", "import numpy as np\ndata = np.loadtxt('data/train.csv', delimiter=',')"),
    ("relative-join", "import os\nwith open(os.path.join('data', 'x.txt')) as f:\n    f.read()"),
    ("timeit", "%timeit f(x)"),
    ("time-cell", "%%time\nhistory = model.fit(x, y, epochs=2)"),
    ("matplotlib-magic", "%matplotlib inline\n%config InlineBackend.figure_format = 'retina'"),
    ("autoreload", "%load_ext autoreload\n%autoreload 2"),
    ("help", "np.zeros?\n?np.ones"),
    ("display-html", "from IPython.display import display, HTML\ndisplay(HTML('<b>hi</b>'))"),
    ("display-image", "from IPython.display import Image\nImage('plot.png')"),
    ("clear-output", "from IPython.display import clear_output\nclear_output(wait=True)"),
    ("comprehension", "squares = [i * i for i in range(10)]\npairs = {k: v for k, v in items}"),
    (
        "own-class",
        "class Dense:\n    def __init__(self, n):\n        self.w = np.zeros(n)\n"
        "        self.b = 0.0\n\n    def __call__(self, x):\n        return x @ self.w + self.b",
    ),
    ("tf-config", "import tensorflow as tf\ntf.config.set_visible_devices([], 'GPU')"),
    ("keras-seed", "import keras\nkeras.utils.set_random_seed(1)"),
    ("syntax-error", "def f(:\n    pass\nnp.allclose = f"),
    ("pandas-options", "import pandas as pd\npd.options.display.max_rows = 20"),
    ("environ-setting", "import os\nos.environ['TF_CPP_MIN_LOG_LEVEL'] = '3'"),
    ("input-variable", "import keras\ninput = keras.Input(shape=(28, 28))"),
    ("loop-variable", "for id, row in enumerate(rows):\n    print(id, row)"),
    (
        "get-file",
        "import keras\npath = keras.utils.get_file('mnist.npz', origin='https://x/mnist.npz')\n"
        "data = np.load(path)",
    ),
    ("keras-cache", "import os\nnp.load(os.path.expanduser('~/.keras/datasets/mnist.npz'))"),
    ("except-as", "try:\n    y = softmax(z)\nexcept ValueError as e:\n    print(e)"),
    (
        "softmax",
        "def softmax(z):\n    z = z - z.max(axis=-1, keepdims=True)\n    e = np.exp(z)\n"
        "    return e / e.sum(axis=-1, keepdims=True)",
    ),
    ("path-glob", "from pathlib import Path\nfor p in Path('images').glob('*.png'):\n    print(p)"),
    ("plot", "_ = plt.hist(x, bins=30)\nplt.savefig('fig.png')\nplt.show()"),
    ("printoptions", "np.set_printoptions(precision=3)\nnp.seterr(all='ignore')"),
    ("warnings", "import warnings\nwarnings.filterwarnings('ignore')"),
    ("optimizer-attribute", "opt = keras.optimizers.Adam(1e-3)\nopt.learning_rate = 1e-4"),
    ("sys-version", "import sys\nprint(sys.version)"),
    (
        "dlcourse",
        "import dlcourse\nenv = dlcourse.setup(seed=0)\nfrom dlcourse import checks\n"
        "checks.check_shape('W', W, (784, 10))",
    ),
    ("array-shape", "x = np.zeros(6)\nx.shape = (2, 3)"),
    (
        "gradient-tape",
        "with tf.GradientTape() as tape:\n    loss = loss_fn(y, model(x))\n"
        "grads = tape.gradient(loss, model.trainable_variables)",
    ),
    ("save-load", "model.save('model.keras')\nmodel2 = keras.models.load_model('model.keras')"),
    ("tf-function", "@tf.function\ndef step(x):\n    return x * 2"),
    (
        "redirect-with",
        "import contextlib, io\nwith contextlib.redirect_stdout(io.StringIO()):\n    f()",
    ),
    ("eval-literal", "x = eval('1 + 2')"),
    ("model-eval", "model.evaluate(x, y)\nre_compiled = re.compile('a+')"),
    ("local-shadowing", "def f(len, print=None):\n    sum = 0\n    return sum"),
    ("dict-item", "cfg = {'lr': 0.1}\ncfg['lr'] = 0.01"),
    ("run-line-magic", "get_ipython().run_line_magic('matplotlib', 'inline')"),
    (
        "freeze-loop",
        "model = keras.Sequential([keras.layers.Dense(3)])\nfor layer in model.layers:\n"
        "    layer.trainable = False",
    ),
    (
        "parameter-store",
        "def set_trainable(base, n):\n    base.trainable = True\n"
        "    for layer in base.layers[:-n]:\n        layer.trainable = False\n"
        "base = keras.applications.MobileNetV2(weights=None)\nset_trainable(base, 2)",
    ),
    (
        "tf-function-wrap",
        "def step(model, x):\n    model.trainable = True\nstep_fn = tf.function(step)\n"
        "step_fn(keras.Sequential(), x)",
    ),
    (
        "callback",
        "class Stop(keras.callbacks.Callback):\n    def on_epoch_end(self, epoch, logs=None):\n"
        "        self.model.stop_training = True",
    ),
    (
        "super-init",
        "class M(keras.Model):\n    __slots__ = ()\n    def __init__(self):\n"
        "        super().__init__()\n        self.dense = keras.layers.Dense(3)\n"
        "    def __len__(self):\n        return 3",
    ),
    ("name-main", "if __name__ == '__main__':\n    print(type(x).__name__, np.__version__)"),
    ("history-dict", "history = model.fit(x, y)\nprint(history.history['loss'][-1])"),
    ("setattr-literal", "opt = keras.optimizers.SGD()\nsetattr(opt, 'learning_rate', 0.1)"),
    (
        "find-spec",
        "import importlib.util\nif importlib.util.find_spec('tensorboard') is None:\n"
        "    print('no tensorboard')",
    ),
    (
        "functions-in-a-dict",
        "acts = {'relu': keras.activations.relu, 'tanh': np.tanh}\n"
        "layer = keras.layers.Dense(3, activation=acts['relu'])\nlayer.trainable = False",
    ),
    (
        "module-function-attribute",
        "class L:\n    def __init__(self):\n        self.act = np.tanh\n"
        "        self.w = np.zeros(3)",
    ),
    ("array-dtype", "x = np.array(x, dtype=float)\nx.shape = (3, 1)"),
    ("super-loop", "for cls in (Base,):\n    obj = cls()\n    obj.x = 1"),
]


def _params(cases: list[tuple]) -> list:
    """pytest params named by their first element."""
    return [pytest.param(*case[1:], id=case[0]) for case in cases]


@pytest.mark.parametrize(("source", "rule", "line"), _params(HOSTILE))
def test_hostile_cell_is_flagged(source: str, rule: str, line: int) -> None:
    findings = scan_source(source, cell="answer")
    hits = [finding for finding in findings if finding.rule == rule and finding.line == line]
    assert hits, findings
    finding = hits[0]
    assert finding.cell == "answer"
    assert finding.code == source.split("\n")[line - 1].strip()
    assert finding.message and finding.message.endswith(".")
    assert "{}" not in finding.message


@pytest.mark.parametrize("source", _params(BENIGN))
def test_ordinary_course_code_is_not_flagged(source: str) -> None:
    assert scan_source(source) == []


def test_cases_are_distinct_and_cover_every_cell_rule() -> None:
    assert len(HOSTILE) >= 40 and len(BENIGN) >= 30
    assert len({case[1] for case in HOSTILE}) == len(HOSTILE)
    assert len({case[1] for case in BENIGN}) == len(BENIGN)
    # Rules that need the notebook: its instructor's cells (tested further down).
    notebook_rules = {
        "edited-locked-cell",
        "deleted-test-cell",
        "changed-cell-metadata",
        "shadows-instructor-name",
    }
    assert {case[2] for case in HOSTILE} == set(RULES) - notebook_rules


def test_rule_ids_are_kebab_case_and_messages_are_sentences() -> None:
    for rule, message in RULES.items():
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", rule)
        assert message.endswith(".") and "{what}" in message


def test_finding_fields() -> None:
    long_line = "import numpy as np; np.allclose = lambda *a, **k: True  # " + "x" * 300
    [finding] = scan_source(long_line, cell="cell 7")
    assert finding == Finding(
        cell="cell 7",
        line=1,
        code=long_line[:200],
        rule="patches-module",
        message=RULES["patches-module"].format(what="`np.allclose` (numpy.allclose)"),
    )


def test_one_finding_per_line_and_rule() -> None:
    source = "import numpy as np\nnp.allclose = np.isclose = f"
    assert [(f.line, f.rule) for f in scan_source(source)] == [(2, "patches-module")]


def test_a_builtin_is_reported_at_its_first_rebinding_only() -> None:
    findings = scan_source("sum = 0\nfor x in xs:\n    sum += x")
    assert [(f.line, f.rule) for f in findings] == [(1, "shadows-builtin")]
    assert "`sum`" in findings[0].message


def test_message_names_the_construct() -> None:
    [finding] = scan_source("import numpy.testing as npt\nnpt.assert_allclose = f")
    assert "`npt.assert_allclose` (numpy.testing.assert_allclose)" in finding.message
    [finding] = scan_source("open('/work/main/source/x.ipynb')")
    assert "`/work/main/source/x.ipynb`" in finding.message


def test_dlcourse_check_names_match_the_library() -> None:
    from dlcourse import checks

    assert set(integrity.DLCOURSE_CHECK_NAMES) == set(checks.__all__)


# --------------------------------------------------------------------------------------
# Notebooks


def _meta(grade_id: str, *, grade: bool, solution: bool, locked: bool, points: int = 0) -> dict:
    """nbgrader cell metadata as the create-assignment extension writes it."""
    nbgrader = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": locked,
        "schema_version": 3,
        "solution": solution,
        "task": False,
    }
    if grade:
        nbgrader["points"] = points
    return {"nbgrader": nbgrader}


SETUP = "import numpy as xp\nfrom dlcourse import checks\nfrom dlcourse.checks import check_shape"
SOLUTION = (
    "def softmax(z):\n    ### BEGIN SOLUTION\n    e = xp.exp(z)\n    return e / e.sum()\n"
    "    ### END SOLUTION"
)
VISIBLE_TESTS = "z = xp.zeros(3)\ncheck_shape('softmax(z)', softmax(z), (3,))"
HIDDEN_TESTS = (
    "### BEGIN HIDDEN TESTS\nchecks.check_close('softmax(z)', softmax(z), xp.ones(3) / 3)\n"
    "### END HIDDEN TESTS"
)
TEST_META = {
    "nbgrader": {
        "grade": True,
        "grade_id": "softmax_shape",
        "locked": True,
        "points": 1,
        "schema_version": 3,
        "solution": False,
        "task": False,
    }
}


def _instructor(
    setup: str = SETUP, tests: str = VISIBLE_TESTS + "\n" + HIDDEN_TESTS
) -> nbformat.NotebookNode:
    """The instructor's notebook: set-up, a solution, a test cell with hidden tests."""
    return new_notebook(
        cells=[
            new_markdown_cell(
                "# Softmax", metadata=_meta("intro", grade=False, solution=False, locked=True)
            ),
            new_code_cell(setup, metadata=_meta("setup", grade=False, solution=False, locked=True)),
            new_code_cell(
                SOLUTION, metadata=_meta("softmax", grade=False, solution=True, locked=False)
            ),
            new_code_cell(tests, metadata=TEST_META),
        ]
    )


def _release(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The student version, made by nbgrader's own generate_assignment preprocessors."""
    from nbgrader.preprocessors import (
        ClearHiddenTests,
        ClearMarkScheme,
        ClearOutput,
        ClearSolutions,
        ComputeChecksums,
        LockCells,
    )

    notebook, resources = copy.deepcopy(notebook), {}
    for step in (
        LockCells,
        ClearSolutions,
        ClearOutput,
        ComputeChecksums,
        ClearHiddenTests,
        ClearMarkScheme,
        ComputeChecksums,
    ):
        notebook, resources = step().preprocess(notebook, resources)
    return notebook


ANSWER = "def softmax(z):\n    e = xp.exp(z)\n    return e / e.sum()"


def _student(answer: str = ANSWER) -> nbformat.NotebookNode:
    """The released notebook as a student submits it, with the answer filled in."""
    notebook = _release(_instructor())
    assert notebook.cells[3].source == VISIBLE_TESTS  # the hidden tests are gone
    notebook.cells[2].source = answer
    return notebook


def _rules(findings: list[Finding]) -> list[tuple[str, int, str]]:
    return [(finding.cell, finding.line, finding.rule) for finding in findings]


def test_a_clean_submission_has_no_findings() -> None:
    assert scan_notebook(_student()) == []
    assert scan_notebook(_student(), _instructor()) == []


def test_the_released_test_cell_without_its_hidden_region_is_not_an_edit() -> None:
    submitted = _student()
    submitted.cells[3].source = VISIBLE_TESTS.replace("\n", "   \n") + "\n\n"
    assert scan_notebook(submitted, _instructor()) == []


def test_the_unanswered_release_has_no_findings() -> None:
    assert scan_notebook(_release(_instructor()), _instructor()) == []


def test_imports_of_locked_cells_count_for_the_student_cells() -> None:
    findings = scan_notebook(_student("xp.allclose = lambda *a, **k: True"))
    assert _rules(findings) == [("softmax", 1, "patches-module")]
    assert "`xp.allclose` (numpy.allclose)" in findings[0].message


def test_rebinding_names_of_the_set_up_cell() -> None:
    findings = scan_notebook(_student("xp = Fake()\ncheck_shape = print\nchecks = None"))
    assert _rules(findings) == [
        ("softmax", 1, "patches-module"),
        ("softmax", 2, "shadows-check"),
        ("softmax", 3, "shadows-check"),
    ]


def test_rebinding_any_name_the_set_up_cell_binds() -> None:
    """Not only libraries and checks: `ops`, `data`, `env` of the set-up cell are what the
    tests find there, so a student's spy or fake in their place is a finding."""
    setup = SETUP + "\nfrom keras import ops\nenv = object()"
    instructor = _instructor(setup=setup)
    submitted = _release(instructor)
    submitted.cells[2].source = "class Spy:\n    pass\nops = Spy()\n" + ANSWER
    findings = scan_notebook(submitted, instructor)
    assert _rules(findings) == [("softmax", 3, "shadows-instructor-name")]
    assert "`ops`" in findings[0].message
    submitted.cells[2].source = ANSWER + "\nfor env in range(2):\n    pass"
    assert _rules(scan_notebook(submitted, instructor)) == [
        ("softmax", 4, "shadows-instructor-name")
    ]
    # Names of the student's own, and the same import again, are not findings.
    submitted.cells[2].source = "from keras import ops\nz_demo = 1\n" + ANSWER
    assert scan_notebook(submitted, instructor) == []


def test_a_function_that_rebinds_a_helper_of_a_test_cell() -> None:
    """A test cell that defines a helper, calls the answer, then calls the helper again
    (hidden) would call whatever the answer put in its place with `global`."""
    tests = (
        "def check_it(z):\n    check_shape('softmax(z)', softmax(z), (3,))\n"
        "check_it(xp.zeros(3))\n" + HIDDEN_TESTS
    )
    instructor = _instructor(tests=tests)
    submitted = _release(instructor)
    answer = "def softmax(z):\n    global check_it\n    check_it = print\n    return z"
    submitted.cells[2].source = answer
    findings = scan_notebook(submitted, instructor)
    assert _rules(findings) == [("softmax", 3, "shadows-instructor-name")]
    # At the top level of the student's cell it changes nothing: the test cell defines the
    # helper again when it runs. A local of the same name is the function's own.
    submitted.cells[2].source = "check_it = 1\ndef softmax(z):\n    check_it = 2\n    return z"
    assert scan_notebook(submitted, instructor) == []


def test_reimporting_a_name_of_the_set_up_cell_as_something_else() -> None:
    answer = "import numpy as xp\nfrom unittest.mock import MagicMock as xp\n" + ANSWER
    assert _rules(scan_notebook(_student(answer))) == [("softmax", 2, "patches-module")]
    answer = "from tensorflow import keras\nimport keras\nimport tensorflow.keras as keras"
    assert scan_notebook(_student(answer)) == []


def test_cells_the_student_added_are_scanned_and_named_by_index() -> None:
    submitted = _student()
    submitted.cells.insert(3, new_code_cell("import os\nos._exit(0)"))
    findings = scan_notebook(submitted, _instructor())
    assert _rules(findings) == [("cell 3", 2, "stops-kernel")]
    assert findings[0].code == "os._exit(0)"


def test_a_hostile_line_in_a_locked_test_cell_is_only_an_edit() -> None:
    submitted = _student()
    submitted.cells[3].source = "xp.allclose = lambda *a, **k: True\n" + VISIBLE_TESTS
    findings = scan_notebook(submitted, _instructor())
    assert _rules(findings) == [("softmax_shape", 1, "edited-locked-cell")]
    assert findings[0].code == "xp.allclose = lambda *a, **k: True"
    assert "`z = xp.zeros(3)`" in findings[0].message
    # Without the instructor's copy a locked cell is only read for its imports.
    assert scan_notebook(submitted) == []


def test_an_edit_is_reported_at_its_first_differing_line() -> None:
    submitted = _student()
    submitted.cells[3].source = VISIBLE_TESTS + "\nprint('extra')"
    assert _rules(scan_notebook(submitted, _instructor())) == [
        ("softmax_shape", 3, "edited-locked-cell")
    ]
    submitted.cells[1].source = "import numpy as xp"
    assert ("setup", 2, "edited-locked-cell") in _rules(scan_notebook(submitted, _instructor()))


def test_an_edited_locked_markdown_cell_is_reported() -> None:
    submitted = _student()
    submitted.cells[0].source = "# Softmax\n\nMy answer: the outputs sum to one."
    assert _rules(scan_notebook(submitted, _instructor())) == [("intro", 2, "edited-locked-cell")]


def test_a_deleted_test_cell_is_reported() -> None:
    submitted = _student()
    del submitted.cells[3]
    findings = scan_notebook(submitted, _instructor())
    assert _rules(findings) == [("softmax_shape", 1, "deleted-test-cell")]
    assert findings[0].code == "z = xp.zeros(3)"  # the visible part, never the hidden tests


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        pytest.param({"points": 10}, "points 1 -> 10", id="points"),
        pytest.param({"locked": False}, "locked True -> False", id="unlocked"),
        pytest.param({"grade": False}, "grade True -> False", id="not-graded"),
        pytest.param({"solution": True}, "solution False -> True", id="test-made-solution"),
    ],
)
def test_changed_metadata_is_reported(change: dict, expected: str) -> None:
    submitted = _student()
    submitted.cells[3].metadata["nbgrader"].update(change)
    findings = scan_notebook(submitted, _instructor())
    assert _rules(findings) == [("softmax_shape", 1, "changed-cell-metadata")]
    assert expected in findings[0].message


def test_a_test_cell_turned_into_a_solution_cell_is_still_not_scanned() -> None:
    # nbgrader restores cells that are locked in the instructor's copy whatever the
    # submitted metadata says, so their code is compared, not scanned.
    submitted = _student()
    submitted.cells[3].metadata["nbgrader"]["solution"] = True
    submitted.cells[3].source = "import os\nos._exit(0)"
    rules = {finding.rule for finding in scan_notebook(submitted, _instructor())}
    assert rules == {"changed-cell-metadata", "edited-locked-cell"}


def test_a_solution_cell_marked_locked_is_still_scanned() -> None:
    submitted = _student("import os\nos._exit(0)")
    submitted.cells[2].metadata["nbgrader"].update(locked=True, solution=False)
    rules = _rules(scan_notebook(submitted, _instructor()))
    assert ("softmax", 1, "changed-cell-metadata") in rules
    assert ("softmax", 2, "stops-kernel") in rules


def test_a_solution_cell_turned_into_markdown_is_still_scanned() -> None:
    # OverwriteCells turns it back into a code cell, and its text runs.
    submitted = _student("import os\nos._exit(0)")
    submitted.cells[2] = new_markdown_cell(
        submitted.cells[2].source, metadata=submitted.cells[2].metadata
    )
    assert _rules(scan_notebook(submitted, _instructor())) == [
        ("softmax", 1, "changed-cell-metadata"),
        ("softmax", 2, "stops-kernel"),
    ]


def test_a_forged_locked_cell_is_reported_and_scanned() -> None:
    # nbgrader drops a grade_id it does not know and runs the cell as it is.
    submitted = _student()
    forged = new_code_cell(
        "import os\nos._exit(0)", metadata=_meta("fake", grade=False, solution=False, locked=True)
    )
    submitted.cells.insert(3, forged)
    assert _rules(scan_notebook(submitted, _instructor())) == [
        ("fake", 1, "changed-cell-metadata"),
        ("fake", 2, "stops-kernel"),
    ]


def test_an_earlier_copy_of_a_test_cell_runs_as_it_is_and_is_scanned() -> None:
    # DeduplicateIds keeps the nbgrader metadata of the last cell with a grade_id only.
    submitted = _student()
    copy = new_code_cell("xp.allclose = lambda *a, **k: True", metadata=dict(TEST_META))
    submitted.cells.insert(3, copy)
    assert _rules(scan_notebook(submitted, _instructor())) == [
        ("softmax_shape", 1, "patches-module")
    ]


def test_student_code_is_scanned_in_order_with_its_own_aliases() -> None:
    submitted = _student()
    submitted.cells.append(new_code_cell("import numpy.testing as T"))
    submitted.cells.append(new_code_cell("!ls\nT.assert_allclose = f\n%%bash"))
    submitted.cells.append(new_code_cell("def broken(:\n    T.x = 1"))
    assert _rules(scan_notebook(submitted, _instructor())) == [
        ("cell 5", 1, "runs-shell"),
        ("cell 5", 2, "patches-module"),
    ]


def test_a_task_cell_without_its_mark_scheme_is_not_an_edit() -> None:
    instructor, submitted = _instructor(), _student()
    task = _meta("explain", grade=False, solution=False, locked=True, points=2)
    task["nbgrader"].update(task=True, points=2)
    text = "Explain softmax.\n### BEGIN MARK SCHEME\nMentions exp.\n### END MARK SCHEME"
    instructor.cells.append(new_markdown_cell(text, metadata=task))
    submitted.cells.append(new_markdown_cell("Explain softmax.", metadata=task))
    assert scan_notebook(submitted, instructor) == []


lines = st.sampled_from(
    ["x = 1", "", "  ### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS", "assert f(1) == 2", "# END"]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(lines, max_size=12))
def test_hidden_regions_are_removed_as_nbgrader_does(source_lines: list[str]) -> None:
    from nbgrader.preprocessors import ClearHiddenTests

    source = "\n".join(source_lines)
    cell = new_code_cell(source)
    try:
        ClearHiddenTests()._remove_hidden_test_region(cell)
        expected = cell.source
    except RuntimeError:
        expected = None
    assert _student_version(new_code_cell(source)) == expected


def test_a_function_is_judged_by_every_call_in_the_notebook() -> None:
    # The answer looks innocent on its own; a later cell hands it NumPy.
    answer = "def freeze(thing):\n    thing.trainable = False\n" + ANSWER
    assert scan_notebook(_student(answer), _instructor()) == []
    submitted = _student(answer)
    submitted.cells.append(new_code_cell("for m in [xp]:\n    freeze(m)"))
    assert _rules(scan_notebook(submitted, _instructor())) == [("softmax", 2, "patches-module")]


def test_an_alias_made_in_an_added_cell_is_followed_into_the_answer() -> None:
    submitted = _student("def softmax(z):\n    tools.allclose = len\n    return z")
    submitted.cells.insert(2, new_code_cell("tools = [xp][0]"))
    findings = scan_notebook(submitted, _instructor())
    assert ("softmax", 2, "patches-module") in _rules(findings)
    assert "(numpy.allclose)" in findings[-1].message


def test_scan_source_names_unknown_objects() -> None:
    [finding] = scan_source("type(model).fit = f")
    assert finding.rule == "patches-module" and "`type(...)`" in finding.message
