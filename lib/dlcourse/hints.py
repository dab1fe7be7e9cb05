"""The catalogue of likely mistakes that a failing check names, and their recognisers.

A failing ``dlcourse.checks`` check ends its message with one line::

    Likely mistake: the result looks transposed (rows and columns swapped): check ...

when it recognises what the student probably did. All the wording lives here, in
``MISTAKES`` (mistake id -> one sentence that names the mistake and says what to look at),
so that every lesson speaks the same way. A test cell says which mistakes it expects::

    checks.check_close("standardise(X)", got, expected,
                       mistakes={"sample_std": (X - m) / X.std(axis=0, ddof=1),
                                 "wrong_axis": None})

The keys of ``mistakes=`` must be ids of ``MISTAKES`` (a ``KeyError`` otherwise). A value
is one of:

- the value that mistake gives (any array-like): the hint is named when the answer
  matches it within the check's tolerance (nan matches nan);
- a callable ``predicate(got) -> bool`` on the answer as a float64 array;
- ``None``: use the id's own recogniser (``RECOGNISERS``; a ``ValueError`` when it has
  none), e.g. ``"sample_std": None`` recognises a ratio of ``sqrt(n / (n - 1))``.

``check_shape`` takes shapes as the values (the shape that mistake gives).

Besides the mistakes a test names, the generic recognisers (``GENERIC``) are tried on
every failure: they need only the answer and the expected value. The named ones come
first, then the generic ones, in order; the first that fires gives the hint.

Recognisers are cheap (a few passes over the arrays, which may hold 1e6 elements; larger
ones get no hint) and never raise: a recogniser that fails means no hint. Like
``dlcourse.checks``, this module binds the NumPy functions it uses when it is imported.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "GENERIC",
    "MISTAKES",
    "RECOGNISERS",
    "hint_line",
    "likely_mistake",
    "likely_shape_mistake",
    "validate",
]

#: Mistake id -> one sentence: the mistake, and what to look at. ``{axis}`` and
#: ``{factor}`` are filled in by the recogniser that found it.
MISTAKES: dict[str, str] = {
    "transposed": (
        "the result looks transposed (rows and columns swapped): check the order of the "
        "axes (`.T`, `transpose`) and of the operands of the matrix product."
    ),
    "wrong_axis": (
        "the result looks computed along the wrong axis: check the `axis=` of the "
        "reduction or normalisation, and which axis holds the samples."
    ),
    "sign_flipped": (
        "the result has the right size but the opposite sign: look for a missing or extra "
        "minus sign."
    ),
    "missing_minus": (
        "a minus sign is missing (the result is the negative of the expected one): check "
        "the sign in the formula, such as the minus of -log(p) or of the step `w - lr * grad`."
    ),
    "scaled": (
        "the result is about {factor} times the expected value: look for a missing or extra "
        "constant factor (a 1/N, a 2, a learning rate)."
    ),
    "sample_std": (
        "this looks like the sample standard deviation (ddof=1); use the population one "
        "(ddof=0, the default of `np.std` and `tf.math.reduce_std`)."
    ),
    "sum_for_mean": (
        "this looks like a sum where a mean is expected (or a mean where a sum is): check "
        "`sum` against `mean`, and the division by the number of elements."
    ),
    "off_by_one": (
        "the result is shifted by one along {axis} (or has one element too many or too "
        "few there): check where your ranges and slices start and end."
    ),
    "off_by_one_window": (
        "the windows are off by one: check where each window starts and ends (a window of "
        "length w ending at t is `x[t - w + 1 : t + 1]`) and how many windows there are."
    ),
    "reversed": (
        "the result is reversed along {axis}: check the direction of the slice "
        "(`[::-1]`) or of the loop."
    ),
    "logits_as_probabilities": (
        "logits (raw scores) were used where probabilities are expected: apply the softmax "
        "or sigmoid first, or tell the loss `from_logits=True`."
    ),
    "probabilities_as_logits": (
        "probabilities were used where logits (raw scores) are expected: remove the extra "
        "softmax or sigmoid, or tell the loss `from_logits=False`."
    ),
    "integer_truncation": (
        "the values look cut to whole numbers: look for an integer dtype (`np.zeros(n, "
        "dtype=int)`, an integer input) or an integer division `//` where floats are needed."
    ),
    "missing_bias": (
        "the bias seems to be missing: check that `+ b` is added (broadcast over the batch) "
        "and that its gradient is returned."
    ),
    "no_stabilisation": (
        "an exp overflows (inf or nan for large inputs): subtract the maximum before "
        "exponentiating (the log-sum-exp trick), or use a stable formula."
    ),
    "in_place": (
        "your function changed its argument in place: work on a copy (`x.copy()`, or "
        "`x = x - ...` instead of `x -= ...`)."
    ),
    "learning_rate_scale": (
        "the update step is scaled wrong: check that each step moves by exactly "
        "`lr * gradient`, with the gradient averaged (not summed) over the batch."
    ),
    "missing_epsilon": (
        "the epsilon is missing (0/0 gives nan when the gradient is zero): add `eps` where "
        "the formula has it, as in `/ (sqrt(v) + eps)`."
    ),
    "no_bias_correction": (
        "the bias correction of Adam is missing: divide m by (1 - beta_1**t) and v by "
        "(1 - beta_2**t), with t counting steps from 1."
    ),
    "loss_history_off": (
        "the recorded loss history is shifted or misses an entry: record the loss once per "
        "step, at the same point of the loop as asked (before or after the update)."
    ),
    "activation_derivative": (
        "the activation's derivative looks wrong: check its formula (tanh' = 1 - tanh**2, "
        "sigmoid' = s * (1 - s), ReLU' = 1 where z > 0) and that it is applied to the right "
        "value (Z or A = g(Z))."
    ),
    # Gradient checking (lesson 03).
    "forward_difference": (
        "this looks like a forward difference (f(theta + eps) - f(theta)) / eps, whose error "
        "is of order eps: use the central difference (f(theta + eps) - f(theta - eps)) / "
        "(2 * eps), whose error is of order eps**2."
    ),
    "difference_not_halved": (
        "the numerical gradient is twice too large: divide f(theta + eps) - f(theta - eps) by "
        "2 * eps, the distance between the two points, not by eps."
    ),
    "entry_not_restored": (
        "a parameter entry was not put back exactly after its difference: save the entry "
        "before changing it and assign the saved value back (adding and subtracting eps may "
        "not give it back)."
    ),
    "perturbed_together": (
        "several entries were changed at once (a whole row `theta[i]` of a 2-D array): change "
        "one entry at a time, with the index tuples of `np.ndindex(theta.shape)` or a flat "
        "index."
    ),
    "relative_error_denominator": (
        "the relative error's denominator is missing or can be 0: divide norm(g_num - g) by "
        "max(norm(g_num) + norm(g), 1e-12), which gives 0 (not nan) when both gradients are 0."
    ),
    # Dropout and batch normalisation (lesson 05b).
    "dropout_not_scaled": (
        "the kept entries are not scaled: in training divide them by the keep probability "
        "1 - rate (inverted dropout), so that every entry keeps its expected value x."
    ),
    "dropout_wrong_scale": (
        "the kept entries are scaled by the wrong factor: divide them by the keep probability "
        "1 - rate, not by the rate, and do not multiply them by 1 - rate."
    ),
    "dropout_at_inference": (
        "dropout changed x at inference (training=False): return x as it is, neither dropped "
        "nor scaled; inverted dropout does all its work in training."
    ),
    "rate_as_keep_probability": (
        "the rate looks used as the probability of keeping an entry: `rate` is the probability "
        "of dropping it, so keep each entry with probability 1 - rate."
    ),
    "dropout_shared_mask": (
        "one mask seems shared by several examples or units: draw an independent keep-or-drop "
        "decision for every entry, a mask of x's full shape."
    ),
    "rng_not_used": (
        "the random generator passed in seems unused: draw from `rng` (`rng.random(x.shape)`), "
        "not from `np.random` or a new generator, so that the same seed gives the same result."
    ),
    "variance_ddof": (
        "the variance looks divided by n - 1 (ddof=1): batch normalisation uses the population "
        "variance of the batch, `x.var(axis=0)` (ddof=0), as Keras does."
    ),
    "epsilon_outside_sqrt": (
        "epsilon looks added outside the square root: divide by `np.sqrt(var + epsilon)`, not "
        "by `np.sqrt(var) + epsilon`."
    ),
    "running_stats_at_inference": (
        "the running mean or variance changed at inference (training=False): return them as "
        "they were; only a call in training updates them."
    ),
    "momentum_reversed": (
        "the momentum looks applied the wrong way round: Keras keeps the share `momentum` of "
        "the old value, new = momentum * running + (1 - momentum) * batch statistic."
    ),
    "batch_stats_at_inference": (
        "the batch's own mean and variance were used at inference: with training=False "
        "normalise with the running ones, so that an example's output does not depend on its "
        "batch."
    ),
    # Batch normalisation, backward (lesson 05b).
    "batchnorm_grad_direct_only": (
        "dx looks like gamma * dy / sqrt(var + epsilon) alone: every x_ij also moves its "
        "column's mean and variance, so the bracket is dy - mean(dy) - x_hat * mean(dy * x_hat)."
    ),
    "batchnorm_grad_missing_path": (
        "dx seems to miss the path through the batch's mean or the one through its variance: "
        "keep all three terms, dy - mean(dy) - x_hat * mean(dy * x_hat), means over the batch."
    ),
    "dgamma_without_x_hat": (
        "dgamma looks like sum(dy), the gradient of beta: gamma multiplies x_hat, so "
        "dgamma = sum(dy * x_hat, axis=0)."
    ),
    # Residual blocks (lesson 06).
    "no_skip_connection": (
        "the skip path seems missing: add the block's input x (or its 1x1 projection) to F(x), "
        "then apply the ReLU to the sum."
    ),
    "skip_after_activation": (
        "the skip path seems added after the ReLU: add x (or its projection) to F(x) first, "
        "then apply the ReLU to the sum."
    ),
    # Vocabularies and padded token sequences (lesson 07).
    "reserved_indices": (
        "a token got the index 0 or 1, which are reserved (0 for padding, 1 for unknown "
        "tokens): number the vocabulary's tokens from 2."
    ),
    "ties_not_alphabetical": (
        "tokens with equal counts are not in alphabetical order: sort by count, most frequent "
        "first, then by the token itself (`key=lambda w: (-count[w], w)`)."
    ),
    "document_frequency": (
        "the counts look like the number of texts that contain each token: count every "
        "occurrence of a token in every text (tokens, not documents)."
    ),
    "padding_side": (
        "the padding or the truncation is at the wrong end of the sequence: check at which end "
        "the convention adds the zeros and which tokens of a long text it keeps."
    ),
    "unknown_token": (
        "tokens missing from the vocabulary were dropped or given 0 (padding): give each the "
        "unknown index 1, in its place."
    ),
    # Your first network (lesson 05).
    "held_out_statistics": (
        "the minimum and maximum look taken from more than the training data (all the data, or "
        "each set its own): compute them from X_train only and scale all three sets with them."
    ),
    "per_feature_min_max": (
        "the minimum and maximum look computed per column, which divides by 0 where a column "
        "is constant: take one minimum and one maximum over the whole of X_train (`X.min()`)."
    ),
    "min_max_denominator": (
        "the values look divided by the maximum instead of the range: divide x - x_min by "
        "x_max - x_min."
    ),
    "held_out_not_scaled": (
        "the validation or test set came back unscaled: apply the training minimum and "
        "maximum to all three sets."
    ),
    "clipped_to_unit_range": (
        "the values look clipped to [0, 1]: do not clip, a held-out value outside the "
        "training range must stay outside [0, 1]."
    ),
    "input_shape_mismatch": (
        "the model's input shape does not fit one example of shape (num_features,): start "
        "with `keras.Input(shape=(num_features,))`, without the batch axis."
    ),
    "linear_hidden_layer": (
        "the hidden layer looks linear (no activation), which makes the whole network linear: "
        'give it `activation="relu"`.'
    ),
    "no_validation_data": (
        "the history has no validation curves: pass `validation_data=(X_val, Y_val)` to `fit`."
    ),
    "validation_split": (
        "the validation numbers are not those of X_val and Y_val (a `validation_split`, or the "
        "training set): pass `validation_data=(X_val, Y_val)` and train on all of X_train."
    ),
    "wrong_learning_rate": (
        "the training moves at another pace than asked: compile with "
        "`keras.optimizers.SGD(learning_rate=0.1)`, not another optimizer or rate."
    ),
    "fit_arguments_ignored": (
        "the number of epochs or the batch size seems ignored: pass `epochs=num_epochs` and "
        "`batch_size=batch_size` on to `fit`."
    ),
    "sparse_loss_one_hot": (
        "a loss for sparse labels got one-hot rows: with labels of shape (n, k) use "
        "`keras.losses.CategoricalCrossentropy(from_logits=True)`."
    ),
    "training_mode_predictions": (
        "the predictions look made in training mode (dropout active): call `model.predict(X)` "
        "or `model(X, training=False)`."
    ),
}

# Arrays larger than this get no hint (recognisers stay cheap).
MAX_SIZE = 10_000_000

# NumPy, bound once at import time (see dlcourse.checks, "Tamper resistance").
_ndarray = np.ndarray
_asarray = np.asarray
_abs = np.abs
_isnan = np.isnan
_isfinite = np.isfinite
_exp = np.exp
_trunc = np.trunc
_floor = np.floor
_round = np.round
_flip = np.flip
_swapaxes = np.swapaxes
_take = np.take
_errstate = np.errstate
_float64 = np.float64


@dataclass(frozen=True)
class Tolerance:
    """The check's tolerance: ``|got - want| <= atol + rtol * |want|``."""

    rtol: float = 1e-6
    atol: float = 1e-8


