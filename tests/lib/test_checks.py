"""dlcourse.checks: staged checks, their messages, gradient checks and tamper resistance."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from dlcourse.checks import (
    CheckError,
    check_close,
    check_dtype,
    check_finite,
    check_gradient,
    check_shape,
    check_type,
    to_numpy,
)

# The real NumPy functions, kept before any test patches them.
_REAL_ZEROS = np.zeros
_REAL_ONES = np.ones
_REAL_SHAPE = np.shape

PROPERTY = settings(max_examples=50, deadline=None)


def fails(check, *args, **kwargs) -> str:
    """Run a check that must fail; return its message."""
    with pytest.raises(CheckError) as info:
        check(*args, **kwargs)
    return str(info.value)


def test_check_error_is_an_assertion_error():
    assert issubclass(CheckError, AssertionError)


# --------------------------------------------------------------------------------------
# to_numpy


class _HasArray:
    def __array__(self, dtype=None, copy=None):
        return np.array([1.0, 2.0], dtype=dtype)


class _HasNumpy:
    """Duck-types a tensor: a callable .numpy()."""

    def numpy(self):
        return np.array([[1, 2, 3]], dtype=np.int32)


class _BrokenNumpy:
    def numpy(self):
        raise ValueError("symbolic, no value")


@pytest.mark.parametrize(
    ("value", "shape", "kind"),
    [
        (np.arange(6.0).reshape(2, 3), (2, 3), "f"),
        (np.float32(1.5), (), "f"),
        (np.int64(3), (), "i"),
        (3, (), "i"),
        (2.5, (), "f"),
        (True, (), "b"),
        ([[1.0, 2.0], [3.0, 4.0]], (2, 2), "f"),
        ((1, 2, 3), (3,), "i"),
        ([], (0,), "f"),
        (_HasArray(), (2,), "f"),
        (_HasNumpy(), (1, 3), "i"),
    ],
)
def test_to_numpy_accepts_array_likes(value, shape, kind):
    array = to_numpy(value)
    assert type(array) is np.ndarray
    assert array.shape == shape
    assert array.dtype.kind == kind


def test_to_numpy_returns_plain_arrays_without_copying():
    x = np.arange(3.0)
    assert to_numpy(x) is x
    assert type(to_numpy(np.ma.masked_array([1.0, 2.0]))) is np.ndarray


def test_to_numpy_none_gives_the_return_hint():
    message = fails(to_numpy, None, "y_pred")
    assert message == "`y_pred` is None: did your function forget to `return`?"


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("abc", "str ('abc')"),
        (b"abc", "bytes"),
        ({"a": 1}, "dict (with keys ['a'])"),
        ([[1, 2], [3]], "list that is not rectangular (ragged)"),
        ((i for i in range(3)), "generator"),
        ({1, 2}, "set"),
        (object(), "but it is an object."),
        (np.array([1, "a"], dtype=object), "numpy.ndarray that NumPy reads as an array of Python"),
        ([1.0, None], "list that NumPy reads as an array of Python objects"),
        (["a", "b"], "array of strings"),
        (1 + 2j, "complex numbers"),
        (2**80, "int that NumPy reads as an array of Python objects"),
        (_BrokenNumpy(), "could not be read with `.numpy()` (ValueError: symbolic, no value)"),
    ],
)
def test_to_numpy_rejects_what_is_not_an_array_of_numbers(value, words):
    message = fails(to_numpy, value, "y")
    assert message.startswith("`y` ")
    assert words in message


# --------------------------------------------------------------------------------------
# check_type


def test_check_type_passes():
    assert check_type("n", 3, int) is None
    assert check_type("x", 2.5, (int, float)) is None
    assert check_type("x", np.zeros(2), np.ndarray) is None


def test_check_type_message_names_expected_and_found():
    message = fails(check_type, "n_units", [32], (int, float))
    assert message == "`n_units` should be an int or float, but it is a list."
    assert "should be a numpy.ndarray" in fails(check_type, "x", "a", np.ndarray)


def test_check_type_none_gives_the_return_hint():
    assert "forget to `return`" in fails(check_type, "model", None, dict)


# --------------------------------------------------------------------------------------
# check_shape


def test_check_shape_passes():
    assert check_shape("W", np.zeros((3, 4)), (3, 4)) is None
    assert check_shape("h", np.zeros((7, 10)), (None, 10)) is None
    assert check_shape("loss", 0.5, ()) is None
    assert check_shape("v", [1, 2, 3], [3]) is None


def test_check_shape_names_the_axis_that_differs():
    message = fails(check_shape, "h", np.zeros((5, 4)), (5, 3))
    assert "`h` has shape (5, 4), but it should have shape (5, 3)" in message
    assert "axis 1 has size 4 instead of 3" in message
    assert "axis 0" not in message
    assert "transposed" not in message and "keepdims" not in message


def test_check_shape_number_of_axes_comes_first():
    message = fails(check_shape, "x", np.zeros((2, 3, 4)), (2, 3))
    assert "has shape (2, 3, 4), but it should have shape (2, 3): it has 3 axes instead of 2" in (
        message
    )


def test_check_shape_says_when_none_is_a_wildcard():
    message = fails(check_shape, "h", np.zeros((8, 4)), (None, 10))
    assert "shape (None, 10) (None means any size)" in message
    assert "axis 1 has size 4 instead of 10" in message


def test_check_shape_transpose_hint():
    message = fails(check_shape, "W", np.zeros((10, 784)), (784, 10))
    assert "looks transposed" in message
    assert "axis 0 has size 10 instead of 784" in message


@pytest.mark.parametrize(
    ("shape", "expected", "side"),
    [
        ((3, 1), (3,), "trailing"),
        ((1, 3), (3,), "leading"),
        ((3,), (3, 1), "trailing"),
        ((1,), (), "trailing"),
        ((5,), (None, 5), "leading"),
    ],
)
def test_check_shape_size_one_axis_hint(shape, expected, side):
    message = fails(check_shape, "y", np.zeros(shape), expected)
    assert f"differs only by a {side} axis of size 1" in message
    assert "check keepdims / a missing reshape" in message


def test_check_shape_no_hint_for_unrelated_shapes():
    message = fails(check_shape, "y", np.zeros((2, 3)), (4,))
    assert "transposed" not in message and "keepdims" not in message


def test_check_shape_checks_array_likeness_first():
    assert fails(check_shape, "W", None, (2, 2)).endswith("forget to `return`?")


def test_check_shape_rejects_a_malformed_expected_shape():
    with pytest.raises(TypeError):
        check_shape("W", np.zeros(3), 3)
    with pytest.raises(TypeError):
        check_shape("W", np.zeros(3), (-1,))


# --------------------------------------------------------------------------------------
# check_dtype


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (np.zeros(2, np.float32), np.float32),
        (np.zeros(2, np.float32), "float32"),
        (np.zeros(2, np.float32), np.dtype("float32")),
        (np.zeros(2, np.float16), np.floating),
        (np.zeros(2), "float"),
        (np.zeros(2, np.int8), "int"),
        (np.zeros(2, np.uint8), np.integer),
        (np.zeros(2, bool), np.bool_),
        (np.zeros(2, bool), "bool"),
        (1.5, float),
        (3, int),
    ],
)
def test_check_dtype_passes(value, expected):
    assert check_dtype("x", value, expected) is None


def test_check_dtype_message_for_one_dtype():
    message = fails(check_dtype, "x", np.zeros(3), "float32")
    assert "`x` has dtype float64, but it should have dtype float32" in message
    assert "astype(np.float32)" in message and "tf.cast" in message
    assert 'keras.ops.cast(x, "float32")' in message


@pytest.mark.parametrize(
    ("value", "expected", "words"),
    [
        (np.arange(3), "float", "a floating-point dtype"),
        (np.arange(3), np.floating, "a floating-point dtype"),
        (np.zeros(3), "int", "an integer dtype"),
        (np.zeros(3), np.integer, "an integer dtype"),
        (np.zeros(3, np.int8), np.bool_, "dtype bool"),
    ],
)
def test_check_dtype_message_for_a_kind(value, expected, words):
    message = fails(check_dtype, "x", value, expected)
    assert f"`x` has dtype {to_numpy(value).dtype}, but it should have {words}" in message


# --------------------------------------------------------------------------------------
# check_finite


def test_check_finite_passes():
    assert check_finite("x", np.array([1.0, -2.0])) is None
    assert check_finite("x", np.arange(3)) is None
    assert check_finite("x", np.zeros((0, 3))) is None


def test_check_finite_counts_and_names_the_first_index():
    x = np.ones((3, 4))
    x[1, 2] = np.inf
    x[2, 0] = np.nan
    x[2, 3] = np.nan
    message = fails(check_finite, "logits", x)
    assert "`logits` contains 3 nan/inf values out of 12 (2 nan, 1 inf)" in message
    assert "the first is inf at index (1, 2)" in message


def test_check_finite_scalar():
    assert fails(check_finite, "loss", float("nan")).startswith("`loss` is nan")


# --------------------------------------------------------------------------------------
# check_close


def test_check_close_passes_for_equal_and_nearly_equal_values():
    x = np.linspace(-3, 3, 12).reshape(3, 4)
    assert check_close("y", x, x.copy()) is None
    assert check_close("y", x * (1 + 1e-7), x) is None
    assert check_close("y", x.astype(np.float32), x, rtol=1e-6) is None
    assert check_close("y", x + 1e-3, x, atol=2e-3) is None
    assert check_close("y", x.tolist(), x) is None


def test_check_close_python_scalars():
    assert check_close("loss", 0.5, 0.5) is None
    assert check_close("loss", np.float32(0.25), 0.25) is None
    assert check_close("count", 3, 3) is None
    assert check_close("flag", True, 1) is None
    message = fails(check_close, "loss", 0.51, 0.5)
    assert message.startswith("`loss` is 0.51, but it should be 0.5")
    assert "absolute error 0.01" in message and "relative error 0.02" in message
    assert "allowed there: 5.1e-07" in message


def test_check_close_nan_and_inf_where_expected_count_as_equal():
    want = np.array([np.nan, np.inf, -np.inf, 1.0])
    assert check_close("y", want.copy(), want) is None


def test_check_close_integers_and_bools_are_exact():
    assert check_close("labels", np.array([0, 1, 2]), [0, 1, 2]) is None
    message = fails(check_close, "labels", np.array([0, 1, 3]), [0, 1, 2])
    assert "1 of 3 elements" in message and "index (2,)" in message
    assert "got 3, expected 2" in message
    assert "index (1,)" in fails(check_close, "mask", [True, False], [True, True])


def test_check_close_does_not_broadcast():
    message = fails(check_close, "y", np.zeros((3, 1)), np.zeros(3))
    assert "`y` has shape (3, 1), but it should have shape (3,)" in message
    assert "check keepdims / a missing reshape" in message
    assert "differs from the expected value" not in message
    assert "has shape (3,), but it should have shape ()" in fails(
        check_close, "loss", np.zeros(3), 0.0
    )


def test_check_close_shape_message_with_transpose_hint():
    message = fails(check_close, "W", np.zeros((4, 3)), np.zeros((3, 4)))
    assert "looks transposed" in message


def test_check_close_stages_come_in_order():
    # Wrong type before anything else.
    assert "forget to `return`" in fails(check_close, "y", None, np.zeros(2), dtype="float32")
    # Wrong shape before wrong dtype and nan.
    bad = np.array([np.nan, 1.0, 2.0])
    assert "has shape (3,)" in fails(check_close, "y", bad, np.zeros(2), dtype="float32")
    # Wrong dtype before nan.
    message = fails(check_close, "y", bad, np.zeros(3), dtype="float32")
    assert "has dtype float64, but it should have dtype float32" in message
    # Without dtype=, the dtype is not checked.
    assert "contains nan" in fails(check_close, "y", bad, np.zeros(3))


def test_check_close_nan_stage_message():
    want = np.arange(12.0).reshape(3, 4)
    got = want.copy()
    got[0, 1] = np.nan
    got[2, 2] = -np.inf
    message = fails(check_close, "probs", got, want)
    assert "`probs` contains nan at index (0, 1), where the expected value is 1" in message
    assert "2 of 12 elements are nan or inf" in message
    got[0, 1] = 1.0
    assert "contains -inf at index (2, 2)" in fails(check_close, "probs", got, want)
    assert fails(check_close, "loss", np.inf, 2.0).startswith("`loss` is inf")


def test_check_close_wrong_nan_or_inf_where_expected():
    message = fails(check_close, "y", [1.0, 5.0], [1.0, np.nan])
    assert "index (1,): got 5, expected nan" in message
    assert "index (0,): got -inf, expected inf" in fails(check_close, "y", [-np.inf], [np.inf])
    assert "got 5, expected inf" in fails(check_close, "y", [5.0], [np.inf])


def test_check_close_values_message():
    want = np.arange(12.0).reshape(3, 4)
    got = want.copy()
    got[1, 2] += 0.01
    got[2, 3] += 0.001
    message = fails(check_close, "y", got, want)
    assert "`y` differs from the expected value in 2 of 12 elements" in message
    assert "The worst is at index (1, 2): got 6.01, expected 6" in message
    assert "absolute error 0.01, relative error 0.00166667" in message
    assert "allowed there: 6.01e-06" in message and "rtol=1e-06, atol=1e-08" in message
    assert "got:      [[ 0." in message and "expected: [[ 0." in message


def test_check_close_shows_enough_digits_to_tell_values_apart():
    message = fails(check_close, "loss", 0.5000001, 0.5, rtol=1e-9)
    assert "`loss` is 0.5000001, but it should be 0.5" in message


def test_check_close_zero_expected_gives_infinite_relative_error():
    assert "relative error inf" in fails(check_close, "y", [0.0, 1.0], [0.0, 0.0])


def test_check_close_message_stays_short_for_big_arrays():
    want = np.zeros((100, 100))
    got = want + 1.0
    message = fails(check_close, "y", got, want)
    assert "10000 of 10000 elements" in message
    assert "..." in message
    assert len(message) < 1500


def test_check_close_dtype_option():
    assert check_close("y", np.float32(1.0), 1.0, dtype=np.float32) is None
    assert check_close("y", np.float32(1.0), 1.0, dtype="float") is None
    assert "should have dtype float32" in fails(check_close, "y", 1.0, 1.0, dtype="float32")


def test_check_close_rejects_negative_tolerances():
    with pytest.raises(ValueError):
        check_close("y", 1.0, 1.0, rtol=-1.0)


# --------------------------------------------------------------------------------------
# check_gradient


def _tanh_layer(seed: int = 0):
    """f(W) = sum(tanh(X @ W)) and its gradient X.T @ (1 - tanh(X @ W)**2)."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(6, 4))
    W = rng.normal(size=(4, 3))

    def f(weights):
        return np.tanh(X @ weights).sum()

    return f, W, X.T @ (1 - np.tanh(X @ W) ** 2)


