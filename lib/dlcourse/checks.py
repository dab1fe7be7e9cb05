"""Checks for the course's graded cells: clear messages for students, hard to fool.

The visible and hidden tests of the nbgrader notebooks call these functions on a
student's answer::

    from dlcourse import checks

    checks.check_shape("W", W, (784, 10))
    checks.check_close("softmax(z)", softmax(z), expected, rtol=1e-5)
    checks.check_gradient(loss_of_W, W, grad_W)
    checks.check_close("standardise(X)", got, expected,
                       mistakes={"sample_std": None, "wrong_axis": wrong_axis_value})

``mistakes=`` names the likely mistakes a test expects (ids of ``dlcourse.hints.MISTAKES``,
each with the value that mistake gives, a predicate, or None for its recogniser); see
``dlcourse.hints``.

Staged design
-------------
A check runs in stages, cheapest and most basic first, and stops at the first stage
that fails:

1. type: the answer is array-like at all (not ``None``, a string, a dict, a ragged list);
2. shape: same number of axes, then same size on every axis (never broadcast);
3. dtype: only when the check asks for one;
4. nan/inf: a nan or an inf where a finite value is expected;
5. values: every element within ``atol + rtol * |expected|``.

So a student sees one problem at a time, the most basic one first. A failing check
raises ``CheckError``, a subclass of ``AssertionError`` (nbgrader counts it as a failed
test), whose message says what was found, what was expected and where to look, with
numbers. Every check returns ``None`` when it passes, except ``check_gradient``, which
returns the largest relative error it measured.

Tamper resistance
-----------------
Student code runs in the same Python process as the checks, and may (by accident or on
purpose) replace NumPy functions, e.g. ``np.allclose = lambda *a, **k: True``. This
module therefore binds every NumPy function it uses to a private module-level name when
it is imported (``_abs = np.abs`` ...), converts answers to plain ``np.ndarray`` (which
drops subclasses and their overridden operators), and otherwise uses ndarray methods and
operators, which live on a C type and cannot be replaced. It never calls
``np.allclose``, ``np.isclose`` or ``np.testing``. ``dlcourse/__init__.py`` imports this
module, and every lesson's locked set-up cell imports ``dlcourse`` before any student
code runs. This defends against patched NumPy, not against code that patches this
module itself.

TensorFlow is never imported here: tensors and variables are recognised by their
``.numpy()`` method.

For students
------------
- **A passing test cell says so.** Every ``check_*`` that passes counts one check; after a
  cell that ran at least one check and raised nothing, one line is printed, e.g.
  ``✓ crop_corner: 4 checks passed``. The name is the identifier before the first ":" in
  the cell's leading docstring ("checks" when there is none). ``dlcourse.setup()``
  registers the IPython hooks that do this (once per shell); outside IPython nothing is
  printed.
- **A failing check names the likely mistake** when it recognises one: the message ends
  with a line ``Likely mistake: ...`` taken from the catalogue in ``dlcourse.hints``
  (a transposed result, a flipped sign, a constant factor, a shift by one, ...).
- **Demos that need an earlier answer** run inside ``with dlcourse.needs("name"):``, which
  turns an error into one line saying which answer to finish or fix first.
- **One mistake costs its points once**: a test of a function that calls earlier answers
  may put reference versions in their place for the rest of the cell with
  ``substitute(globals(), name=reference, ...)``.
- ``dlcourse.progress()`` (the last cell of every lesson) re-runs every visible check and
  shows where the notebook stands.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar

import numpy as np

from dlcourse import hints

__all__ = [
    "CheckError",
    "check_close",
    "check_dtype",
    "check_finite",
    "check_gradient",
    "check_shape",
    "check_type",
    "needs",
    "register_hooks",
    "substitute",
    "to_numpy",
]

# NumPy, bound once at import time (see "Tamper resistance" above).
_ndarray = np.ndarray
_generic = np.generic
_dtype = np.dtype
_asarray = np.asarray
_abs = np.abs
_isnan = np.isnan
_isinf = np.isinf
_isfinite = np.isfinite
_maximum = np.maximum
_where = np.where
_arange = np.arange
_empty = np.empty
_unravel_index = np.unravel_index
_issubdtype = np.issubdtype
_array2string = np.array2string
_errstate = np.errstate
_default_rng = np.random.default_rng
_float64 = np.float64
_inf = float("inf")

_FLOATING = np.floating
_INTEGER = np.integer
_BOOL = np.bool_
# Abstract scalar types that mean "any dtype of this kind" in check_dtype.
_ABSTRACT_KINDS = (
    np.generic,
    np.number,
    np.integer,
    np.signedinteger,
    np.unsignedinteger,
    np.inexact,
    np.floating,
    np.complexfloating,
)
# Words (and Python types) that mean a kind rather than one dtype.
_KIND_WORDS: dict[Any, type] = {
    "float": np.floating,
    "int": np.integer,
    "bool": np.bool_,
    float: np.floating,
    int: np.integer,
    bool: np.bool_,
}
_KIND_NAMES = {
    np.floating: "a floating-point dtype (float16, float32 or float64)",
    np.integer: "an integer dtype (such as int32 or int64)",
    np.bool_: "dtype bool",
}

# How arrays are printed in messages: about 6 significant digits, long arrays cut short.
_PRINT_OPTIONS: dict[str, Any] = {
    "precision": 6,
    "threshold": 20,
    "edgeitems": 3,
    "separator": ", ",
    "max_line_width": 100,
}

_NAN_HINT = "Look for a log or a division by 0, or an exp that overflows."
_GRADIENT_HINT = (
    "A relative error of about 1e-7 is right for float64; above 1e-2 is a bug: "
    "check the transpose, the sign and the 1/N in your backward pass."
)


class CheckError(AssertionError):
    """A student's answer failed a check; the message says what to fix.

    A subclass of ``AssertionError``, so that nbgrader counts it as a failed test.
    """


# --------------------------------------------------------------------------------------
# The pass line: counting passed checks and the IPython hooks that print it

_F = TypeVar("_F", bound=Callable[..., Any])


class _PassState:
    """What the pass line needs to know about the cell that is running."""

    def __init__(self) -> None:
        self.passed = 0  # checks passed in this cell (outermost calls only)
        self.depth = 0  # nesting of public checks (check_close calls check_dtype)
        self.cell = ""  # the running cell's source, for its name
        self.substitutions: list[_Substitution] = []  # undone after the cell


_state = _PassState()

# A cell's leading docstring and the identifier before its first ":".
_CELL_NAME = re.compile(
    r"""\A(?:\s*(?:\#[^\n]*)?\n)*\s*[rRuU]?(?:\"\"\"|\'\'\'|\"|\')\s*([A-Za-z_][A-Za-z0-9_]*)\s*:"""
)


_DOCSTRING_NAME = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*:")


def _counted(check: _F) -> _F:
    """Count one passed check when the outermost public check returns normally."""

    @functools.wraps(check)
    def counted(*args: Any, **kwargs: Any) -> Any:
        _state.depth += 1
        try:
            result = check(*args, **kwargs)
        finally:
            _state.depth -= 1
        if _state.depth == 0:
            _state.passed += 1
        return result

    return counted  # type: ignore[return-value]


def cell_name(source: str) -> str:
    """The name the pass line gives a cell: the identifier before the first ":" in its
    leading docstring (``\"\"\"crop_corner: ...\"\"\"`` -> ``crop_corner``), else "checks"."""
    match = _CELL_NAME.match(source or "")
    if match:
        return match.group(1)
    # A hidden-tests block may come first in the instructor's copy: then the first
    # statement that is a bare string counts as the docstring.
    try:
        body = ast.parse(source or "").body
    except SyntaxError:  # magics: no name
        return "checks"
    for node in body:
        value = node.value if isinstance(node, ast.Expr) else None
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            match = _DOCSTRING_NAME.match(value.value)
            return match.group(1) if match else "checks"
    return "checks"


def pass_line(name: str, count: int) -> str:
    """``✓ <name>: <count> checks passed`` (``1 check passed``)."""
    return f"✓ {name}: {count} check{_plural(count)} passed"


def _pre_run_cell(info: Any = None) -> None:
    """IPython pre_run_cell hook: a new cell starts with no passed checks."""
    _state.passed = 0
    _state.depth = 0
    _state.cell = getattr(info, "raw_cell", "") or ""


def _post_run_cell(result: Any = None) -> None:
    """IPython post_run_cell hook: undo this cell's substitutions, then print the pass
    line when the cell ran at least one check and raised nothing."""
    _restore_substitutions()
    count, _state.passed = _state.passed, 0
    _state.depth = 0
    if count < 1 or result is None or not getattr(result, "success", False):
        return
    source = getattr(getattr(result, "info", None), "raw_cell", None) or _state.cell
    print(pass_line(cell_name(source), count))


def register_hooks(shell: Any = None) -> bool:
    """Register the pass-line hooks on the running IPython shell, once.

    ``dlcourse.setup()`` calls it. Calling it again, after ``%reset -f`` or after this
    module was reloaded, leaves exactly one pre_run_cell and one post_run_cell hook of
    this module registered. Outside IPython it does nothing.

    Args:
        shell: the IPython shell; by default the running one (``get_ipython()``).

    Returns:
        True when the hooks are registered on a shell, False outside IPython.
    """
    if shell is None:
        shell = _running_shell()
    events = getattr(shell, "events", None)
    if events is None:
        return False
    for event, hook in (("pre_run_cell", _pre_run_cell), ("post_run_cell", _post_run_cell)):
        callbacks = events.callbacks.get(event, [])
        for callback in list(callbacks):
            if (
                getattr(callback, "__qualname__", None) == hook.__qualname__
                and getattr(callback, "__module__", None) == __name__
            ):
                events.unregister(event, callback)
        events.register(event, hook)
    return True


def _running_shell() -> Any:
    """The running IPython shell, or None (IPython is never imported here)."""
    if "IPython" not in sys.modules:
        return None
    try:
        return sys.modules["IPython"].get_ipython()
    except Exception:  # an odd IPython: no hooks, no pass line
        return None


@contextlib.contextmanager
def _quiet_count() -> Iterator[None]:
    """Run checks without touching this cell's pass line (``dlcourse.progress`` uses it)."""
    passed, depth = _state.passed, _state.depth
    _state.depth = 0
    try:
        yield
    finally:
        _state.passed, _state.depth = passed, depth


# --------------------------------------------------------------------------------------
# substitute: reference answers in place of the student's, for one cell

_MISSING = object()


class _Substitution:
    """Names put into a namespace; ``undo()`` puts the old values back (once)."""

    def __init__(self, namespace: dict[str, Any], functions: dict[str, Any]) -> None:
        self.namespace = namespace
        self.saved = {name: namespace.get(name, _MISSING) for name in functions}
        self.done = False
        namespace.update(functions)

    def undo(self) -> None:
        if self.done:
            return
        self.done = True
        for name, old in self.saved.items():
            if old is _MISSING:
                self.namespace.pop(name, None)
            else:
                self.namespace[name] = old

    def __enter__(self) -> _Substitution:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.undo()
        if self in _state.substitutions:
            _state.substitutions.remove(self)


def substitute(namespace: dict[str, Any], **functions: Any) -> _Substitution:
    """Put ``functions`` into ``namespace`` in place of the student's, for a while.

    A hidden test of a graded function that calls earlier answers uses it, so that one
    mistake costs its points once::

        ### BEGIN HIDDEN TESTS
        def _reference_forward(X, params): ...
        checks.substitute(globals(), forward=_reference_forward)
        ### END HIDDEN TESTS
        checks.check_close("train(...) losses", train(...), expected)

    The old values come back at the end of the current cell (an IPython post_run_cell
    hook, registered here if ``setup()`` has not done it), or at the end of a ``with``
    block when used as a context manager (``with checks.substitute(globals(), f=g):``).
    A name that did not exist before is removed again. Outside IPython, without ``with``,
    the substitution stays.

    Args:
        namespace: the dict the student's functions look their helpers up in: a test
            cell passes ``globals()``.
        **functions: name=replacement.

    Returns:
        The substitution; a context manager that undoes it on exit.
    """
    if not isinstance(namespace, dict):
        raise TypeError(f"namespace must be a dict such as globals(), not {type(namespace)}")
    substitution = _Substitution(namespace, functions)
    if register_hooks():
        _state.substitutions.append(substitution)
    return substitution


def _restore_substitutions() -> None:
    """Undo every substitution of the cell, newest first."""
    while _state.substitutions:
        substitution = _state.substitutions.pop()
        with contextlib.suppress(Exception):  # a namespace that refuses: nothing to do
            substitution.undo()


# --------------------------------------------------------------------------------------
# needs: demo cells that call earlier answers


class needs:  # noqa: N801 - a context manager used like a function: `with needs(...)`
    """``with dlcourse.needs("gradient_descent"):`` around a demo that calls earlier answers.

    An exception in the block is swallowed and replaced by one printed line:

    - ``NameError`` / ``NotImplementedError``: "This needs `gradient_descent`: finish it
      above first (and run its cell)."
    - anything else: "This uses your `gradient_descent`, which raised ValueError: ...;
      fix it above and run this cell again."

    ``KeyboardInterrupt`` and ``SystemExit`` are not swallowed.

    Args:
        *names: the earlier answers the block calls, e.g. ``"forward", "backward"``.
    """

    def __init__(self, *names: str) -> None:
        if not names or not all(isinstance(name, str) and name for name in names):
            raise TypeError("needs() takes the names of the answers the block needs")
        self.names = names
        self.message: str | None = None

    def __enter__(self) -> needs:
        return self

    def __exit__(self, kind: Any, error: Any, traceback: Any) -> bool:
        if error is None or not isinstance(error, Exception):
            return False
        try:
            self.message = self._message(error, traceback)
        except Exception:  # never let the explanation itself fail
            self.message = f"This needs {_names_text(self.names)}: finish it above first."
        print(self.message)
        return True

    def _message(self, error: Exception, traceback: Any) -> str:
        if isinstance(error, NameError | NotImplementedError):
            missing = getattr(error, "name", None)
            names = (missing,) if missing in self.names else self._culprits(traceback)
            them = "it" if len(names) == 1 else "them"
            their = "its cell" if len(names) == 1 else "their cells"
            return f"This needs {_names_text(names)}: finish {them} above first (and run {their})."
        names = self._culprits(traceback)
        text = str(error).strip().splitlines()
        detail = f": {_short_text(text[0], 200)}" if text else ""
        return (
            f"This uses your {_names_text(names)}, which raised {type(error).__name__}"
            f"{detail}; fix it above and run this cell again."
        )

    def _culprits(self, traceback: Any) -> tuple[str, ...]:
        """The innermost needed function in the traceback, else all the names."""
        found = None
        while traceback is not None:
            if traceback.tb_frame.f_code.co_name in self.names:
                found = traceback.tb_frame.f_code.co_name
            traceback = traceback.tb_next
        return (found,) if found else self.names


def _names_text(names: tuple[str, ...]) -> str:
    quoted = [f"`{name}`" for name in names]
    if len(quoted) == 1:
        return quoted[0]
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _short_text(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


# --------------------------------------------------------------------------------------
# Conversion


def to_numpy(value: Any, name: str = "value") -> np.ndarray:
    """Return ``value`` as a plain NumPy array of numbers, any shape.

    Accepts NumPy arrays and scalars, Python ``int``/``float``/``bool``, nested lists and
    tuples of numbers, TensorFlow tensors and variables, Keras variables (anything with a
    callable ``.numpy()``) and objects with ``__array__``. NumPy arrays are not copied;
    subclasses come back as plain ``np.ndarray``.

    Args:
        value: the answer to convert.
        name: what to call it in a message, e.g. ``"W"`` or ``"softmax(z)"``.

    Returns:
        An ``np.ndarray`` with a boolean, integer or floating-point dtype
        (shape ``()`` for a scalar).

    Raises:
        CheckError: for ``None`` (with a hint about a missing ``return``), strings,
            dicts, ragged lists, arrays of objects or strings, generators and anything
            else that is not an array of numbers; the message names the type found.
    """
    if value is None:
        raise CheckError(f"`{name}` is None: did your function forget to `return`?")
    if isinstance(value, str | bytes):
        raise CheckError(
            f"`{name}` should be an array of numbers, but it is {_a(_type_name(value))} "
            f"({_short_repr(value)})."
        )
    if isinstance(value, Mapping):
        raise CheckError(
            f"`{name}` should be an array of numbers, but it is {_a(_type_name(value))} "
            f"(with keys {_short_repr(list(value.keys()))})."
        )

    if isinstance(value, _ndarray | _generic | bool | int | float | complex | list | tuple):
        array = _convert(value, name)
    elif callable(getattr(value, "numpy", None)):
        try:
            result = value.numpy()
        except Exception as error:  # e.g. a symbolic tensor: report it, do not crash
            raise CheckError(
                f"`{name}` is {_a(_type_name(value))} whose value could not be read with "
                f"`.numpy()` ({type(error).__name__}: {error})."
            ) from None
        array = _convert(result, name)
    elif hasattr(value, "__array__"):
        array = _convert(value, name)
    else:
        raise CheckError(
            f"`{name}` should be an array of numbers (a NumPy array, a tensor or a list "
            f"of numbers), but it is {_a(_type_name(value))}."
        )

    if not _is_number_dtype(array.dtype):
        raise CheckError(
            f"`{name}` should be an array of numbers, but it is {_a(_type_name(value))} "
            f"that NumPy reads as {_dtype_words(array.dtype)}."
        )
    return array


def _convert(value: Any, name: str) -> np.ndarray:
    """``np.asarray(value)``, with a CheckError when NumPy refuses (e.g. a ragged list)."""
    try:
        return _asarray(value)
    except (ValueError, TypeError) as error:
        if isinstance(value, list | tuple):
            raise CheckError(
                f"`{name}` is {_a(_type_name(value))} that is not rectangular (ragged): its "
                f"rows have different lengths, so it is not an array ({error})."
            ) from None
        raise CheckError(
            f"`{name}` is {_a(_type_name(value))} that could not be converted to a NumPy "
            f"array ({type(error).__name__}: {error})."
        ) from None


# --------------------------------------------------------------------------------------
# Checks


@_counted
def check_type(name: str, got: Any, expected: type | tuple[type, ...]) -> None:
    """Check that ``got`` is an instance of ``expected`` (``isinstance`` semantics).

    Args:
        name: what to call the answer in a message.
        got: the answer.
        expected: a type or a tuple of types, e.g. ``keras.Model`` or ``(int, float)``.

    Returns:
        None.

    Raises:
        CheckError: "`name` should be a <expected>, but it is a <found>".
    """
    if isinstance(got, expected):
        return
    types = expected if isinstance(expected, tuple) else (expected,)
    wanted = " or ".join(_type_name_of_class(kind) for kind in types)
    if got is None:
        raise CheckError(
            f"`{name}` should be {_a(wanted)}, but it is None: did your function forget "
            "to `return`?"
        )
    found = _type_name(got)
    raise CheckError(f"`{name}` should be {_a(wanted)}, but it is {_a(found)}.")


@_counted
def check_shape(
    name: str,
    got: Any,
    expected: tuple[int | None, ...],
    *,
    mistakes: Mapping[str, Any] | None = None,
) -> None:
    """Check that ``got`` is array-like with shape ``expected``.

    Stages: array-like (``to_numpy``), then the number of axes, then each axis.

    Args:
        name: what to call the answer in a message.
        got: the answer: any array-like accepted by ``to_numpy``.
        expected: the shape, e.g. ``(batch, 10)``; ``None`` at an axis means any size,
            e.g. ``(None, 10)``. ``()`` is a scalar.
        mistakes: mistake id (a key of ``dlcourse.hints.MISTAKES``) -> the shape that
            mistake gives, e.g. ``{"wrong_axis": (3,)}``; ``None`` as a value lets
            "transposed" and the off-by-one ids recognise themselves (see
            ``dlcourse.hints``).

    Returns:
        None.

    Raises:
        CheckError: naming the found and expected shapes and the axes that differ, with a
            hint when the shape differs only by a leading or trailing axis of size 1, and
            a last line ``Likely mistake: ...`` when the shape looks transposed or is one
            that a given mistake gives.
        KeyError: for a key of ``mistakes`` that is not a mistake id.
    """
    expected = _normalize_shape(expected)
    named = hints.validate(mistakes)
    array = to_numpy(got, name)
    problem = _shape_problem(name, array.shape, expected, named)
    if problem is not None:
        raise CheckError(problem)


@_counted
def check_dtype(name: str, got: Any, expected: Any) -> None:
    """Check the dtype of array-like ``got``.

    Args:
        name: what to call the answer in a message.
        got: the answer: any array-like accepted by ``to_numpy``; a TensorFlow tensor's
            dtype is the NumPy dtype of its ``.numpy()`` (tf.float32 -> float32).
        expected: one dtype (``np.float32``, ``np.dtype("int64")``, ``"float32"``), or a
            kind: ``np.floating``, ``np.integer``, ``np.bool_`` (or any abstract NumPy
            scalar type such as ``np.number``), ``"float"``, ``"int"``. Python's
            ``float``, ``int`` and ``bool`` also mean the kind, as "float" and "int" do.

    Returns:
        None.

    Raises:
        CheckError: naming the dtype found and the dtype (or kind) expected.
    """
    kind = _kind_of(expected)
    wanted_dtype = None if kind is not None else _dtype(expected)
    array = to_numpy(got, name)
    found = array.dtype
    if kind is not None:
        if _dtype_is_kind(found, kind):
            return
        wanted = _KIND_NAMES.get(kind, f"a dtype of kind {kind.__name__}")
        raise CheckError(
            f"`{name}` has dtype {found.name}, but it should have {wanted}. "
            "Convert it with `.astype(...)` (NumPy), `tf.cast(...)` (TensorFlow) or "
            "`keras.ops.cast(...)` (Keras), or find where it got this dtype."
        )
    if found == wanted_dtype:
        return
    raise CheckError(
        f"`{name}` has dtype {found.name}, but it should have dtype {wanted_dtype.name}. "
        f"Convert it with `.astype(np.{wanted_dtype.name})` (NumPy), "
        f"`tf.cast(x, tf.{wanted_dtype.name})` (TensorFlow) or "
        f'`keras.ops.cast(x, "{wanted_dtype.name}")` (Keras), or find where it got this dtype.'
    )


@_counted
def check_finite(name: str, got: Any) -> None:
    """Check that array-like ``got`` (any shape) contains no nan, inf or -inf.

    Returns:
        None.

    Raises:
        CheckError: saying how many elements are not finite and the first one's index.
    """
    array = to_numpy(got, name)
    values = _as_float64(array)
    bad = ~_isfinite(values)
    count = int(bad.sum())
    if count == 0:
        return
    first = _unravel(int(bad.argmax()), values.shape)
    first_value = _fmt(values[first])
    if values.ndim == 0:
        raise CheckError(
            f"`{name}` is {first_value}, but it should be a finite number. {_NAN_HINT}"
        )
    nans = int(_isnan(values).sum())
    raise CheckError(
        f"`{name}` contains {count} nan/inf value{_plural(count)} out of {values.size} "
        f"({nans} nan, {count - nans} inf); the first is {first_value} at index {first}. "
        f"{_NAN_HINT}"
    )


@_counted
def check_close(
    name: str,
    got: Any,
    want: Any,
    rtol: float = 1e-6,
    atol: float = 1e-8,
    *,
    dtype: Any = None,
    mistakes: Mapping[str, Any] | None = None,
) -> None:
    """Check that ``got`` equals ``want`` element by element, within tolerances.

    Stages: array-like (``to_numpy``), then the shape must equal ``want``'s shape exactly
    (a Python scalar ``want`` has shape ``()``; nothing is broadcast, so (3, 1) against
    (3,) fails), then the dtype (only when ``dtype`` is given, see ``check_dtype``), then
    nan/inf where ``want`` is finite, then the values. Values are compared in float64:
    an element passes when ``|got - want| <= atol + rtol * |want|``; nan equals nan and
    inf equals an inf of the same sign. Bool and integer answers are compared the same
    way, which is exact unless the tolerances allow a difference.

    Args:
        name: what to call the answer in a message, e.g. ``"relu(x)"``.
        got: the student's answer, any shape; any array-like accepted by ``to_numpy``.
        want: the expected value, same shape as ``got``.
        rtol: relative tolerance (>= 0).
        atol: absolute tolerance (>= 0).
        dtype: if given, the dtype or kind ``got`` must have (see ``check_dtype``).
        mistakes: mistake id (a key of ``dlcourse.hints.MISTAKES``) -> the value that
            mistake gives, a predicate on the answer, or ``None`` for the id's own
            recogniser, e.g. ``{"sample_std": X.std(ddof=1), "wrong_axis": None}``. When
            the answer fails (its shape, nan/inf or values) and matches one of them within
            the same tolerance, or a generic recogniser fires (transposed, sign, reversed,
            shifted by one, wrong axis, logits/probabilities, truncation, a constant
            factor), the message ends with ``Likely mistake: <the catalogue sentence>``.

    Returns:
        None.

    Raises:
        CheckError: at the first stage that fails. For values, the message gives how many
            elements differ, the worst element's index, its got and expected values, its
            absolute and relative errors and the tolerance there.
        KeyError: for a key of ``mistakes`` that is not a mistake id.
    """
    if not (rtol >= 0 and atol >= 0):
        raise ValueError(f"rtol and atol must be >= 0, got rtol={rtol}, atol={atol}")
    named = hints.validate(mistakes)
    got_array = to_numpy(got, name)
    want_array = to_numpy(want, "the expected value")

    def hint() -> str | None:
        return hints.likely_mistake(got_array, want_array, rtol=rtol, atol=atol, mistakes=named)

    if not _shape_matches(tuple(got_array.shape), tuple(want_array.shape)):
        found = hint() or hints.likely_shape_mistake(got_array.shape, want_array.shape)
        raise CheckError(
            _with_hint(_shape_problem(name, got_array.shape, want_array.shape, hint=""), found)
        )

    if dtype is not None:
        check_dtype(name, got_array, dtype)

    g = _as_float64(got_array)
    w = _as_float64(want_array)
    try:
        _check_no_unexpected_nan(name, g, w)
    except CheckError as error:
        raise CheckError(_with_hint(str(error), hint())) from None

    with _errstate(invalid="ignore", over="ignore"):
        error = _abs(g - w)
        allowed = atol + rtol * _abs(w)
        both_finite = _isfinite(g) & _isfinite(w)
        within = both_finite & (error <= allowed)
    same = (g == w) | (_isnan(g) & _isnan(w))
    ok = same | within
    if ok.all():
        return

    # The worst element: the largest absolute error; a nan error counts as infinite.
    score = _where(_isnan(error), _inf, error)
    score = _where(ok, -1.0, score)
    worst = _unravel(int(score.argmax()), g.shape)
    n_bad = int((~ok).sum())
    got_text, want_text = _fmt_pair(g[worst], w[worst])
    details = (
        f"absolute error {_fmt(error[worst])}, relative error "
        f"{_fmt(_relative(error[worst], w[worst]))}; allowed there: "
        f"{_fmt(allowed[worst])} = atol + rtol*|expected| with rtol={rtol:g}, atol={atol:g}"
    )
    if g.ndim == 0:
        message = f"`{name}` is {got_text}, but it should be {want_text} ({details})."
    else:
        message = (
            f"`{name}` differs from the expected value in {n_bad} of {g.size} element"
            f"{_plural(g.size)}. The worst is at index {worst}: got {got_text}, expected "
            f"{want_text} ({details}).\n"
            f"{_preview('got:      ', got_array)}\n"
            f"{_preview('expected: ', want_array)}"
        )
    raise CheckError(_with_hint(message, hint()))


@_counted
def check_gradient(
    f: Callable[[np.ndarray], Any],
    x: Any,
    grad: Any,
    *,
    eps: float = 1e-5,
    tol: float = 1e-4,
    floor: float = 1e-8,
    max_entries: int = 50,
    seed: int = 0,
    mistakes: Mapping[str, Any] | None = None,
) -> float:
    """Compare an analytic gradient with central differences, in float64.

    For each checked entry i, the numerical gradient is
    ``(f(x + eps*e_i) - f(x - eps*e_i)) / (2*eps)`` and the relative error is
    ``|a - n| / max(|a| + |n|, floor)`` (a: analytic, n: numerical). All entries are
    checked when ``x.size <= max_entries``; otherwise ``max_entries`` distinct entries
    are sampled with ``np.random.default_rng(seed)`` (NumPy's global random state is
    not touched). ``f`` is always called on a fresh float64 copy, so ``x`` is never
    modified.

    ``f`` should compute in float64: in float32 the differences are mostly rounding
    noise. Rounding also limits entries whose gradient is tiny compared with ``f(x)``:
    each difference carries about ``1e-16 * |f(x)| / eps`` of it, which is why the
    defaults are ``eps=1e-5`` (truncation error ``~eps**2`` stays below that) and
    ``tol=1e-4``: a correct float64 gradient usually lands near 1e-8, a float32 one
    below 1e-4, and real bugs (a factor of 2, a transpose, a missing 1/N) at 0.1 or more.

    Args:
        f: maps a float64 array shaped like ``x`` to a scalar: a Python float, a NumPy
            scalar, a 0-d array or a TensorFlow tensor with one element.
        x: the point, any shape (an array-like accepted by ``to_numpy``).
        grad: the analytic gradient of ``f`` at ``x``, same shape as ``x``.
        eps: the step of the central difference.
        tol: the largest relative error that passes.
        floor: the smallest denominator of the relative error (for entries where both
            gradients are about 0).
        max_entries: check at most this many entries.
        seed: seed of the generator that samples the entries.
        mistakes: mistake id -> the gradient that mistake gives (shaped like ``x``), a
            predicate on ``grad``, or ``None`` for the id's recogniser (see
            ``check_close``). On a failure, the checked entries of ``grad`` are compared
            with those of each given gradient (relative tolerance 1e-3) and with the
            numerical gradient by the generic recognisers (only the element-wise ones
            when entries were sampled); the first that fits adds a last line
            ``Likely mistake: ...``.

    Returns:
        The largest relative error over the checked entries (a float <= tol).

    Raises:
        CheckError: when ``grad`` is not an array of ``x``'s shape, contains nan/inf, when
            ``f`` does not return a finite scalar, or when the largest relative error is
            above ``tol`` (the message gives that entry's index, both values, the relative
            error and the threshold).
    """
    if max_entries < 1:
        raise ValueError(f"max_entries must be at least 1, got {max_entries}")
    named = hints.validate(mistakes)
    point = _as_float64(to_numpy(x, "x"))  # a copy: x itself is never written
    analytic = to_numpy(grad, "grad")
    problem = _shape_problem("grad", analytic.shape, point.shape, hint="")
    if problem is not None:
        found = hints.likely_shape_mistake(analytic.shape, point.shape)
        raise CheckError(_with_hint(problem + " A gradient has the shape of its variable.", found))
    check_finite("grad", analytic)
    analytic = _as_float64(analytic).reshape(-1)

    size = point.size
    if size <= max_entries:
        entries = _arange(size)
        checked = f"all {size} entries"
    else:
        rng = _default_rng(seed)
        entries = rng.choice(size, size=max_entries, replace=False)
        entries.sort()
        checked = f"{max_entries} of {size} entries, sampled with seed {seed}"

    numerical = _empty(len(entries), dtype=_float64)
    for k, flat_index in enumerate(entries):
        plus = point.copy()
        plus.flat[flat_index] += eps
        minus = point.copy()
        minus.flat[flat_index] -= eps
        f_plus = _scalar_output(f(plus))
        f_minus = _scalar_output(f(minus))
        numerical[k] = (f_plus - f_minus) / (2 * eps)

    a = analytic[entries]
    with _errstate(invalid="ignore", over="ignore"):
        relative = _abs(a - numerical) / _maximum(_abs(a) + _abs(numerical), floor)
    relative = _where(_isnan(relative), _inf, relative)
    k_worst = int(relative.argmax())
    worst_error = float(relative[k_worst])
    if worst_error <= tol:
        return worst_error
    index = _unravel(int(entries[k_worst]), point.shape)
    where = f"entry {index}" if point.ndim > 0 else "x"
    message = (
        f"The gradient is wrong at {where}: analytic {_fmt(a[k_worst])}, numerical "
        f"{_fmt(numerical[k_worst])}, relative error {_fmt(worst_error)} > {tol:g} "
        f"(checked {checked}). {_GRADIENT_HINT}"
    )
    raise CheckError(
        _with_hint(message, _gradient_hint(a, numerical, entries, point.shape, size, named))
    )


def _gradient_hint(
    analytic: np.ndarray,
    numerical: np.ndarray,
    entries: np.ndarray,
    shape: tuple[int, ...],
    size: int,
    named: dict[str, Any],
) -> str | None:
    """The likely mistake of a wrong gradient; see check_gradient's ``mistakes``."""
    scale = float(_abs(numerical).max()) if numerical.size else 0.0
    tolerance = {"rtol": 1e-3, "atol": 1e-6 * max(scale, 1.0)}
    sampled: dict[str, Any] = {}
    for mistake, value in named.items():
        if value is None or callable(value):
            sampled[mistake] = value
            continue
        try:
            sampled[mistake] = _as_float64(_asarray(value)).reshape(-1)[entries]
        except Exception:  # a value that does not fit: no hint from it
            continue
    if len(entries) == size:  # every entry: the arrays in their shape
        got, want = analytic.reshape(shape), numerical.reshape(shape)
        sampled = {
            k: (v.reshape(shape) if isinstance(v, _ndarray) else v) for k, v in sampled.items()
        }
        return hints.likely_mistake(got, want, mistakes=sampled, **tolerance)
    # Sampled entries: only what holds element by element.
    found = hints.likely_mistake(analytic, numerical, mistakes=sampled, generic=False, **tolerance)
    if found is None:
        for mistake in ("sign_flipped", "scaled"):
            found = hints.likely_mistake(
                analytic, numerical, mistakes={mistake: None}, generic=False, **tolerance
            )
            if found:
                break
    return found


# --------------------------------------------------------------------------------------
# Helpers: shapes


def _normalize_shape(expected: Any) -> tuple[int | None, ...]:
    """``expected`` as a tuple of Python ints and Nones (so that it prints cleanly)."""
    if not isinstance(expected, tuple | list):
        raise TypeError(f"the expected shape must be a tuple, got {expected!r}")
    shape: list[int | None] = []
    for size in expected:
        if size is None:
            shape.append(None)
        elif isinstance(size, int | _INTEGER) and not isinstance(size, bool) and size >= 0:
            shape.append(int(size))
        else:
            raise TypeError(f"the expected shape {expected!r} must hold sizes >= 0 or None")
    return tuple(shape)


def _shape_matches(shape: tuple[int, ...], expected: tuple[int | None, ...]) -> bool:
    """True when ``shape`` fits ``expected``, where None fits any size."""
    if len(shape) != len(expected):
        return False
    return all(want is None or want == size for size, want in zip(shape, expected, strict=True))


def _shape_problem(
    name: str,
    shape: tuple[int, ...],
    expected: tuple[int | None, ...],
    mistakes: Mapping[str, Any] | None = None,
    *,
    hint: str | None = None,
) -> str | None:
    """The message for a shape that does not fit ``expected``, or None when it fits.

    It ends with ``hint`` (a "Likely mistake" line) when given, else with the shape
    recognisers' hint (``hints.likely_shape_mistake``); ``hint=""`` adds none.
    """
    shape = tuple(int(size) for size in shape)
    expected = tuple(None if size is None else int(size) for size in expected)
    if _shape_matches(shape, expected):
        return None
    message = f"`{name}` has shape {shape}, but it should have shape {expected}"
    if None in expected:
        message += " (None means any size)"
    if len(shape) != len(expected):
        message += (
            f": it has {len(shape)} ax{'is' if len(shape) == 1 else 'es'} instead of "
            f"{len(expected)}."
        )
    else:
        differing = [
            f"axis {axis} has size {size} instead of {want}"
            for axis, (size, want) in enumerate(zip(shape, expected, strict=True))
            if want is not None and want != size
        ]
        message += ": " + ", ".join(differing) + "."
    side = _size_one_axis_difference(shape, expected)
    if side is not None:
        message += (
            f" It differs only by a {side} axis of size 1: check keepdims / a missing reshape."
        )
    if hint is None:
        hint = hints.likely_shape_mistake(shape, expected, mistakes)
    return _with_hint(message, hint)


def _with_hint(message: str, hint: str | None) -> str:
    """``message``, and the "Likely mistake: ..." line on a line of its own."""
    return f"{message}\n{hint}" if hint else message


def _size_one_axis_difference(
    shape: tuple[int, ...], expected: tuple[int | None, ...]
) -> str | None:
    """Where the shapes differ by one axis of size 1 ("leading"/"trailing"), else None."""
    if len(shape) == len(expected) + 1:
        longer: tuple[int | None, ...] = shape
        shorter: tuple[int | None, ...] = expected
    elif len(expected) == len(shape) + 1:
        longer, shorter = expected, shape
    else:
        return None

    def fits(a: tuple[int | None, ...], b: tuple[int | None, ...]) -> bool:
        return all(x is None or y is None or x == y for x, y in zip(a, b, strict=True))

    if longer[-1] in (1, None) and fits(longer[:-1], shorter):
        return "trailing"
    if longer[0] in (1, None) and fits(longer[1:], shorter):
        return "leading"
    return None


# --------------------------------------------------------------------------------------
# Helpers: dtypes and values


def _is_number_dtype(dtype: np.dtype) -> bool:
    """Bool, integer or float (including ml_dtypes' bfloat16, which TensorFlow uses)."""
    return dtype.kind in "biuf" or _is_ml_float(dtype)


def _is_ml_float(dtype: np.dtype) -> bool:
    """True for ml_dtypes' floats (bfloat16, float8_*), which NumPy calls kind "V"."""
    module = getattr(dtype.type, "__module__", "") or ""
    return dtype.kind == "V" and module.startswith("ml_dtypes") and "float" in dtype.name


def _kind_of(expected: Any) -> type | None:
    """The abstract NumPy type that ``expected`` names, or None for one concrete dtype."""
    if isinstance(expected, str | type) and expected in _KIND_WORDS:
        return _KIND_WORDS[expected]
    if isinstance(expected, type) and expected in _ABSTRACT_KINDS:
        return expected
    return None


def _dtype_is_kind(dtype: np.dtype, kind: type) -> bool:
    if _is_ml_float(dtype):
        return kind in (np.generic, np.number, np.inexact, np.floating)
    return bool(_issubdtype(dtype, kind))


def _as_float64(array: np.ndarray) -> np.ndarray:
    """A float64 copy of a bool, integer or float array."""
    return array.astype(_float64)


def _check_no_unexpected_nan(name: str, got: np.ndarray, want: np.ndarray) -> None:
    """The nan/inf stage: fail where ``got`` is nan or inf but ``want`` is finite."""
    bad = ~_isfinite(got) & _isfinite(want)
    count = int(bad.sum())
    if count == 0:
        return
    first = _unravel(int(bad.argmax()), got.shape)
    found = _fmt(got[first])
    if got.ndim == 0:
        raise CheckError(f"`{name}` is {found}, but it should be {_fmt(want[first])}. {_NAN_HINT}")
    raise CheckError(
        f"`{name}` contains {found} at index {first}, where the expected value is "
        f"{_fmt(want[first])} ({count} of {got.size} elements are nan or inf where finite "
        f"values are expected). {_NAN_HINT}"
    )


def _scalar_output(value: Any) -> float:
    """The float that ``f`` returned in check_gradient; CheckError if it is not one."""
    array = to_numpy(value, "f(x)")
    if array.size != 1:
        raise CheckError(
            f"`f(x)` should return a scalar (one number), but it returned shape "
            f"{tuple(int(s) for s in array.shape)}."
        )
    result = float(_as_float64(array).reshape(-1)[0])
    if result != result or result in (_inf, -_inf):
        raise CheckError(f"`f(x)` returned {_fmt(result)} near x: it should be finite.")
    return result


def _unravel(flat_index: int, shape: tuple[int, ...]) -> tuple[int, ...]:
    """A flat (C-order) index as a tuple of Python ints, () for a scalar."""
    return tuple(int(i) for i in _unravel_index(flat_index, shape))


def _relative(error: float, want: float) -> float:
    """``error / |want|``, inf when want is 0 and the error is not."""
    error = float(error)
    magnitude = abs(float(want))
    if magnitude == 0.0:
        return 0.0 if error == 0.0 else _inf
    return error / magnitude


# --------------------------------------------------------------------------------------
# Helpers: text


def _fmt(value: Any, digits: int = 6) -> str:
    """A number with about ``digits`` significant digits: 0.333333, 1e-08, nan, -inf."""
    return f"{float(value):.{digits}g}"


def _fmt_pair(got: Any, want: Any) -> tuple[str, str]:
    """Format two different numbers with just enough digits that they print differently."""
    for digits in (6, 9, 12, 17):
        got_text, want_text = _fmt(got, digits), _fmt(want, digits)
        if got_text != want_text:
            break
    return got_text, want_text


def _preview(prefix: str, array: np.ndarray) -> str:
    """``prefix`` and the array, about 6 significant digits, long arrays cut short."""
    return prefix + _array2string(array, prefix=prefix, **_PRINT_OPTIONS)


def _plural(count: int) -> str:
    return "" if count == 1 else "s"


def _article(words: str) -> str:
    return "an" if words[:1].lower() in "aeiou" else "a"


def _a(words: str) -> str:
    return f"{_article(words)} {words}"


def _type_name_of_class(kind: type) -> str:
    """``int``, ``numpy.ndarray``, ``keras.src.models.model.Model``..."""
    module = getattr(kind, "__module__", "builtins")
    qualname = getattr(kind, "__qualname__", repr(kind))
    return qualname if module == "builtins" else f"{module}.{qualname}"


def _type_name(value: Any) -> str:
    return _type_name_of_class(type(value))


def _dtype_words(dtype: np.dtype) -> str:
    if dtype.kind == "O":
        return "an array of Python objects (dtype object), not of numbers"
    if dtype.kind in "US":
        return f"an array of strings (dtype {dtype})"
    if dtype.kind == "c":
        return f"complex numbers (dtype {dtype}); real numbers are expected"
    return f"dtype {dtype}"


def _short_repr(value: Any, limit: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