Recogniser = Callable[[np.ndarray, np.ndarray, Tolerance], "dict[str, str] | None"]


# --------------------------------------------------------------------------------------
# Helpers


def _close(got: np.ndarray, want: np.ndarray, tol: Tolerance) -> bool:
    """Same shape and every element within tolerance (nan matches nan, inf its own sign)."""
    if got.shape != want.shape:
        return False
    with _errstate(invalid="ignore", over="ignore"):
        same = (got == want) | (_isnan(got) & _isnan(want))
        within = _abs(got - want) <= tol.atol + tol.rtol * _abs(want)
    return bool((same | within).all())


def _float(value: Any) -> np.ndarray:
    """``value`` as a float64 ndarray (plain, not a subclass)."""
    if isinstance(value, _ndarray) and type(value) is _ndarray and value.dtype == _float64:
        return value
    array = _asarray(value)
    if type(array) is not _ndarray:
        array = array.view(_ndarray)
    return array.astype(_float64)


def _finite(*arrays: np.ndarray) -> bool:
    return all(bool(_isfinite(a).all()) for a in arrays)


def _factor_text(factor: float) -> str:
    text = f"{factor:.3g}"
    if "." not in text and "e" not in text and "inf" not in text and "nan" not in text:
        text += ".0"
    return text