def _square_sum(v):
    return (v**2).sum()


def test_check_gradient_passes_for_sum_of_squares():
    x = np.random.default_rng(1).normal(size=(4, 3))
    error = check_gradient(_square_sum, x, 2 * x)
    assert isinstance(error, float)
    assert 0 <= error < 1e-7


def test_check_gradient_passes_for_a_matrix_function():
    f, W, grad = _tanh_layer()
    assert check_gradient(f, W, grad) < 1e-6


def test_check_gradient_scalar_x():
    assert check_gradient(lambda v: float(v) ** 3, 2.0, 12.0) < 1e-6


def test_check_gradient_fails_for_a_factor_of_2():
    x = np.random.default_rng(1).normal(size=(4, 3))
    message = fails(check_gradient, _square_sum, x, x)
    assert message.startswith("The gradient is wrong at entry (")
    assert "relative error 0.333333 > 0.0001" in message
    assert "(checked all 12 entries)" in message
    assert "about 1e-7 is right for float64; above 1e-2 is a bug" in message
    assert "check the transpose, the sign and the 1/N in your backward pass" in message


def test_check_gradient_message_names_the_worst_entry():
    x = np.arange(1.0, 7.0).reshape(2, 3)
    grad = 2 * x
    grad[1, 0] = -grad[1, 0]  # wrong sign in one entry
    message = fails(check_gradient, _square_sum, x, grad)
    assert "wrong at entry (1, 0): analytic -8, numerical 8, relative error 1 > 0.0001" in message


