"""dlcourse.hints: the catalogue of likely mistakes, its recognisers, and the hint line of
a failing check."""

from __future__ import annotations

import ast
import re
import time
from pathlib import Path

import nbformat
import numpy as np
import pytest

from dlcourse import hints
from dlcourse.checks import CheckError, check_close, check_gradient, check_shape
from dlcourse.hints import GENERIC, MISTAKES, RECOGNISERS, Tolerance

REPOSITORY = Path(__file__).resolve().parents[2]
TOL = Tolerance(1e-6, 1e-8)
rng = np.random.default_rng(0)


def softmax(z, axis=-1):
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def fires(mistake: str, got, want, tol: Tolerance = TOL):
    """What the recogniser of ``mistake`` says, through the same guard the checks use."""
    return hints._fires(RECOGNISERS[mistake], np.asarray(got, float), np.asarray(want, float), tol)


def hint_of(check, *args, **kwargs) -> str | None:
    """The "Likely mistake" line of a failing check, or None when it has none."""
    with pytest.raises(CheckError) as info:
        check(*args, **kwargs)
    last = str(info.value).splitlines()[-1]
    return last if last.startswith("Likely mistake: ") else None


# --------------------------------------------------------------------------------------
# The catalogue


def test_every_entry_is_one_sentence():
    for mistake, sentence in MISTAKES.items():
        assert re.fullmatch(r"[a-z_]+", mistake), mistake
        assert sentence[0].islower() and sentence.endswith("."), mistake
        named, _, look_at = re.split(r"(: |; )", sentence, maxsplit=1)
        assert named and look_at, f"{mistake}: name the mistake, then what to look at"
        assert sentence.count(". ") == 0, f"{mistake}: one sentence"
        assert len(sentence) <= 220, mistake
        hints.hint_line(mistake, axis="0", factor="2.0")  # every field it uses is known


def test_ids_the_lessons_use_are_in_the_catalogue():
    lessons_use = (
        "transposed wrong_axis sample_std sum_for_mean missing_minus off_by_one_window "
        "logits_as_probabilities missing_bias reversed no_stabilisation in_place "
        "learning_rate_scale missing_epsilon no_bias_correction loss_history_off "
        "activation_derivative forward_difference difference_not_halved entry_not_restored "
        "perturbed_together relative_error_denominator dropout_not_scaled dropout_wrong_scale "
        "dropout_at_inference rate_as_keep_probability dropout_shared_mask rng_not_used "
        "variance_ddof epsilon_outside_sqrt running_stats_at_inference momentum_reversed "
        "batch_stats_at_inference no_skip_connection skip_after_activation reserved_indices "
        "ties_not_alphabetical document_frequency padding_side unknown_token"
    )
    assert set(lessons_use.split()) <= set(MISTAKES)


def test_recognisers_and_generic_ids_are_catalogue_ids():
    assert set(RECOGNISERS) <= set(MISTAKES)
    assert set(GENERIC) <= set(RECOGNISERS)


def _mistake_ids_in_code(source: str) -> set[str]:
    """The keys of every ``mistakes={...}`` / ``mistakes=dict(...)`` in a cell's code."""
    code = "\n".join(
        "" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()
    )
    found: set[str] = set()
    try:
        tree = ast.parse(code)
    except SyntaxError:  # a cell that is not plain Python: read the keys off the text
        for block in re.findall(r"mistakes\s*=\s*(\{[^}]*\}|dict\([^)]*\))", source):
            found |= set(re.findall(r"[\"']([a-z_]+)[\"']\s*:", block))
            found |= set(re.findall(r"\b([a-z_]+)\s*=", block[5:]))
        return found
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg == "mistakes":
            value = node.value
            if isinstance(value, ast.Dict):
                found |= {
                    key.value
                    for key in value.keys
                    if isinstance(key, ast.Constant) and isinstance(key.value, str)
                }
            elif isinstance(value, ast.Call) and getattr(value.func, "id", "") == "dict":
                found |= {kw.arg for kw in value.keywords if kw.arg}
    return found


def test_mistake_ids_found_in_code():
    assert _mistake_ids_in_code(
        'check_close("x", a, b, mistakes={"transposed": None, "sample_std": v})\n'
        "check_shape('y', a, (2,), mistakes=dict(wrong_axis=(3,)))"
    ) == {"transposed", "sample_std", "wrong_axis"}
    assert _mistake_ids_in_code('%time x\ncheck_close(1, 2, 3, mistakes={"reversed": 1})') == {
        "reversed"
    }