def _factor(got: np.ndarray, want: np.ndarray) -> float | None:
    """The least-squares c with got ~ c * want, when both are finite and want is not 0."""
    if got.shape != want.shape or got.size == 0 or not _finite(got, want):
        return None
    norm = float((want * want).sum())
    if norm == 0.0:
        return None
    return float((got * want).sum()) / norm


def _scaled_by(got: np.ndarray, want: np.ndarray, tol: Tolerance) -> float | None:
    """c when got == c * want within (a slightly loosened) tolerance, c not 0, 1 or -1."""
    c = _factor(got, want)
    if c is None or c == 0.0 or c != c:
        return None
    loose = Tolerance(max(tol.rtol, 1e-6), tol.atol)
    if abs(c - 1.0) <= 10 * loose.rtol or abs(c + 1.0) <= 10 * loose.rtol:
        return None
    return c if _close(got, c * want, loose) else None


def _sums_to_one(array: np.ndarray, axis: int) -> bool:
    if array.ndim == 0 or array.shape[axis] < 2 or array.size == 0:
        return False
    if not _finite(array) or bool((array < 0).any()) or bool((array > 1).any()):
        return False
    return bool((_abs(array.sum(axis=axis) - 1.0) <= 1e-5).all())


def _is_probability(array: np.ndarray) -> bool:
    return (
        array.size > 0
        and _finite(array)
        and not bool((array < 0).any())
        and not bool((array > 1).any())
    )