def test_check_gradient_fails_for_a_transposed_gradient():
    f, W, grad = _tanh_layer()
    assert "looks transposed" in fails(check_gradient, f, W, grad.T)
    # A square matrix: same shape, wrong values.
    rng = np.random.default_rng(2)
    X, V = rng.normal(size=(5, 4)), rng.normal(size=(4, 4))
    square_grad = X.T @ (1 - np.tanh(X @ V) ** 2)
    assert check_gradient(lambda w: np.tanh(X @ w).sum(), V, square_grad) < 1e-6
    message = fails(check_gradient, lambda w: np.tanh(X @ w).sum(), V, square_grad.T)
    assert "The gradient is wrong at entry" in message


def test_check_gradient_sampled_path():
    x = np.random.default_rng(3).uniform(0.5, 1.5, size=(8, 10))
    error = check_gradient(_square_sum, x, 2 * x, max_entries=20)
    assert error < 1e-7
    message = fails(check_gradient, _square_sum, x, 2.2 * x, max_entries=20)
    assert "(checked 20 of 80 entries, sampled with seed 0)" in message


def test_check_gradient_sampled_path_is_seeded():
    x = np.random.default_rng(4).normal(size=200)
    grad = 2 * x
    grad[::2] = 0.0  # wrong at half of the entries
    first = fails(check_gradient, _square_sum, x, grad, max_entries=10)
    assert first == fails(check_gradient, _square_sum, x, grad, max_entries=10)
    seen = set()
    for seed in range(5):
        seen.add(fails(check_gradient, _square_sum, x, grad, max_entries=10, seed=seed))
    assert len(seen) > 1