def test_every_mistake_id_in_the_lessons_exists():
    """Every key of a ``mistakes=`` in source/*/*.ipynb, and every ``# mistake: <id>`` line
    of a mutant case, is a catalogue id."""
    used: dict[str, str] = {}
    for path in sorted(REPOSITORY.glob("source/*/*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type == "code" and "mistakes" in cell.source:
                for mistake in _mistake_ids_in_code(cell.source):
                    used.setdefault(mistake, f"{path.relative_to(REPOSITORY)} cell {index}")
    for path in sorted(REPOSITORY.glob("tests/notebooks/cases/*/*/*.py")):
        first = path.read_text().splitlines()[:1]
        match = re.match(r"#\s*mistake:\s*(\S+)", first[0]) if first else None
        if match:
            used.setdefault(match.group(1), str(path.relative_to(REPOSITORY)))
    unknown = {mistake: where for mistake, where in used.items() if mistake not in MISTAKES}
    assert not unknown, f"mistake ids not in dlcourse.hints.MISTAKES: {unknown}"


# --------------------------------------------------------------------------------------
# Each recogniser: fires on its mistake, quiet on a right answer and on noise

W = rng.normal(size=(4, 4))
V = rng.normal(size=7)
Z = rng.normal(size=(5, 3))
P = softmax(Z)
STD_DATA = rng.normal(size=(10, 3))

MISTAKE_EXAMPLES = {
    "transposed": (W.T, W),
    "sign_flipped": (-V, V),
    "missing_minus": (-V, V),
    "scaled": (2 * W, W),
    "sample_std": (STD_DATA.std(axis=0, ddof=1), STD_DATA.std(axis=0)),
    "sum_for_mean": (STD_DATA.sum(axis=0), STD_DATA.mean(axis=0)),
    "off_by_one": (np.r_[0.0, V[:-1]], V),
    "off_by_one_window": (V[1:], V),
    "loss_history_off": (V[:-1], V),
    "reversed": (V[::-1], V),
    "wrong_axis": (softmax(Z, axis=0), P),
    "logits_as_probabilities": (Z, P),
    "probabilities_as_logits": (P, Z),
    "integer_truncation": (np.trunc(10 * W), 10 * W),
    "no_stabilisation": (np.where(V > 0, np.nan, V), V),
    "missing_epsilon": (np.r_[np.nan, V[1:]], V),
}


def test_every_recogniser_has_an_example():
    assert set(MISTAKE_EXAMPLES) == set(RECOGNISERS)


@pytest.mark.parametrize("mistake", sorted(RECOGNISERS))
def test_recogniser_fires_on_its_mistake(mistake):
    got, want = MISTAKE_EXAMPLES[mistake]
    assert fires(mistake, got, want) is not None


NOISE_SHAPES = [(), (1,), (7,), (4, 4), (5, 3), (2, 3, 3)]


@pytest.mark.parametrize("mistake", sorted(RECOGNISERS))
def test_recogniser_is_quiet_on_a_right_answer(mistake):
    for shape in NOISE_SHAPES:
        want = rng.normal(size=shape)
        assert fires(mistake, want, want) is None
        assert fires(mistake, want * (1 + 1e-9), want) is None  # within the tolerance
    _, want = MISTAKE_EXAMPLES[mistake]
    assert fires(mistake, want.copy(), want) is None


@pytest.mark.parametrize(
    "mistake", sorted(set(RECOGNISERS) - {"no_stabilisation", "missing_epsilon"})
)
def test_recogniser_is_quiet_on_noise(mistake):
    noise = np.random.default_rng(1)
    for shape in NOISE_SHAPES:
        for _ in range(20):
            got, want = noise.normal(size=shape), noise.normal(size=shape)
            assert fires(mistake, got, want) is None, (shape, got, want)
            if len(shape) == 2:  # probabilities against other probabilities
                assert fires(mistake, softmax(got), softmax(want)) is None
            # a different length
            if len(shape) == 1 and shape[0] > 2:
                assert fires(mistake, got[1:], want) is None


@pytest.mark.parametrize("mistake", ["no_stabilisation", "missing_epsilon"])
def test_non_finite_recognisers_need_a_non_finite_answer(mistake):
    assert fires(mistake, V + 1, V) is None
    assert fires(mistake, np.full(3, np.inf), np.full(3, np.inf)) is None


@pytest.mark.parametrize("mistake", sorted(RECOGNISERS))
def test_recognisers_never_raise(mistake):
    odd = [
        (np.zeros(0), np.zeros(0)),
        (np.zeros((0, 3)), np.zeros((3, 0))),
        (np.array(np.nan), np.array(1.0)),
        (np.full((2, 2), np.inf), np.ones((2, 2))),
        (np.ones((2, 2)), np.zeros((2, 2))),
        (np.ones(3), np.ones((3, 1))),
        (np.ones((2, 3, 4)), np.ones(5)),
    ]
    for got, want in odd:
        fires(mistake, got, want)  # must not raise
    assert hints.likely_mistake("not a number", [1.0]) is None


def test_scaled_says_the_factor_and_sample_std_only_when_asked():
    got, want = MISTAKE_EXAMPLES["sample_std"]
    assert hints.likely_mistake(2 * V, V) == "Likely mistake: " + MISTAKES["scaled"].format(
        factor="2.0"
    )
    assert "about 1.05 times the expected value" in hints.likely_mistake(got, want)
    named = hints.likely_mistake(got, want, mistakes={"sample_std": None})
    assert named == "Likely mistake: " + MISTAKES["sample_std"]
    # A single number is "scaled" only by a whole factor.
    assert hints.likely_mistake(2.0, 1.0) is not None
    assert hints.likely_mistake(1.7, 1.0) is None


def test_recognisers_are_cheap_on_a_million_elements():
    big = np.random.default_rng(2).normal(size=(1000, 1000))
    noise = np.random.default_rng(3).normal(size=(1000, 1000))
    start = time.perf_counter()
    assert hints.likely_mistake(noise, big, mistakes={"sample_std": None}) is None
    assert hints.likely_mistake(big.T, big) is not None
    elapsed = time.perf_counter() - start
    assert elapsed < 10, elapsed  # about 0.3 s on a quiet laptop; generous for a busy CI


# --------------------------------------------------------------------------------------
# The hint line in the checks' messages


def test_check_close_ends_with_the_hint_of_a_named_mistake():
    X = STD_DATA
    expected = (X - X.mean(axis=0)) / X.std(axis=0)
    wrong = (X - X.mean(axis=0)) / X.std(axis=0, ddof=1)
    assert hint_of(
        check_close, "standardise(X)", wrong, expected, mistakes={"sample_std": wrong}
    ) == ("Likely mistake: " + MISTAKES["sample_std"])
    assert hint_of(
        check_close, "standardise(X)", wrong, expected, mistakes={"sample_std": None}
    ) == ("Likely mistake: " + MISTAKES["sample_std"])
    # A predicate on the answer.
    assert hint_of(
        check_close, "x", V + 3, V, mistakes={"missing_bias": lambda got: got[0] == V[0] + 3}
    ) == ("Likely mistake: " + MISTAKES["missing_bias"])


def test_check_close_generic_hints():
    assert "looks transposed" in hint_of(check_close, "W", W.T, W)
    assert "looks transposed" in hint_of(check_close, "Z", Z.T, Z)  # at the shape stage
    assert "opposite sign" in hint_of(check_close, "g", -V, V)
    assert "reversed along axis 1" in hint_of(check_close, "x", Z[:, ::-1], Z)
    assert "shifted by one along axis 0" in hint_of(check_close, "x", V[1:], V)
    assert "about 0.5 times" in hint_of(check_close, "x", W / 2, W)
    assert hint_of(check_close, "x", rng.normal(size=7), V) is None


def test_check_close_hint_at_the_nan_stage():
    naive = np.array([np.nan, 1.0])
    message = hint_of(
        check_close, "softmax", naive, [0.5, 1.0], mistakes={"no_stabilisation": naive}
    )
    assert message == "Likely mistake: " + MISTAKES["no_stabilisation"]


def test_mistakes_must_be_catalogue_ids():
    with pytest.raises(KeyError, match="unknown mistake id 'transpose'"):
        check_close("x", V, V, mistakes={"transpose": None})
    with pytest.raises(KeyError):
        check_shape("x", V, (7,), mistakes={"nope": (3,)})
    with pytest.raises(ValueError, match="has no recogniser"):
        check_close("x", V, V, mistakes={"in_place": None})


def test_check_shape_hints():
    assert "looks transposed" in hint_of(check_shape, "W", np.ones((3, 2)), (2, 3))
    assert hint_of(check_shape, "m", np.ones(3), (4,), mistakes={"wrong_axis": (3,)}) == (
        "Likely mistake: " + MISTAKES["wrong_axis"]
    )
    assert hint_of(check_shape, "w", np.ones((5, 3)), (6, 3), mistakes={"off_by_one_window": None})
    assert hint_of(check_shape, "m", np.ones(3), (5,), mistakes={"wrong_axis": (4,)}) is None


def test_check_gradient_hints():
    x = rng.normal(size=(3, 2))

    def f(v):
        return float((v**2).sum())

    assert "opposite sign" in hint_of(check_gradient, f, x, -2 * x)
    assert "about 4.0 times" in hint_of(check_gradient, f, x, 8 * x)
    assert hint_of(check_gradient, f, x, 2 * x + 1, mistakes={"missing_bias": 2 * x + 1})
    big = rng.normal(size=(20, 20))  # sampled entries: element-wise recognisers only
    assert "opposite sign" in hint_of(check_gradient, f, big, -2 * big)