def _softmax(array: np.ndarray) -> np.ndarray:
    shifted = array - array.max(axis=-1, keepdims=True)
    e = _exp(shifted)
    return e / e.sum(axis=-1, keepdims=True)


def _sigmoid(array: np.ndarray) -> np.ndarray:
    with _errstate(over="ignore"):
        return 1.0 / (1.0 + _exp(-array))


def _slice(array: np.ndarray, axis: int, start: int | None, stop: int | None) -> np.ndarray:
    index = [slice(None)] * array.ndim
    index[axis] = slice(start, stop)
    return array[tuple(index)]


# --------------------------------------------------------------------------------------
# Recognisers: (got, want, tolerance) -> the fields of the sentence, or None


def transposed(got: np.ndarray, want: np.ndarray, tol: Tolerance) -> dict[str, str] | None:
    """Axes in reverse order (or the last two swapped): by shape, or by value when square."""
    if want.ndim < 2:
        return None
    if got.shape != want.shape:
        if got.shape == want.shape[::-1]:
            return {}
        if want.ndim > 2 and got.shape == _swapaxes(want, -1, -2).shape:
            return {}
        return None
    if want.shape == want.shape[::-1] and _close(got, want.transpose(), tol):
        return {}
    square = want.ndim > 2 and want.shape[-1] == want.shape[-2]
    if square and _close(got, _swapaxes(want, -1, -2), tol):
        return {}
    return None