def test_check_gradient_leaves_global_random_state_and_x_alone():
    # NumPy's legacy global generator is exactly what must stay untouched.
    before = np.random.get_state()  # noqa: NPY002
    x = np.random.default_rng(5).normal(size=(10, 10))
    x_before = x.copy()

    def mutating_f(v):
        value = (v**2).sum()
        v[...] = 0.0  # a careless f that overwrites its argument
        return value

    assert check_gradient(mutating_f, x, 2 * x, max_entries=30) < 1e-7
    assert check_gradient(mutating_f, x[:2, :3], 2 * x[:2, :3]) < 1e-7
    after = np.random.get_state()  # noqa: NPY002
    assert before[0] == after[0] and np.array_equal(before[1], after[1])
    assert before[2:] == after[2:]
    assert np.array_equal(x, x_before)


def test_check_gradient_accepts_array_outputs_of_f():
    x = np.array([1.0, -2.0])
    assert check_gradient(lambda v: np.array([[(v**2).sum()]]), x, 2 * x) < 1e-7
    assert check_gradient(lambda v: np.asarray((v**2).sum()), x, 2 * x) < 1e-7
    assert check_gradient(lambda v: float((v**2).sum()), x.tolist(), [2.0, -4.0]) < 1e-7


def test_check_gradient_reports_bad_inputs():
    x = np.array([1.0, 2.0])
    assert "should return a scalar" in fails(check_gradient, lambda v: v**2, x, 2 * x)
    assert "`grad` is None" in fails(check_gradient, _square_sum, x, None)
    assert "`grad` has shape (3,), but it should have shape (2,)" in fails(
        check_gradient, _square_sum, x, np.zeros(3)
    )
    assert "`grad` contains 1 nan/inf value" in fails(
        check_gradient, _square_sum, x, np.array([2.0, np.nan])
    )
    assert "returned nan" in fails(check_gradient, lambda v: np.nan, x, 2 * x)


