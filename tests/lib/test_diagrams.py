"""Tests of dlcourse.diagrams: what each diagram writes, that its numbers are right, that
its texts do not overlap, and that bad arguments are refused with a clear message."""

from __future__ import annotations

import ast
import io
import itertools
import math
import re
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import pytest
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.text import Annotation, Text

import dlcourse
from dlcourse import diagrams

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _no_figure_left_open():
    """Each test closes the figures it made, and makes sure no other stays open."""
    before = plt.get_fignums()
    yield
    for number in set(plt.get_fignums()) - set(before):
        plt.close(number)
    assert plt.get_fignums() == before


def texts(fig: Figure) -> list[str]:
    """Every non-empty string drawn on the figure."""
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def joined(fig: Figure) -> str:
    return "\n".join(texts(fig))


def numbers_after(fig: Figure, prefix: str) -> list[float]:
    """The numbers printed as ``= value`` in the text that starts with ``prefix``."""
    found = [t for t in texts(fig) if t.startswith(prefix)]
    assert len(found) == 1, (prefix, texts(fig))
    return [float(v.replace("\u2212", "-")) for v in re.findall(r"= (-?[\d.e+-]+)\$", found[0])]


def arrows(fig: Figure) -> list[Annotation]:
    return [t for ax in fig.axes for t in ax.texts if isinstance(t, Annotation)]