def sign_flipped(got: np.ndarray, want: np.ndarray, tol: Tolerance) -> dict[str, str] | None:
    """got == -want, where want is not 0."""
    if got.shape != want.shape or not bool((want != 0).any()):
        return None
    return {} if _close(got, -want, tol) else None


def scaled(got: np.ndarray, want: np.ndarray, tol: Tolerance) -> dict[str, str] | None:
    """got == c * want for a constant c (not 1 or -1). A single number only when c or 1/c
    is a whole number from 2 to 1000 (any two numbers are some multiple of each other)."""
    c = _scaled_by(got, want, tol)
    if c is None:
        return None
    if got.size == 1:
        whole = [r for r in (abs(c), 1 / abs(c)) if 2 <= r <= 1000 and abs(r - round(r)) < 1e-9]
        if not whole:
            return None
    return {"factor": _factor_text(c)}


def sample_std(got: np.ndarray, want: np.ndarray, tol: Tolerance) -> dict[str, str] | None:
    """A ratio of n/(n-1) or its square root, either way (ddof=1 for ddof=0)."""
    c = _scaled_by(got, want, tol)
    if c is None or c <= 0:
        return None
    for r in (c, 1 / c, c * c, 1 / (c * c)):
        if r > 1:
            n = r / (r - 1)  # r = n / (n - 1)
            if 2 <= n <= 1e7 and abs(n - round(n)) <= 1e-6 * n:
                return {}
    return None


def sum_for_mean(got: np.ndarray, want: np.ndarray, tol: Tolerance) -> dict[str, str] | None:
    """A ratio that is a whole number n >= 2, either way (a sum of n for a mean)."""
    c = _scaled_by(got, want, tol)
    if c is None or c <= 0:
        return None
    for r in (c, 1 / c):
        if 2 <= r <= 1e9 and abs(r - round(r)) <= 1e-6 * r:
            return {}
    return None