# --------------------------------------------------------------------------------------
# TensorFlow and Keras values (one test, so that only one test worker imports TensorFlow)


def test_tensorflow_tensors_and_variables_are_accepted():
    import keras
    import tensorflow as tf

    # to_numpy
    tensor = to_numpy(tf.constant([[1.0, 2.0]]))
    assert tensor.shape == (1, 2) and tensor.dtype == np.float32
    variable = to_numpy(tf.Variable([1, 2, 3]))
    assert variable.dtype == np.int32 and variable.tolist() == [1, 2, 3]
    assert to_numpy(keras.Variable([0.5])).tolist() == [0.5]
    assert to_numpy(tf.constant(2.0, dtype=tf.bfloat16)).astype(np.float64) == 2.0
    message = fails(to_numpy, keras.Input((3,)), "h")
    assert "KerasTensor" in message and "could not be converted" in message

    # check_shape
    assert check_shape("t", tf.zeros((2, 5)), (None, 5)) is None
    assert "looks transposed" in fails(check_shape, "t", tf.zeros((5, 2)), (2, 5))

    # check_dtype: a tensor's dtype is its .numpy() dtype
    assert check_dtype("t", tf.constant([1.0]), np.float32) is None
    assert check_dtype("t", tf.constant([1.0], dtype=tf.bfloat16), "float") is None
    assert "has dtype int32" in fails(check_dtype, "t", tf.constant([1, 2]), "float")

    # check_close
    want = np.array([[1.0, 2.0], [3.0, 4.0]], dtype=np.float32)
    assert check_close("t", tf.constant(want), want) is None
    assert check_close("v", tf.Variable(want), want, dtype=np.float32) is None
    assert check_close("t", tf.constant(want), tf.constant(want)) is None
    message = fails(check_close, "t", tf.constant(want) * 2, want)
    assert "4 of 4 elements" in message and "index (1, 1): got 8, expected 4" in message

    # check_gradient: f may return a 0-d tensor
    x = np.array([1.0, -2.0])
    assert check_gradient(lambda v: tf.reduce_sum(tf.constant(v) ** 2), x, 2 * x) < 1e-7