def assert_readable(fig: Figure) -> None:
    """The figure renders, no two texts overlap, and every text lies inside the figure."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=60)
    assert buffer.getvalue().startswith(b"\x89PNG")
    renderer = fig.canvas.get_renderer()
    drawn = [t for ax in fig.axes for t in [*ax.texts, ax.title] if t.get_text().strip()]
    boxes = [(t.get_text(), t.get_window_extent(renderer).expanded(0.98, 0.95)) for t in drawn]
    whole = fig.bbox
    for text, box in boxes:
        assert (
            box.x0 >= whole.x0 - 1
            and box.y0 >= whole.y0 - 1
            and box.x1 <= whole.x1 + 1
            and box.y1 <= whole.y1 + 1
        ), f"{text!r} is cut off at the figure's edge"
    for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2):
        assert not box_a.overlaps(box_b), f"{a!r} overlaps {b!r}"


def test_assert_readable_catches_overlapping_and_cut_off_texts():
    fig, ax = plt.subplots(figsize=(4, 2))
    ax.text(0.5, 0.5, "one label")
    ax.text(0.52, 0.5, "another label")
    with pytest.raises(AssertionError, match="overlaps"):
        assert_readable(fig)
    fig, ax = plt.subplots(figsize=(4, 2))
    ax.text(0.9, 0.5, "a label much too long to fit")
    with pytest.raises(AssertionError, match="cut off"):
        assert_readable(fig)


def test_module_imports_neither_tensorflow_nor_keras():
    tree = ast.parse(Path(diagrams.__file__).read_text())
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    top = {name.split(".")[0] for name in imported if name}
    assert not top & {"tensorflow", "keras", "graphviz"}


def test_package_exposes_the_module():
    assert dlcourse.diagrams is diagrams
    assert "diagrams" in dlcourse.__all__
    assert set(diagrams.__all__) <= set(dir(diagrams))


# ---------------------------------------------------------------------- dense_layer


def test_dense_layer_draws_inputs_units_weights_and_matrix_form():
    fig = diagrams.dense_layer()
    assert isinstance(fig, Figure)
    drawn = texts(fig)
    for i in (1, 2, 3):
        assert f"$x_{{{i}}}$" in drawn
    for j in (1, 2):
        assert f"$b_{{{j}}}$" in drawn
        assert f"$a_{{{j}}}$" in drawn
        assert any(f"z_{{{j}}} = \\sum_i w_{{i{j}}} x_i + b_{{{j}}}" in t for t in drawn)
        assert any(f"a_{{{j}}} = g(z_{{{j}}})" in t for t in drawn)
    assert {"$w_{11}$", "$w_{21}$", "$w_{31}$", "$w_{32}$"} <= set(drawn)
    assert "$\\mathbf{a} = g(\\mathbf{x}\\,W + \\mathbf{b})$" in drawn
    assert "$(1, 3)$ @ $(3, 2)$ + $(2,)$ $\\to$ $(1, 2)$" in drawn
    assert "x: 3 inputs, W: 6 weights, b: 2 biases" in drawn
    assert fig.axes[0].get_title() == "A dense layer: 3 inputs, 2 units"
    # one arrow per (input, unit) pair, and each unit's bias and output arrows
    assert len(arrows(fig)) == 3 * 2 + 2 * 2
    assert_readable(fig)


@pytest.mark.parametrize(("n", "m"), [(1, 1), (5, 3), (8, 4), (2, 4)])
def test_dense_layer_other_sizes_are_readable(n, m):
    fig = diagrams.dense_layer(n, m)
    drawn = texts(fig)
    assert f"$x_{{{n}}}$" in drawn and f"$a_{{{m}}}$" in drawn
    assert f"$(1, {n})$ @ $({n}, {m})$ + $({m},)$ $\\to$ $(1, {m})$" in drawn
    if n == m == 1:
        assert "x: 1 input, W: 1 weight, b: 1 bias" in drawn
        assert fig.axes[0].get_title() == "A dense layer: 1 input, 1 unit"
    assert_readable(fig)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_inputs": 0}, "n_inputs must be at least 1, got 0"),
        ({"n_units": -2}, "n_units must be at least 1, got -2"),
        ({"n_inputs": 2.5}, "n_inputs must be an integer"),
        ({"n_units": True}, "n_units must be an integer"),
        ({"n_inputs": 9}, "n_inputs must be at most 8"),
        ({"n_units": 5}, "n_units must be at most 4"),
    ],
)
def test_dense_layer_refuses_bad_counts(kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        diagrams.dense_layer(**kwargs)


def test_dense_layer_draws_into_a_given_axes_and_takes_a_title():
    fig, ax = plt.subplots(figsize=(5, 3))
    assert diagrams.dense_layer(2, 1, ax=ax, title="one neuron") is fig
    assert ax.get_title() == "one neuron"
    assert tuple(fig.get_size_inches()) == (5, 3)
    plt.close(fig)


# -------------------------------------------------------------- computational_graph


def bce(a: float, y: float) -> float:
    return -(y * math.log(a) + (1 - y) * math.log(1 - a))


def test_computational_graph_symbols():
    fig = diagrams.computational_graph()
    drawn = joined(fig)
    for label in (
        "$z = w\\,x + b$",
        "$a = \\sigma(z)$",
        "$L = \\mathrm{bce}(a, y)$",
        "\\partial L / \\partial z = \\partial L / \\partial a \\cdot \\partial a / \\partial z",
        "= a - y",
        "\\partial L / \\partial w = \\partial L / \\partial z \\cdot x",
        "\\partial L / \\partial x = \\partial L / \\partial z \\cdot w",
        "\\partial L / \\partial b = \\partial L / \\partial z$",
        "(a - y)\\,/\\,(a\\,(1 - a))",
        "forward: values",
    ):
        assert label in drawn
    assert not re.search(r"= -?\d", drawn)  # no numbers without inputs
    assert_readable(fig)


def test_computational_graph_numbers_by_hand():
    # z = 0.5 * 2 - 1 = 0, a = sigmoid(0) = 1/2, L = -log(1/2) = log 2,
    # dL/da = (a - y) / (a (1 - a)) = -0.5 / 0.25 = -2, dL/dz = a - y = -0.5,
    # dL/dw = dL/dz * x = -1, dL/dx = dL/dz * w = -0.25, dL/db = dL/dz = -0.5.
    fig = diagrams.computational_graph(x=2.0, w=0.5, b=-1.0, y=1.0)
    assert numbers_after(fig, "$L = ") == [pytest.approx(math.log(2), abs=5e-5)]
    assert numbers_after(fig, "$z$") == [0.0]
    assert numbers_after(fig, "$a$") == [0.5]
    assert numbers_after(fig, "$\\partial L / \\partial a$") == [-2.0]
    assert numbers_after(fig, "$\\partial L / \\partial z") == [-0.5]
    assert numbers_after(fig, "$\\partial L / \\partial w") == [-1.0]
    assert numbers_after(fig, "$\\partial L / \\partial x") == [-0.25]
    assert numbers_after(fig, "$\\partial L / \\partial b") == [-0.5]
    drawn = texts(fig)
    for leaf in ("$x = 2$", "$w = 0.5$", "$b = -1$", "$y = 1$"):
        assert leaf in drawn
    assert_readable(fig)


@pytest.mark.parametrize(
    ("x", "w", "b", "y"), [(-1.2345, 3.21, 0.123, 0), (0.7, -0.3, 0.25, 1), (3.0, 1.5, -2.0, 0.3)]
)
def test_computational_graph_numbers_match_finite_differences(x, w, b, y):
    def loss(x, w, b):
        return bce(1 / (1 + math.exp(-(w * x + b))), y)

    z = w * x + b
    a = 1 / (1 + math.exp(-z))
    h = 1e-6
    want = {
        "$z$": z,
        "$a$": a,
        "$L = ": loss(x, w, b),
        "$\\partial L / \\partial a$": (bce(a + h, y) - bce(a - h, y)) / (2 * h),
        "$\\partial L / \\partial z": (bce(1 / (1 + math.exp(-z - h)), y) - bce(a, y)) / h,
        "$\\partial L / \\partial w": (loss(x, w + h, b) - loss(x, w - h, b)) / (2 * h),
        "$\\partial L / \\partial x": (loss(x + h, w, b) - loss(x - h, w, b)) / (2 * h),
        "$\\partial L / \\partial b": (loss(x, w, b + h) - loss(x, w, b - h)) / (2 * h),
    }
    fig = diagrams.computational_graph(x=x, w=w, b=b, y=y)
    for prefix, expected in want.items():
        (got,) = numbers_after(fig, prefix)
        assert got == pytest.approx(expected, rel=1e-3, abs=1e-4), prefix
    assert_readable(fig)


def test_computational_graph_stays_finite_for_a_saturated_sigmoid():
    values = diagrams._logistic_chain(x=1.0, w=40.0, b=0.0, y=0.0)
    assert values["L"] == pytest.approx(40.0)
    assert values["dL/dz"] == pytest.approx(1.0)
    diagrams.computational_graph(x=1.0, w=40.0, b=0.0, y=0.0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"x": 1.0},
            "give all of x, w, b, y to print numbers, or none for symbols only; missing: w, b, y",
        ),
        ({"x": 1.0, "w": 2.0, "b": 0.0, "y": 2.0}, "y must be a label in [0, 1], got 2"),
        ({"x": "one", "w": 2.0, "b": 0.0, "y": 1.0}, "x must be a number, got 'one'"),
        ({"x": 1.0, "w": math.nan, "b": 0.0, "y": 1.0}, "w must be a finite number"),
    ],
)
def test_computational_graph_refuses_bad_numbers(kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        diagrams.computational_graph(**kwargs)


# --------------------------------------------------------------- convolution_window


def output_size(fig: Figure) -> int:
    (formula,) = [t for t in texts(fig) if t.startswith("output size")]
    size = int(re.search(r"= (\d+)\$$", formula).group(1))
    assert f"output {size}x{size}" in joined(fig)
    return size


def window(fig: Figure) -> Rectangle:
    (found,) = [p for p in fig.axes[0].patches if isinstance(p, Rectangle) and p.get_width() > 1]
    return found


@pytest.mark.parametrize(
    ("kwargs", "size", "zeros"),
    [
        ({}, 3, 0),  # floor((5 - 3) / 1) + 1
        ({"padding": "same"}, 5, 7**2 - 5**2),  # one zero on each side: 7x7 minus 5x5
        ({"stride": 2}, 2, 0),  # floor((5 - 3) / 2) + 1
        ({"stride": 2, "padding": "same"}, 3, 7**2 - 5**2),  # ceil(5 / 2), one zero on each side
        ({"input_size": 7, "stride": 2}, 3, 0),
        ({"input_size": 6, "kernel_size": 4, "padding": "same"}, 6, 9**2 - 6**2),  # 1 + 2
        ({"padding": 2}, 7, 9**2 - 5**2),  # floor((5 + 4 - 3) / 1) + 1
        ({"input_size": 4, "kernel_size": 4}, 1, 0),
        ({"input_size": 1, "kernel_size": 1}, 1, 0),
    ],
)
def test_convolution_window_output_size(kwargs, size, zeros):
    fig = diagrams.convolution_window(**kwargs)
    assert isinstance(fig, Figure)
    assert output_size(fig) == size
    assert texts(fig).count("0") == zeros
    assert_readable(fig)


def test_convolution_window_highlights_the_window_and_its_output_cell():
    fig = diagrams.convolution_window(7, 3, stride=2, position=(1, 2))
    box = window(fig)
    assert (box.get_x(), box.get_width(), box.get_height()) == (4, 3, 3)  # column 2 * stride 2
    ax = fig.axes[0]
    orange = matplotlib.colors.to_rgba(diagrams.PALETTE["highlight"])[:3]
    cells = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_width() == 1]
    chosen = [p for p in cells if p.get_facecolor()[:3] == orange and p.get_alpha() == 0.9]
    assert len(chosen) == 1
    assert len(cells) == 7 * 7 + 3 * 3 + 3 * 3
    drawn = joined(fig)
    assert "cell (1, 2)" in drawn and "kernel 3x3" in drawn and "input 7x7" in drawn
    assert "\\lfloor (7 + 2 \\cdot 0 - 3) / 2 \\rfloor + 1 = 3" in drawn
    assert ax.get_title() == "3x3 kernel on a 7x7 input, stride 2, padding 'valid'"


def test_convolution_window_same_padding_names_its_zeros():
    drawn = joined(diagrams.convolution_window(6, 4, padding="same", position=(5, 5)))
    assert "+ zero padding 1 before, 2 after" in drawn
    assert "(6 + 1 + 2 - 4) / 1" in drawn
    assert "+ zero padding 1" in joined(diagrams.convolution_window(padding="same"))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kernel_size": 6}, "the kernel (6x6) is larger than the input (5x5)"),
        ({"input_size": 3, "kernel_size": 5, "padding": "same"}, "larger than the input (3x3)"),
        ({"position": (3, 0)}, "position (3, 0) is outside the 3x3 output: row and column"),
        ({"position": (0, -1)}, "position (0, -1) is outside the 3x3 output"),
        ({"stride": 2, "position": (0, 2)}, "position (0, 2) is outside the 2x2 output"),
        ({"position": (1,)}, "position must be a (row, column) pair of ints"),
        ({"position": (0.0, 1)}, "position must be a (row, column) pair of ints"),
        ({"input_size": 0}, "input_size must be at least 1, got 0"),
        ({"kernel_size": 0}, "kernel_size must be at least 1, got 0"),
        ({"stride": 0}, "stride must be at least 1, got 0"),
        ({"input_size": 13}, "input_size must be at most 12"),
        ({"padding": "full"}, 'padding must be "valid", "same" or an integer >= 0'),
        ({"padding": -1}, 'padding must be "valid", "same" or an integer >= 0, got -1'),
    ],
)
def test_convolution_window_refuses_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        diagrams.convolution_window(**kwargs)


# ------------------------------------------------------------------------ lstm_cell


def test_lstm_cell_draws_the_state_the_gates_and_the_equations():
    fig = diagrams.lstm_cell()
    assert isinstance(fig, Figure)
    drawn = texts(fig)
    for label in ("$c_{t-1}$", "$c_t$", "$h_{t-1}$", "$x_t$", "$h_t$", "$[h_{t-1}, x_t]$"):
        assert label in drawn
    for label in ("$f_t$", "$i_t$", "$g_t$", "$o_t$"):
        assert label in drawn
    gates = sorted(t for t in drawn if "\n" in t and not t.startswith("$c_t"))
    assert gates == sorted(
        ["$\\sigma$\nforget", "$\\sigma$\ninput", "tanh\ncandidate", "$\\sigma$\noutput"]
    )
    assert drawn.count("$\\times$") == 3 and drawn.count("$+$") == 1
    assert "tanh" in drawn
    equations = joined(fig)
    assert "$c_t = f_t \\odot c_{t-1} + i_t \\odot g_t$" in equations
    assert "$h_t = o_t \\odot \\tanh(c_t)$" in equations
    assert fig.axes[0].get_title() == "An LSTM cell"
    assert_readable(fig)


# ------------------------------------------------------------------------ vae, gan


def test_vae_draws_the_reparameterisation_and_the_loss():
    fig = diagrams.vae()
    assert isinstance(fig, Figure)
    drawn = texts(fig)
    for label in (
        "$x$",
        "encoder",
        "$\\mu$",
        "$\\log \\sigma^2$",
        "$z = \\mu + \\sigma \\odot \\epsilon$",
        "$\\epsilon \\sim \\mathcal{N}(0, I)$",
        "decoder",
        "$\\hat{x}$",
    ):
        assert label in drawn
    everything = joined(fig)
    assert "reconstruction $\\|x - \\hat{x}\\|^2$ $+$" in everything
    assert "\\mathrm{KL}(\\mathcal{N}(\\mu, \\sigma^2)\\,\\|\\,\\mathcal{N}(0, I))" in everything
    assert "1 + \\log \\sigma_j^2 - \\mu_j^2 - \\sigma_j^2" in everything
    assert fig.axes[0].get_title() == "A variational autoencoder (VAE)"
    assert len(arrows(fig)) == 8
    assert_readable(fig)


def test_gan_draws_both_networks_and_both_losses():
    fig = diagrams.gan()
    assert isinstance(fig, Figure)
    drawn = texts(fig)
    for label in (
        "$z \\sim \\mathcal{N}(0, I)$",
        "generator\n$G$",
        "fake $G(z)$",
        "real data $x$",
        "discriminator\n$D$",
        "$D(\\cdot)$ = P(real)",
    ):
        assert label in drawn
    assert "discriminator loss $= -\\log D(x) - \\log(1 - D(G(z)))$" in drawn
    assert "generator loss $= -\\log D(G(z))$" in drawn
    assert fig.axes[0].get_title() == "A generative adversarial network (GAN)"
    assert len(arrows(fig)) == 5
    assert_readable(fig)


# ------------------------------------------------------------------- all diagrams


ALL = {
    "dense_layer": {},
    "computational_graph": {},
    "convolution_window": {},
    "lstm_cell": {},
    "vae": {},
    "gan": {},
}


def test_every_public_function_is_covered():
    assert set(diagrams.__all__) - {"PALETTE"} == set(ALL)


@pytest.mark.parametrize("name", sorted(ALL))
def test_each_diagram_is_one_small_figure_that_closes(name):
    before = plt.get_fignums()
    fig = getattr(diagrams, name)(**ALL[name])
    assert len(plt.get_fignums()) == len(before) + 1
    width, height = fig.get_size_inches()
    assert width <= 8.5 and 3 <= height <= 4.5
    assert len(fig.axes) == 1
    plt.close(fig)
    assert plt.get_fignums() == before


@pytest.mark.parametrize("name", sorted(ALL))
def test_each_diagram_takes_an_axes_and_a_title(name):
    fig, ax = plt.subplots(figsize=(6, 3))
    assert getattr(diagrams, name)(ax=ax, title="mine") is fig
    assert ax.get_title() == "mine"
    assert tuple(fig.get_size_inches()) == (6, 3)
    plt.close(fig)


@pytest.mark.parametrize("name", sorted(ALL))
def test_each_diagram_fills_only_with_the_palette(name):
    fig = getattr(diagrams, name)()
    palette = {matplotlib.colors.to_rgb(c) for c in diagrams.PALETTE.values()}
    palette |= {matplotlib.colors.to_rgb(c) for c in ("white", "#f7f7f7")}
    for patch in fig.axes[0].patches:
        assert matplotlib.colors.to_rgb(patch.get_facecolor()) in palette, patch


def test_palette_cannot_be_changed_by_accident():
    with pytest.raises(TypeError):
        diagrams.PALETTE["forward"] = "green"  # type: ignore[index]