def reversed_axis(got: np.ndarray, want: np.ndarray, tol: Tolerance) -> dict[str, str] | None:
    """got is want reversed along one axis."""
    if got.shape != want.shape:
        return None
    for axis in range(want.ndim):
        if want.shape[axis] >= 2 and _close(got, _flip(want, axis), tol):
            return {"axis": f"axis {axis}"}
    return None


def shifted(got: np.ndarray, want: np.ndarray, tol: Tolerance) -> dict[str, str] | None:
    """Shifted by one along an axis (same shape, the overlap matches only when shifted), or
    one element too many or too few there (the rest matches the start or the end)."""
    if got.ndim != want.ndim or got.ndim == 0:
        return None
    differing = [a for a in range(want.ndim) if got.shape[a] != want.shape[a]]
    if not differing:
        for axis in range(want.ndim):
            n = want.shape[axis]
            if n < 3:
                continue
            head, tail = _slice(want, axis, None, -1), _slice(want, axis, 1, None)
            # got[1:] is want[:-1] (late by one) or got[:-1] is want[1:] (early by one),
            # and the overlap does not match unshifted.
            for g, w, unshifted in (
                (_slice(got, axis, 1, None), head, tail),
                (_slice(got, axis, None, -1), tail, head),
            ):
                if _close(g, w, tol) and not _close(g, unshifted, tol):
                    return {"axis": f"axis {axis}"}
        return None
    if len(differing) != 1:
        return None
    axis = differing[0]
    n_got, n_want = got.shape[axis], want.shape[axis]
    if abs(n_got - n_want) != 1 or min(n_got, n_want) < 2:
        return None
    short, long = (got, want) if n_got < n_want else (want, got)
    for part in (_slice(long, axis, None, -1), _slice(long, axis, 1, None)):
        if _close(short, part, tol):
            return {"axis": f"axis {axis}"}
    return None


def wrong_axis(got: np.ndarray, want: np.ndarray, tol: Tolerance) -> dict[str, str] | None:
    """Normalised along another axis than the expected one: probabilities that sum to 1,
    or values with mean 0, along the wrong axis."""
    if got.shape != want.shape or want.ndim < 2 or not _finite(got, want):
        return None
    axes = range(want.ndim)
    for a in axes:
        if (
            _sums_to_one(want, a)
            and not _sums_to_one(got, a)
            and any(_sums_to_one(got, b) for b in axes if b != a)
        ):
            return {}
    scale = float(_abs(want).max()) if want.size else 0.0
    if scale == 0.0:
        return None

    def centred(array: np.ndarray, axis: int) -> bool:
        return array.shape[axis] >= 2 and bool(
            (_abs(array.mean(axis=axis)) <= 1e-7 * scale + tol.atol).all()
        )

    for a in axes:
        others = (b for b in axes if b != a)
        if centred(want, a) and not centred(got, a) and any(centred(got, b) for b in others):
            return {}
    return None


def logits_as_probabilities(
    got: np.ndarray, want: np.ndarray, tol: Tolerance
) -> dict[str, str] | None:
    """Probabilities expected; got holds values no probability has (below 0) or is the
    logits whose softmax (or sigmoid) is the expected value."""
    if got.shape != want.shape or not _is_probability(want) or not _finite(got):
        return None
    loose = Tolerance(1e-4, 1e-6)
    if want.ndim >= 1 and _sums_to_one(want, -1):
        if _close(_softmax(got), want, loose) or bool((got < 0).any()):
            return {}
        return None
    if _close(_sigmoid(got), want, loose):
        return {}
    return None