# --------------------------------------------------------------------------------------
# Tamper resistance: student code may replace NumPy functions after dlcourse is imported.


def _boom(*args, **kwargs):
    raise RuntimeError("dlcourse.checks called a patched NumPy function")


def _all_true(a, *args, **kwargs):
    return _REAL_ONES(_REAL_SHAPE(a), dtype=bool)


def _all_false(a, *args, **kwargs):
    return _REAL_ZEROS(_REAL_SHAPE(a), dtype=bool)


def _zeros_like(a, *args, **kwargs):
    return _REAL_ZEROS(_REAL_SHAPE(a))


NUMPY_LIES = {
    "allclose": lambda *args, **kwargs: True,
    "isclose": _all_true,
    "array_equal": lambda *args, **kwargs: True,
    "array_equiv": lambda *args, **kwargs: True,
    "abs": _zeros_like,
    "absolute": _zeros_like,
    "fabs": _zeros_like,
    "max": lambda *args, **kwargs: 0.0,
    "amax": lambda *args, **kwargs: 0.0,
    "all": lambda *args, **kwargs: True,
    "any": lambda *args, **kwargs: False,
    "isfinite": _all_true,
    "isnan": _all_false,
    "isinf": _all_false,
    "asarray": lambda *args, **kwargs: _REAL_ZEROS(()),
    "array": lambda *args, **kwargs: _REAL_ZEROS(()),
    "issubdtype": lambda *args, **kwargs: True,
    "where": _boom,
    "argmax": _boom,
    "maximum": _boom,
    "unravel_index": _boom,
    "array2string": _boom,
    "errstate": _boom,
    "arange": _boom,
    "empty": _boom,
}


def _patch_numpy(mp: pytest.MonkeyPatch) -> None:
    for name, lie in NUMPY_LIES.items():
        mp.setattr(np, name, lie)
    mp.setattr(np.testing, "assert_allclose", lambda *args, **kwargs: None)
    mp.setattr(np.testing, "assert_array_equal", lambda *args, **kwargs: None)
    mp.setattr(np.random, "default_rng", _boom)


def test_checks_are_not_fooled_by_patched_numpy(monkeypatch):
    want = np.arange(6.0).reshape(2, 3)
    wrong = want.copy()
    wrong[1, 1] = 40.0
    with_nan = want.copy()
    with_nan[0, 2] = np.nan
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    integers = np.arange(3)

    _patch_numpy(monkeypatch)
    assert np.allclose(wrong, want) and np.abs(wrong - want).max() == 0.0  # the lie works

    message = fails(check_close, "y", wrong, want)
    assert "1 of 6 elements" in message and "index (1, 1): got 40, expected 4" in message
    assert "contains nan at index (0, 2)" in fails(check_close, "y", with_nan, want)
    assert "has shape (3, 2)" in fails(check_close, "y", wrong.T, want)
    assert "has dtype float64" in fails(check_close, "y", want, want, dtype="int")
    assert "has dtype int64" in fails(check_dtype, "y", integers, np.floating)
    assert "the first is nan at index (0, 2)" in fails(check_finite, "y", with_nan)
    assert "looks transposed" in fails(check_shape, "y", wrong, (3, 2))
    assert "forget to `return`" in fails(to_numpy, None, "y")
    assert "relative error 0.333333" in fails(check_gradient, _square_sum, x, x)

    # Right answers still pass.
    assert check_close("y", want.copy(), want) is None
    assert check_finite("y", want) is None
    assert check_shape("y", want, (2, 3)) is None
    assert check_dtype("y", want, "float64") is None
    assert check_gradient(_square_sum, x, 2 * x) < 1e-7


# --------------------------------------------------------------------------------------
# Properties

_FLOAT64_ELEMENTS = st.floats(-1e300, 1e300, allow_nan=False, allow_infinity=False)


@st.composite
def _array_and_relative_noise(draw, max_relative: float):
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5))
    want = draw(hnp.arrays(np.float64, shape, elements=_FLOAT64_ELEMENTS))
    noise = draw(hnp.arrays(np.float64, shape, elements=st.floats(-max_relative, max_relative)))
    return want, noise