def probabilities_as_logits(
    got: np.ndarray, want: np.ndarray, tol: Tolerance
) -> dict[str, str] | None:
    """Logits expected (values outside [0, 1] or rows not summing to 1); got holds
    probabilities: rows that sum to 1, or the sigmoid of the expected value."""
    if got.shape != want.shape or not _finite(got, want) or want.size == 0:
        return None
    if _is_probability(want) and (want.ndim == 0 or not _sums_to_one(want, -1)):
        # Numbers in [0, 1] that are not rows of probabilities: only an exact sigmoid says so.
        return {} if _close(got, _sigmoid(want), Tolerance(1e-4, 1e-6)) else None
    if _is_probability(want):
        return None
    if want.ndim >= 1 and _sums_to_one(got, -1):
        return {}
    if _close(got, _sigmoid(want), Tolerance(1e-4, 1e-6)):
        return {}
    return None


def integer_truncation(got: np.ndarray, want: np.ndarray, tol: Tolerance) -> dict[str, str] | None:
    """Whole numbers where the expected value has fractions, equal to it cut or rounded."""
    if got.shape != want.shape or not _finite(got, want) or not bool((got != 0).any()):
        return None
    if bool((got != _trunc(got)).any()) or not bool((want != _trunc(want)).any()):
        return None
    for cut in (_trunc, _floor, _round):
        if _close(got, cut(want), Tolerance(0.0, 1e-9)):
            return {}
    return None


def non_finite(got: np.ndarray, want: np.ndarray, tol: Tolerance) -> dict[str, str] | None:
    """nan or inf in the answer where the expected value is finite."""
    if got.shape != want.shape:
        return None
    return {} if bool((~_isfinite(got) & _isfinite(want)).any()) else None


#: Mistake id -> its recogniser, for ids a test may name with ``None``.
RECOGNISERS: dict[str, Recogniser] = {
    "transposed": transposed,
    "wrong_axis": wrong_axis,
    "sign_flipped": sign_flipped,
    "missing_minus": sign_flipped,
    "scaled": scaled,
    "sample_std": sample_std,
    "sum_for_mean": sum_for_mean,
    "off_by_one": shifted,
    "off_by_one_window": shifted,
    "loss_history_off": shifted,
    "reversed": reversed_axis,
    "logits_as_probabilities": logits_as_probabilities,
    "probabilities_as_logits": probabilities_as_logits,
    "integer_truncation": integer_truncation,
    "no_stabilisation": non_finite,
    "missing_epsilon": non_finite,
}

#: Tried on every failure, in this order, after the mistakes a test names.
GENERIC: tuple[str, ...] = (
    "transposed",
    "sign_flipped",
    "reversed",
    "off_by_one",
    "wrong_axis",
    "logits_as_probabilities",
    "probabilities_as_logits",
    "integer_truncation",
    "scaled",
)


# --------------------------------------------------------------------------------------
# The interface that dlcourse.checks uses


def validate(mistakes: Mapping[str, Any] | None) -> dict[str, Any]:
    """``mistakes`` as a dict; a KeyError for an id not in ``MISTAKES``, a ValueError for
    ``None`` given to an id that has no recogniser."""
    if mistakes is None:
        return {}
    if not isinstance(mistakes, Mapping):
        raise TypeError(f"mistakes must be a dict of mistake id -> value, not {mistakes!r}")
    for key, value in mistakes.items():
        if key not in MISTAKES:
            raise KeyError(
                f"unknown mistake id {key!r}: add it to dlcourse.hints.MISTAKES "
                f"(known: {', '.join(sorted(MISTAKES))})"
            )
        if value is None and key not in RECOGNISERS:
            raise ValueError(
                f"mistake {key!r} has no recogniser: pass the value that mistake gives "
                "(or a predicate on the answer) instead of None"
            )
    return dict(mistakes)


def hint_line(mistake: str, **fields: str) -> str:
    """``Likely mistake: <the catalogue sentence>``."""
    sentence = MISTAKES[mistake]
    try:
        sentence = sentence.format(**fields)
    except (KeyError, IndexError, ValueError):
        sentence = sentence.replace("{axis}", "an axis").replace("{factor}", "a constant")
    return f"Likely mistake: {sentence}"


def likely_mistake(
    got: Any,
    want: Any,
    *,
    rtol: float = 1e-6,
    atol: float = 1e-8,
    mistakes: Mapping[str, Any] | None = None,
    generic: bool = True,
) -> str | None:
    """The hint line for the first mistake that fits, or None. Never raises.

    Args:
        got: the answer (array-like, any shape).
        want: the expected value.
        rtol, atol: the check's tolerance.
        mistakes: id -> the value that mistake gives, a predicate, or None (see above).
        generic: also try the generic recognisers (``GENERIC``).
    """
    try:
        g = _float(got)
        w = _float(want)
        if g.size > MAX_SIZE or w.size > MAX_SIZE:
            return None
        tol = Tolerance(float(rtol), float(atol))
        named = dict(mistakes or {})
        for mistake, value in named.items():
            fields = _named_fires(mistake, value, g, w, tol)
            if fields is not None:
                return hint_line(mistake, **fields)
        if generic:
            for mistake in GENERIC:
                if mistake in named:
                    continue
                fields = _fires(RECOGNISERS[mistake], g, w, tol)
                if fields is not None:
                    return hint_line(mistake, **fields)
    except Exception:  # a hint is a bonus: never let it break a check's message
        return None
    return None


def likely_shape_mistake(
    shape: tuple[int, ...],
    expected: tuple[int | None, ...],
    mistakes: Mapping[str, Any] | None = None,
) -> str | None:
    """The hint line for a wrong shape, or None. Never raises.

    A named mistake fires when its value (a shape; ``None`` in it means any size) is the
    answer's shape; named with ``None``, "transposed" and the off-by-one ids fire on the
    shape alone. Generic: "transposed" when the shape is the expected one reversed.
    """
    try:
        shape = tuple(int(s) for s in shape)
        named = dict(mistakes or {})
        for mistake, value in named.items():
            if value is None:
                if mistake == "transposed" and _reversed_shape(shape, expected):
                    return hint_line(mistake)
                if mistake in ("off_by_one", "off_by_one_window", "loss_history_off"):
                    axis = _one_off_axis(shape, expected)
                    if axis is not None:
                        return hint_line(mistake, axis=f"axis {axis}")
            elif callable(value):
                if value(shape):
                    return hint_line(mistake)
            elif _shape_fits(shape, tuple(value)):
                return hint_line(mistake)
        if "transposed" not in named and _reversed_shape(shape, expected):
            return hint_line("transposed")
    except Exception:  # never break the message
        return None
    return None


def _fires(
    recogniser: Recogniser, got: np.ndarray, want: np.ndarray, tol: Tolerance
) -> dict[str, str] | None:
    try:
        if _close(got, want, tol):
            return None
        with _errstate(all="ignore"):
            return recogniser(got, want, tol)
    except Exception:  # a failing recogniser means no hint
        return None


def _named_fires(
    mistake: str, value: Any, got: np.ndarray, want: np.ndarray, tol: Tolerance
) -> dict[str, str] | None:
    try:
        if value is None:
            return _fires(RECOGNISERS[mistake], got, want, tol)
        if callable(value):
            return {} if value(got.copy()) else None
        wrong = _float(value)
        return {} if _close(got, wrong, tol) else None
    except Exception:  # a failing recogniser or an odd value means no hint
        return None


def _shape_fits(shape: tuple[int, ...], pattern: tuple[Any, ...]) -> bool:
    return len(shape) == len(pattern) and all(
        p is None or int(p) == s for s, p in zip(shape, pattern, strict=True)
    )


def _reversed_shape(shape: tuple[int, ...], expected: tuple[int | None, ...]) -> bool:
    return (
        len(shape) >= 2 and _shape_fits(shape[::-1], expected) and not _shape_fits(shape, expected)
    )


def _one_off_axis(shape: tuple[int, ...], expected: tuple[int | None, ...]) -> int | None:
    if len(shape) != len(expected):
        return None
    differing = [
        a for a, (s, e) in enumerate(zip(shape, expected, strict=True)) if e is not None and s != e
    ]
    if len(differing) == 1 and abs(shape[differing[0]] - int(expected[differing[0]])) == 1:
        return differing[0]
    return None