@PROPERTY
@given(_array_and_relative_noise(max_relative=1e-6 / 10))
def test_property_finite_arrays_pass_against_themselves_and_small_noise(case):
    want, noise = case
    assert check_close("y", want, want) is None
    assert check_close("y", want.copy(), want) is None
    assert check_close("y", want * (1.0 + noise), want, rtol=1e-6) is None


@st.composite
def _array_and_index(draw):
    want = draw(
        hnp.arrays(
            np.float64,
            hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=5),
            elements=_FLOAT64_ELEMENTS,
        )
    )
    flat = draw(st.integers(0, want.size - 1))
    factor = draw(st.floats(1.5, 1e3))
    sign = draw(st.sampled_from([-1.0, 1.0]))
    return want, flat, factor * sign


@PROPERTY
@given(_array_and_index())
def test_property_one_element_off_fails_and_is_named(case):
    want, flat, factor = case
    rtol, atol = 1e-6, 1e-8
    got = want.copy()
    index = tuple(int(i) for i in np.unravel_index(flat, want.shape))
    got[index] += factor * (atol + 10 * rtol * abs(want[index]))
    message = fails(check_close, "y", got, want, rtol=rtol, atol=atol)
    assert f"in 1 of {want.size} element" in message
    assert f"The worst is at index {index}:" in message


@PROPERTY
@given(
    hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=4),
    hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=4),
)
def test_property_different_shapes_fail_at_the_shape_stage(got_shape, want_shape):
    assume(got_shape != want_shape)
    message = fails(check_close, "y", np.zeros(got_shape), np.ones(want_shape))
    assert message.startswith(f"`y` has shape {got_shape}, but it should have shape {want_shape}")
    assert "differs from the expected value" not in message


@PROPERTY
@given(_array_and_index())
def test_property_patched_numpy_does_not_fool_check_close(case):
    want, flat, _ = case
    got = want.copy()
    index = tuple(int(i) for i in np.unravel_index(flat, want.shape))
    got[index] += 1.0 + abs(want[index])  # far outside any tolerance
    with pytest.MonkeyPatch.context() as mp:
        _patch_numpy(mp)
        message = fails(check_close, "y", got, want)
        assert check_close("y", want.copy(), want) is None
    assert f"The worst is at index {index}:" in message


def test_check_gradient_defaults_pass_a_correct_gradient_of_a_large_sum():
    """Rounding in f(x±eps) grows with |f(x)|; the defaults must still pass exact gradients.

    With eps=1e-6 and tol=1e-6 this case failed at 9.3e-5 (measured when choosing them).
    """
    x = np.random.default_rng(0).normal(size=(40, 30))
    assert check_gradient(_square_sum, x, 2 * x, max_entries=x.size) < 1e-5


# --------------------------------------------------------------------------------------
# The pass line, substitute and needs, in a real IPython shell


@pytest.fixture
def shell(ipython):
    """IPython's shell with the pass-line hooks (tests/lib/conftest.py cleans it up)."""
    ipython.run_cell("from dlcourse import checks\nimport numpy as np\nimport dlcourse")
    return ipython


def run(shell, capsys, source: str) -> str:
    capsys.readouterr()
    shell.run_cell(source)
    return capsys.readouterr().out


def hooks_of(shell) -> list:
    return [
        callback
        for event in ("pre_run_cell", "post_run_cell")
        for callback in shell.events.callbacks[event]
        if getattr(callback, "__module__", "") == "dlcourse.checks"
    ]


def test_pass_line_names_the_cell_and_counts_outermost_checks(shell, capsys):
    out = run(
        shell,
        capsys,
        '"""crop_corner: the patch."""\n'
        'checks.check_shape("x", np.ones((2, 3)), (2, 3))\n'
        'checks.check_close("x", np.ones(3), np.ones(3), dtype="float")\n'
        "checks.check_gradient(lambda v: (v**2).sum(), np.ones(2), 2 * np.ones(2))\n"
        'checks.check_type("n", 3, int)',
    )
    assert out == "✓ crop_corner: 4 checks passed\n"
    out = run(shell, capsys, 'checks.check_finite("x", np.ones(2))')
    assert out == "✓ checks: 1 check passed\n"


def test_no_pass_line_without_checks_or_after_an_error(shell, capsys):
    assert run(shell, capsys, "x = 1") == ""
    out = run(
        shell,
        capsys,
        '"""t: t."""\ncheck_ok = checks.check_finite("x", np.ones(2))\nraise ValueError("boom")',
    )
    assert "✓" not in out
    shell.run_cell('checks.check_close("x", np.ones(2), np.zeros(2))')
    assert "✓" not in capsys.readouterr().out
    # The counter starts again at 0 in the next cell.
    assert run(shell, capsys, 'checks.check_finite("x", 1.0)') == "✓ checks: 1 check passed\n"


def test_cell_name_rules():
    from dlcourse.checks import cell_name

    assert cell_name('"""softmax_shape: the shape."""\nx') == "softmax_shape"
    assert cell_name("# a comment\n\n'''a_b: c'''") == "a_b"
    assert cell_name('"""No colon here."""') == "checks"
    assert cell_name('"""two words: x"""') == "checks"
    # After a hidden-tests block, the first bare string is the docstring.
    assert cell_name("### BEGIN HIDDEN TESTS\nf = g\n### END\n'''late: docstring'''") == "late"
    assert cell_name("x = 1\ny = 2") == "checks"
    assert cell_name("%time x\n'''m: d'''") == "checks"
    assert cell_name("") == "checks"


def test_hooks_are_registered_once_and_survive_reset(shell):
    from dlcourse import checks

    assert len(hooks_of(shell)) == 2
    for _ in range(3):
        checks.register_hooks(shell)
    shell.run_cell("%reset -f")
    shell.run_cell("import dlcourse\ndlcourse.checks.register_hooks()")
    assert len(hooks_of(shell)) == 2


def test_outside_ipython_nothing_is_registered_or_printed(capsys):
    from dlcourse import checks

    assert checks.register_hooks(object()) is False
    checks.check_finite("x", 1.0)
    assert capsys.readouterr().out == ""


def test_substitute_lasts_until_the_end_of_the_cell(shell, capsys):
    shell.run_cell("def forward(x):\n    return 'student'\ndef train():\n    return forward(1)")
    out = run(
        shell,
        capsys,
        "checks.substitute(globals(), forward=lambda x: 'reference', extra=1)\n"
        "print(train(), extra)",
    )
    assert out == "reference 1\n"
    assert run(shell, capsys, "print(train(), 'extra' in globals())") == "student False\n"


def test_substitute_is_undone_after_a_failing_cell_and_by_with(shell, capsys):
    shell.run_cell("def forward(x):\n    return 'student'")
    shell.run_cell("checks.substitute(globals(), forward=lambda x: 'ref')\nraise KeyError(1)")
    assert run(shell, capsys, "print(forward(0))") == "student\n"
    out = run(
        shell,
        capsys,
        "with checks.substitute(globals(), forward=lambda x: 'ref'):\n"
        "    print(forward(0))\nprint(forward(0))",
    )
    assert out == "ref\nstudent\n"


def test_substitute_outside_ipython_with_a_with_block():
    from dlcourse.checks import substitute

    namespace = {"f": 1}
    with substitute(namespace, f=2, g=3):
        assert namespace == {"f": 2, "g": 3}
    assert namespace == {"f": 1}
    with pytest.raises(TypeError):
        substitute([], f=1)


def test_needs_names_what_to_finish(capsys):
    import dlcourse

    def gradient_descent():
        raise NotImplementedError()

    with dlcourse.needs("gradient_descent"):
        gradient_descent()
    assert capsys.readouterr().out == (
        "This needs `gradient_descent`: finish it above first (and run its cell).\n"
    )
    with dlcourse.needs("forward", "backward"):
        backward  # noqa: B018, F821 - never defined
    assert capsys.readouterr().out == (
        "This needs `backward`: finish it above first (and run its cell).\n"
    )


def test_needs_names_the_function_that_raised(capsys):
    import dlcourse

    def forward(x):
        raise ValueError("shapes (2,3) and (4,) not aligned\nsecond line")

    def train():
        return forward(1)

    with dlcourse.needs("train", "forward"):
        train()
    assert capsys.readouterr().out == (
        "This uses your `forward`, which raised ValueError: shapes (2,3) and (4,) not "
        "aligned; fix it above and run this cell again.\n"
    )
    with dlcourse.needs("a", "b"):
        raise KeyError("k")
    assert capsys.readouterr().out == (
        "This uses your `a` and `b`, which raised KeyError: 'k'; fix it above and run this "
        "cell again.\n"
    )
    with dlcourse.needs("a"):
        pass
    assert capsys.readouterr().out == ""
    with pytest.raises(KeyboardInterrupt), dlcourse.needs("a"):
        raise KeyboardInterrupt
