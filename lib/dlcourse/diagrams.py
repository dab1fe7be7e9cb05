"""Explanatory diagrams the lessons show: a dense layer, the chain rule on a small graph,
a convolution window, an LSTM cell, and the VAE and GAN set-ups.

Each function draws one small figure with matplotlib only (no graphviz, no image files)
and returns the :class:`~matplotlib.figure.Figure` it drew on, as :mod:`dlcourse.plots`
does: it never calls ``plt.show()``, a figure it creates itself comes from
``plt.subplots`` so notebooks show it inline, and a trailing ``;`` keeps Jupyter from
showing it twice::

    from dlcourse import diagrams
    diagrams.dense_layer(n_inputs=3, n_units=2);

Each also takes ``ax`` to draw into an Axes of your own (it then leaves that figure's size
and layout alone) and ``title``. Every diagram uses the colours of :data:`PALETTE`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyBboxPatch, Patch, Polygon, Rectangle

from dlcourse.plots import _figure_and_axes

__all__ = [
    "PALETTE",
    "computational_graph",
    "convolution_window",
    "dense_layer",
    "gan",
    "lstm_cell",
    "vae",
]

# The colours of every diagram: fills of the kinds of boxes, and the two arrow colours of
# the chain rule (forward values, backward gradients).
PALETTE: Mapping[str, str] = MappingProxyType(
    {
        "input": "#dbe9f6",  # inputs and data (light blue)
        "unit": "#fde7c8",  # units, layers, networks (light orange)
        "operation": "#eeeeee",  # element-wise operations (light grey)
        "gate": "#e3d7ef",  # LSTM gates (light purple)
        "noise": "#d9efd5",  # random draws (light green)
        "loss": "#f9d6d5",  # losses and outputs (light red)
        "highlight": "#f28e2b",  # what the figure points at (orange)
        "padding": "#d0d0d0",  # zero padding (grey)
        "edge": "#4d4d4d",  # lines, outlines and plain arrows (dark grey)
        "forward": "#1f77b4",  # forward pass: values (blue)
        "backward": "#d62728",  # backward pass: gradients (red)
        "muted": "#6b6b6b",  # side notes (grey)
    }
)

FONT_SIZE = 11  # text in boxes and on arrows
NOTE_SIZE = 9.5  # side notes and edge labels
TITLE_SIZE = 12


# --------------------------------------------------------------------------- helpers


def _canvas(
    ax: Axes | None, width: float, height: float, figsize: tuple[float, float]
) -> tuple[Figure, Axes]:
    """A figure and an Axes whose data coordinates run 0..width by 0..height, equal
    aspect, no axis: the drawing board of every diagram."""
    fig, ax = _figure_and_axes(ax, figsize)
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return fig, ax


def _title(ax: Axes, title: str | None, default: str) -> None:
    ax.set_title(default if title is None else title, fontsize=TITLE_SIZE)


def _box(
    ax: Axes,
    x: float,
    y: float,
    text: str,
    *,
    width: float,
    height: float,
    colour: str,
    fontsize: float = FONT_SIZE,
) -> FancyBboxPatch:
    """A rounded box centred on (x, y) with its text in the middle."""
    pad = min(0.15, width / 4, height / 4)
    patch = FancyBboxPatch(
        (x - width / 2 + pad, y - height / 2 + pad),
        width - 2 * pad,
        height - 2 * pad,
        boxstyle=f"round,pad={pad}",
        facecolor=colour,
        edgecolor=PALETTE["edge"],
        linewidth=1.2,
    )
    ax.add_patch(patch)
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize)
    return patch


def _circle(
    ax: Axes,
    x: float,
    y: float,
    radius: float,
    text: str,
    *,
    colour: str,
    fontsize: float = FONT_SIZE,
) -> Circle:
    patch = Circle(
        (x, y), radius, facecolor=colour, edgecolor=PALETTE["edge"], linewidth=1.2, zorder=2
    )
    ax.add_patch(patch)
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, zorder=3)
    return patch


def _block(
    ax: Axes, x: float, y: float, text: str, *, width: float, height: float, narrowing: str
) -> Polygon:
    """A network drawn as a trapezoid: ``narrowing="right"`` for an encoder (wide input,
    small output), ``"left"`` for a decoder or generator."""
    left, right = x - width / 2, x + width / 2
    tall, short = height / 2, height / 4
    left_half, right_half = (tall, short) if narrowing == "right" else (short, tall)
    patch = Polygon(
        [
            (left, y - left_half),
            (right, y - right_half),
            (right, y + right_half),
            (left, y + left_half),
        ],
        closed=True,
        facecolor=PALETTE["unit"],
        edgecolor=PALETTE["edge"],
        linewidth=1.2,
    )
    ax.add_patch(patch)
    ax.text(x, y, text, ha="center", va="center", fontsize=FONT_SIZE)
    return patch


def _arrow(
    ax: Axes,
    start: tuple[float, float],
    end: tuple[float, float],
    *,
    colour: str | None = None,
    from_patch: Patch | None = None,
    to_patch: Patch | None = None,
    rad: float = 0.0,
    linewidth: float = 1.4,
    head: bool = True,
    style: str = "-",
) -> None:
    """An arrow from start to end, cut where it leaves ``from_patch`` and enters
    ``to_patch``; ``rad`` bends it (positive: to the left of its direction)."""
    ax.annotate(
        "",
        xy=end,
        xytext=start,
        arrowprops={
            "arrowstyle": "-|>,head_length=0.5,head_width=0.25" if head else "-",
            "color": PALETTE["edge"] if colour is None else colour,
            "linewidth": linewidth,
            "linestyle": style,
            "patchA": from_patch,
            "patchB": to_patch,
            "shrinkA": 1,
            "shrinkB": 1,
            "connectionstyle": f"arc3,rad={rad}",
        },
    )


def _line(ax: Axes, points: Sequence[tuple[float, float]], colour: str | None = None) -> None:
    """A plain polyline (no arrow head): the wires of the LSTM cell."""
    xs, ys = zip(*points, strict=True)
    ax.plot(xs, ys, color=PALETTE["edge"] if colour is None else colour, linewidth=1.4)


def _check_count(value: Any, name: str, maximum: int) -> int:
    """An int in 1..maximum, or a ValueError that says why."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    if value < 1:
        raise ValueError(f"{name} must be at least 1, got {value}")
    if value > maximum:
        raise ValueError(
            f"{name} must be at most {maximum} to stay readable, got {value}; "
            "draw a smaller example with the same pattern"
        )
    return int(value)


def _count(n: int, noun: str) -> str:
    """``"1 input"``, ``"3 inputs"``, ``"2 biases"``."""
    plural = noun + ("es" if noun.endswith("s") else "s")
    return f"{n} {noun if n == 1 else plural}"


def _number(value: float) -> str:
    """A value as the diagrams print it: 4 significant digits."""
    return f"{value:.4g}"


# ---------------------------------------------------------------------- dense_layer


def dense_layer(
    n_inputs: int = 3,
    n_units: int = 2,
    *,
    ax: Axes | None = None,
    title: str | None = None,
) -> Figure:
    """A dense (fully connected) layer, neuron by neuron and as one matrix product.

    Inputs x_1..x_n are circles on the left, units are circles on the right, every input
    is joined to every unit, a few edges carry their weight w_ij (from input i to unit
    j), each unit gets its bias b_j and shows what it computes,
    ``z_j = sum_i w_ij x_i + b_j`` and ``a_j = g(z_j)``. Beside it the same layer in matrix
    form, ``a = g(x W + b)``, with the shapes ``(1, n) @ (n, m) + (m,) -> (1, m)``.

    Args:
        n_inputs: n, the number of inputs (1 to 8).
        n_units: m, the number of units (1 to 4).
        ax: Axes to draw into; default a new figure.
        title: default "A dense layer: n inputs, m units".

    Returns:
        The figure.

    Raises:
        ValueError: a count that is not an integer, is < 1, or is too large to read.
    """
    n = _check_count(n_inputs, "n_inputs", 8)
    m = _check_count(n_units, "n_units", 4)

    unit_gap, unit_radius = 3.2, 1.3
    input_gap = min(1.25, max(0.85, (m - 1) * unit_gap / max(n - 1, 1)))
    step = 0.78  # between the lines of the matrix form
    span = max(
        (n - 1) * input_gap + 0.8, (m - 1) * unit_gap + 2 * unit_radius + 0.9, 6 * step + 0.3
    )
    height = span + 0.5
    width = 17.0
    middle = height / 2 - 0.1
    fig, ax = _canvas(ax, width, height, (8.0, max(3.0, 0.47 * height + 0.5)))

    input_x, unit_x = 0.6, 6.2
    input_y = [middle + ((n - 1) / 2 - i) * input_gap for i in range(n)]
    unit_y = [middle + ((m - 1) / 2 - j) * unit_gap for j in range(m)]
    inputs = [
        _circle(ax, input_x, y, 0.36, f"$x_{{{i + 1}}}$", colour=PALETTE["input"])
        for i, y in enumerate(input_y)
    ]
    units = [
        _circle(
            ax,
            unit_x,
            y,
            unit_radius,
            f"$z_{{{j + 1}}} = \\sum_i w_{{i{j + 1}}} x_i + b_{{{j + 1}}}$\n"
            f"$a_{{{j + 1}}} = g(z_{{{j + 1}}})$",
            colour=PALETTE["unit"],
            fontsize=NOTE_SIZE,
        )
        for j, y in enumerate(unit_y)
    ]

    # Which edges carry their weight's name: those into the first unit, and the last
    # input's edge into the last unit (enough to read the pattern without clutter).
    labelled = {(i, 0) for i in range(n)} if n <= 4 else {(0, 0), (n - 1, 0)}
    if m > 1:
        labelled.add((n - 1, m - 1))
    for i, (x_patch, y_in) in enumerate(zip(inputs, input_y, strict=True)):
        for j, (u_patch, y_unit) in enumerate(zip(units, unit_y, strict=True)):
            _arrow(
                ax,
                (input_x, y_in),
                (unit_x, y_unit),
                from_patch=x_patch,
                to_patch=u_patch,
                linewidth=1.0,
            )
            if (i, j) in labelled:
                t = 0.2
                ax.text(
                    input_x + t * (unit_x - input_x),
                    y_in + t * (y_unit - y_in),
                    f"$w_{{{i + 1}{j + 1}}}$",
                    ha="center",
                    va="center",
                    fontsize=NOTE_SIZE,
                    bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "linewidth": 0},
                )

    # Each unit's bias comes in from its upper right; its activation leaves to the right.
    corner = unit_radius / math.sqrt(2)
    for j, (u_patch, y) in enumerate(zip(units, unit_y, strict=True)):
        bias_at = (unit_x + corner + 0.55, y + corner + 0.45)
        ax.text(*bias_at, f"$b_{{{j + 1}}}$", ha="left", va="bottom", fontsize=FONT_SIZE)
        _arrow(ax, bias_at, (unit_x, y), to_patch=u_patch, linewidth=1.0)
        _arrow(ax, (unit_x + unit_radius, y), (unit_x + unit_radius + 1.0, y), linewidth=1.0)
        ax.text(
            unit_x + unit_radius + 1.1,
            y,
            f"$a_{{{j + 1}}}$",
            ha="left",
            va="center",
            fontsize=FONT_SIZE,
        )

    # The matrix form, on the right.
    text_x = 10.3
    lines = [
        ("the whole layer at once:", FONT_SIZE, "black"),
        ("$\\mathbf{a} = g(\\mathbf{x}\\,W + \\mathbf{b})$", FONT_SIZE + 2, "black"),
        (f"$(1, {n})$ @ $({n}, {m})$ + $({m},)$ $\\to$ $(1, {m})$", FONT_SIZE, "black"),
        (
            f"x: {_count(n, 'input')}, W: {_count(n * m, 'weight')}, b: {_count(m, 'bias')}",
            NOTE_SIZE,
            PALETTE["muted"],
        ),
        ("column j of W holds unit j's weights", NOTE_SIZE, PALETTE["muted"]),
        ("g: the activation (relu, sigmoid, ...)", NOTE_SIZE, PALETTE["muted"]),
    ]
    y = middle + step * (len(lines) - 1) / 2
    for text, size, colour in lines:
        ax.text(text_x, y, text, ha="left", va="center", fontsize=size, color=colour)
        y -= step

    _title(ax, title, f"A dense layer: {_count(n, 'input')}, {_count(m, 'unit')}")
    return fig


# -------------------------------------------------------------- computational_graph


def _logistic_chain(x: float, w: float, b: float, y: float) -> dict[str, float]:
    """Forward values and gradients of L = bce(sigmoid(w x + b), y), by the chain rule.

    The loss is computed as softplus(z) - y z, which equals the binary cross-entropy
    -(y log a + (1 - y) log(1 - a)) and stays finite when a rounds to 0 or 1.
    """
    z = w * x + b
    a = 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))
    loss = max(z, 0.0) + math.log1p(math.exp(-abs(z))) - y * z
    da_dz = a * (1.0 - a)
    dl_da = (a - y) / da_dz if da_dz > 0 else math.copysign(math.inf, a - y)
    dl_dz = a - y  # = dl_da * da_dz, without dividing by a (1 - a)
    return {
        "z": z,
        "a": a,
        "L": loss,
        "dL/da": dl_da,
        "da/dz": da_dz,
        "dL/dz": dl_dz,
        "dL/dw": dl_dz * x,
        "dL/dx": dl_dz * w,
        "dL/db": dl_dz,
    }


def _finite_number(value: Any, name: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return number


def computational_graph(
    x: float | None = None,
    w: float | None = None,
    b: float | None = None,
    y: float | None = None,
    *,
    ax: Axes | None = None,
    title: str | None = None,
) -> Figure:
    """The chain rule on logistic regression with one input: x, w, b -> z = w x + b ->
    a = sigmoid(z) -> L = bce(a, y).

    Operations are boxes. Blue arrows run forward and carry the values; red arrows run
    backward and carry the gradients, each the product of the gradient that arrives and
    the local derivative (dL/dz = dL/da * da/dz = a - y, then dL/dw = dL/dz * x, dL/db =
    dL/dz, dL/dx = dL/dz * w).

    Args:
        x: the input; with ``w``, ``b`` and ``y`` the figure prints the real forward
            values and gradients (4 significant digits). Give all four or none; none
            draws the symbols only.
        w: the weight.
        b: the bias.
        y: the label, in [0, 1] (0 or 1 for a class).
        ax: Axes to draw into; default a new figure.
        title: default "The chain rule on a computational graph".

    Returns:
        The figure.

    Raises:
        ValueError: some but not all of x, w, b, y given, a value that is not a finite
            number, or y outside [0, 1].
    """
    given = {"x": x, "w": w, "b": b, "y": y}
    missing = [name for name, value in given.items() if value is None]
    if missing and len(missing) < 4:
        raise ValueError(
            "give all of x, w, b, y to print numbers, or none for symbols only; "
            f"missing: {', '.join(missing)}"
        )
    values: dict[str, float] | None = None
    inputs: dict[str, float] = {}
    if not missing:
        inputs = {name: _finite_number(value, name) for name, value in given.items()}
        if not 0.0 <= inputs["y"] <= 1.0:
            raise ValueError(f"y must be a label in [0, 1], got {inputs['y']:g}")
        values = _logistic_chain(inputs["x"], inputs["w"], inputs["b"], inputs["y"])

    def value(key: str) -> str:
        return "" if values is None else f"\n$= {_number(values[key])}$"

    fwd, bwd = PALETTE["forward"], PALETTE["backward"]
    width, height = 19.2, 7.6
    fig, ax = _canvas(ax, width, height, (8.5, 3.9))
    row = 4.0
    input_x, z_x, a_x, l_x = 5.3, 9.0, 13.4, 17.6
    input_rows = {"w": row + 1.9, "x": row, "b": row - 1.9}

    # An input of the graph shows its name, and its value when there are numbers.
    leaf_label = {name: f"${name}$" for name in given}
    leaf_width = dict.fromkeys(given, 1.1)
    for name, number in inputs.items():
        leaf_label[name] = f"${name} = {_number(number)}$"
        leaf_width[name] = 1.3 + 0.22 * len(_number(number))

    def leaf(name: str, x: float, y: float) -> FancyBboxPatch:
        return _box(
            ax,
            x,
            y,
            leaf_label[name],
            width=leaf_width[name],
            height=0.85,
            colour=PALETTE["input"],
        )

    nodes: dict[str, Patch] = {name: leaf(name, input_x, y) for name, y in input_rows.items()}
    nodes["y"] = leaf("y", l_x, row + 2.5)
    nodes["z"] = _box(
        ax, z_x, row, "$z = w\\,x + b$", width=2.5, height=0.95, colour=PALETTE["unit"]
    )
    nodes["a"] = _box(
        ax, a_x, row, "$a = \\sigma(z)$", width=2.2, height=0.95, colour=PALETTE["unit"]
    )
    nodes["L"] = _box(
        ax,
        l_x,
        row,
        "$L = \\mathrm{bce}(a, y)$" + value("L"),
        width=2.6,
        height=0.95 if values is None else 1.35,
        colour=PALETTE["loss"],
    )

    # Each edge is a two-lane road: forward (blue) on the left of its direction, backward
    # (red) on the left of the opposite direction; forward values above, gradients below.
    def lanes(source: str, target: str, start: tuple[float, float], end: tuple[float, float]):
        (x0, y0), (x1, y1) = start, end
        length = math.hypot(x1 - x0, y1 - y0)
        nx, ny = -(y1 - y0) / length * 0.13, (x1 - x0) / length * 0.13
        _arrow(
            ax,
            (x0 + nx, y0 + ny),
            (x1 + nx, y1 + ny),
            colour=fwd,
            from_patch=nodes[source],
            to_patch=nodes[target],
        )
        _arrow(
            ax,
            (x1 - nx, y1 - ny),
            (x0 - nx, y0 - ny),
            colour=bwd,
            from_patch=nodes[target],
            to_patch=nodes[source],
        )

    for name, y_pos in input_rows.items():
        lanes(name, "z", (input_x, y_pos), (z_x, row))
    lanes("z", "a", (z_x, row), (a_x, row))
    lanes("a", "L", (a_x, row), (l_x, row))
    _arrow(ax, (l_x, row + 2.5), (l_x, row), colour=fwd, from_patch=nodes["y"], to_patch=nodes["L"])

    # Forward values above the arrows between operations, gradients below them.
    z_right, a_left, a_right, l_left = z_x + 1.25, a_x - 1.1, a_x + 1.1, l_x - 1.3
    for name, left, right in (("z", z_right, a_left), ("a", a_right, l_left)):
        ax.text(
            (left + right) / 2,
            row + 0.25,
            f"${name}$" + value(name),
            ha="center",
            va="bottom",
            fontsize=NOTE_SIZE,
            color=fwd,
        )
    ax.text(
        (a_right + l_left) / 2,
        row - 0.75,
        "$\\partial L / \\partial a$\n$= (a - y)\\,/\\,(a\\,(1 - a))$" + value("dL/da"),
        ha="center",
        va="top",
        fontsize=FONT_SIZE,
        color=bwd,
    )
    ax.text(
        (z_right + a_left) / 2,
        row - 0.75,
        "$\\partial L / \\partial z = \\partial L / \\partial a \\cdot \\partial a / \\partial z$\n"
        "$= \\partial L / \\partial a \\cdot a\\,(1 - a)$\n$= a - y$" + value("dL/dz"),
        ha="center",
        va="top",
        fontsize=FONT_SIZE,
        color=bwd,
    )
    local = {"w": " \\cdot x", "x": " \\cdot w", "b": ""}
    for name, y_pos in input_rows.items():
        ax.text(
            input_x - leaf_width[name] / 2 - 0.25,
            y_pos,
            f"$\\partial L / \\partial {name} = \\partial L / \\partial z{local[name]}$"
            + value("dL/d" + name),
            ha="right",
            va="center",
            fontsize=FONT_SIZE,
            color=bwd,
        )

    ax.text(0.1, 0.25, "forward: values", color=fwd, fontsize=NOTE_SIZE, ha="left", va="bottom")
    ax.text(
        4.0,
        0.25,
        "backward: gradients = arriving gradient $\\times$ local derivative",
        color=bwd,
        fontsize=NOTE_SIZE,
        ha="left",
        va="bottom",
    )
    _title(ax, title, "The chain rule on a computational graph")
    return fig


# --------------------------------------------------------------- convolution_window


def _padding(padding: Any, input_size: int, kernel_size: int, stride: int) -> tuple[int, int]:
    """Zeros added before and after the input along one axis, as Keras pads.

    "valid" adds none; "same" adds enough that the output has ceil(n / s) cells, half
    before and the rest (one more when odd) after; an int p adds p on both sides.
    """
    if isinstance(padding, str):
        if padding == "valid":
            return 0, 0
        if padding == "same":
            out = -(-input_size // stride)
            total = max((out - 1) * stride + kernel_size - input_size, 0)
            return total // 2, total - total // 2
    elif isinstance(padding, int | np.integer) and not isinstance(padding, bool) and padding >= 0:
        return int(padding), int(padding)
    raise ValueError(f'padding must be "valid", "same" or an integer >= 0, got {padding!r}')


def _conv_output_size(
    input_size: int, kernel_size: int, stride: int, before: int, after: int
) -> int:
    """floor((n + 2p - k) / s) + 1, with 2p the zeros added on both sides together."""
    return (input_size + before + after - kernel_size) // stride + 1


def convolution_window(
    input_size: int = 5,
    kernel_size: int = 3,
    stride: int = 1,
    padding: str | int = "valid",
    position: tuple[int, int] = (0, 0),
    *,
    ax: Axes | None = None,
    title: str | None = None,
) -> Figure:
    """Where one output cell of a 2-D convolution comes from.

    The input grid (with its zero border when padded), the kernel window highlighted
    where it sits to produce output cell ``position``, the kernel itself, and the output
    grid with that cell highlighted. The output has ``floor((n + 2p - k) / s) + 1`` cells
    per side; the figure writes the formula with the numbers filled in.

    Args:
        input_size: n, the input's height and width (1 to 12).
        kernel_size: k, the kernel's height and width (1 to n).
        stride: s, how many cells the window moves from one output cell to the next (1 to 12).
        padding: ``"valid"`` (no zeros: the window stays inside the input), ``"same"``
            (zeros so that the output has ceil(n / s) cells, as in Keras: when the zeros
            needed are odd, the extra one goes after), or an int p (p zeros on every side).
        position: (row, column) of the output cell to show, counted from 0.
        ax: Axes to draw into; default a new figure.
        title: default e.g. "3x3 kernel on a 5x5 input, stride 1, padding 'valid'".

    Returns:
        The figure.

    Raises:
        ValueError: a size or stride < 1, a kernel larger than the input, an unknown
            padding, or a position outside the output grid.
    """
    n = _check_count(input_size, "input_size", 12)
    integer = isinstance(kernel_size, int | np.integer) and not isinstance(kernel_size, bool)
    if integer and kernel_size > n:
        raise ValueError(
            f"the kernel ({kernel_size}x{kernel_size}) is larger than the input "
            f"({n}x{n}): kernel_size must be at most input_size"
        )
    k = _check_count(kernel_size, "kernel_size", n)
    s = _check_count(stride, "stride", 12)
    before, after = _padding(padding, n, k, s)
    out = _conv_output_size(n, k, s, before, after)
    if (
        not isinstance(position, tuple | list)
        or len(position) != 2
        or not all(isinstance(v, int | np.integer) and not isinstance(v, bool) for v in position)
    ):
        raise ValueError(f"position must be a (row, column) pair of ints, got {position!r}")
    row, col = (int(v) for v in position)
    if not (0 <= row < out and 0 <= col < out):
        raise ValueError(
            f"position {(row, col)} is outside the {out}x{out} output: row and column must "
            f"be in 0..{out - 1}"
        )

    padded = n + before + after
    gap = 1.8
    kernel_x = padded + gap
    output_x = kernel_x + k + gap
    width = output_x + out + 0.3
    # 1.5 below the grids for the formula; above them, room for the grids' names (the
    # input's takes two lines when padded).
    height = 1.5 + padded + (1.3 if before or after else 0.85)
    fig, ax = _canvas(ax, width, height, (8.0, max(3.0, min(4.5, 8.0 * height / width))))
    ax.set_xlim(-0.3, width)

    base = 1.5  # the grids' bottom edge
    cell_font = max(6.0, min(NOTE_SIZE, 60.0 / max(padded, 6)))

    def cell(x: float, y: float, colour: str, text: str = "", alpha: float = 1.0) -> None:
        ax.add_patch(
            Rectangle(
                (x, y),
                1,
                1,
                facecolor=colour,
                alpha=alpha,
                edgecolor=PALETTE["edge"],
                linewidth=0.8,
            )
        )
        if text:
            ax.text(
                x + 0.5,
                y + 0.5,
                text,
                ha="center",
                va="center",
                fontsize=cell_font,
                color=PALETTE["muted"],
            )

    # The input, with its zeros; rows are counted from the top.
    for i in range(padded):
        for j in range(padded):
            inside = before <= i < before + n and before <= j < before + n
            y = base + padded - 1 - i
            if inside:
                cell(j, y, PALETTE["input"])
            else:
                cell(j, y, PALETTE["padding"], "0")
    # The window that makes output cell (row, col).
    wi, wj = row * s, col * s
    window = Rectangle(
        (wj, base + padded - wi - k),
        k,
        k,
        facecolor=PALETTE["highlight"],
        alpha=0.35,
        edgecolor=PALETTE["highlight"],
        linewidth=3.0,
    )
    ax.add_patch(window)

    # The kernel, level with the middle of the input.
    kernel_base = base + (padded - k) / 2
    for i in range(k):
        for j in range(k):
            cell(kernel_x + j, kernel_base + k - 1 - i, PALETTE["highlight"], alpha=0.55)

    # The output, with the cell this window makes.
    output_base = base + (padded - out) / 2
    for i in range(out):
        for j in range(out):
            chosen = (i, j) == (row, col)
            cell(
                output_x + j,
                output_base + out - 1 - i,
                PALETTE["highlight"] if chosen else PALETTE["unit"],
                alpha=0.9 if chosen else 1.0,
            )

    middle = base + padded / 2
    ax.text(padded + gap / 2, middle, "$*$", ha="center", va="center", fontsize=18)
    ax.text(kernel_x + k + gap / 2, middle, "$=$", ha="center", va="center", fontsize=16)
    padding_note = ""
    if before or after:
        zeros = f"{before}" if before == after else f"{before} before, {after} after"
        padding_note = f"\n+ zero padding {zeros}"
    ax.text(
        padded / 2,
        base + padded + 0.2,
        f"input {n}x{n}{padding_note}",
        ha="center",
        va="bottom",
        fontsize=NOTE_SIZE,
    )
    ax.text(
        kernel_x + k / 2,
        kernel_base + k + 0.2,
        f"kernel {k}x{k}",
        ha="center",
        va="bottom",
        fontsize=NOTE_SIZE,
    )
    ax.text(
        output_x + out / 2,
        output_base + out + 0.2,
        f"output {out}x{out}\ncell {(row, col)}",
        ha="center",
        va="bottom",
        fontsize=NOTE_SIZE,
    )
    two_p = f"2 \\cdot {before}" if before == after else f"{before} + {after}"
    ax.text(
        width / 2,
        0.6,
        "output size $= \\lfloor (n + 2p - k) / s \\rfloor + 1 = "
        f"\\lfloor ({n} + {two_p} - {k}) / {s} \\rfloor + 1 = {out}$",
        ha="center",
        va="center",
        fontsize=FONT_SIZE,
    )
    shown = f"'{padding}'" if isinstance(padding, str) else f"{padding}"
    _title(ax, title, f"{k}x{k} kernel on a {n}x{n} input, stride {s}, padding {shown}")
    return fig


# ------------------------------------------------------------------------ lstm_cell


def lstm_cell(*, ax: Axes | None = None, title: str | None = None) -> Figure:
    """An LSTM cell: the cell state runs along the top, the four gates below it.

    The old cell state c_{t-1} is multiplied by the forget gate f_t, then the input gate
    times the candidate, i_t * g_t, is added: c_t = f_t * c_{t-1} + i_t * g_t. The new
    hidden state is h_t = o_t * tanh(c_t). All four gates read [h_{t-1}, x_t]; f, i and o
    squash with a sigmoid (values in (0, 1): how much to let through), g with tanh (the
    new content, in (-1, 1)). Products are element-wise.

    Args:
        ax: Axes to draw into; default a new figure.
        title: default "An LSTM cell".

    Returns:
        The figure.
    """
    width, height = 17.0, 8.0
    fig, ax = _canvas(ax, width, height, (8.0, 4.0))
    cell_y, gate_y, bus_y = 6.3, 3.0, 1.5
    f_x, i_x, g_x, o_x, out_x = 4.2, 6.0, 7.8, 10.0, 12.2
    join_x = 2.9  # where h_{t-1} and x_t are joined

    ax.add_patch(
        FancyBboxPatch(
            (2.2, 0.95),
            11.4,
            6.1,
            boxstyle="round,pad=0.1",
            facecolor="#f7f7f7",
            edgecolor=PALETTE["muted"],
            linewidth=1.0,
            zorder=0,
        )
    )

    def op(x: float, y: float, symbol: str) -> Circle:
        return _circle(ax, x, y, 0.34, symbol, colour=PALETTE["operation"], fontsize=13)

    def gate(x: float, symbol: str, name: str, box_width: float = 1.3) -> FancyBboxPatch:
        return _box(
            ax,
            x,
            gate_y,
            f"{symbol}\n{name}",
            width=box_width,
            height=1.15,
            colour=PALETTE["gate"],
        )

    def label(x: float, y: float, text: str, ha: str = "left") -> None:
        ax.text(x, y, text, ha=ha, va="center", fontsize=FONT_SIZE)

    # The cell state, left to right along the top.
    forget = op(f_x, cell_y, "$\\times$")
    add = op(g_x, cell_y, "$+$")
    label(0.1, cell_y, "$c_{t-1}$")
    _arrow(ax, (1.2, cell_y), (f_x, cell_y), to_patch=forget)
    _arrow(ax, (f_x, cell_y), (g_x, cell_y), from_patch=forget, to_patch=add)
    _arrow(ax, (g_x, cell_y), (15.9, cell_y), from_patch=add)
    label(16.0, cell_y, "$c_t$")

    # The inputs, joined and fed to every gate.
    label(0.1, bus_y, "$h_{t-1}$")
    _line(ax, [(1.25, bus_y), (o_x, bus_y)])
    ax.text(join_x, 0.1, "$x_t$", ha="center", va="bottom", fontsize=FONT_SIZE)
    _line(ax, [(join_x, 0.55), (join_x, bus_y)])
    ax.plot([join_x], [bus_y], "o", color=PALETTE["edge"], markersize=4)
    ax.text(
        (f_x + i_x) / 2 + 0.4,
        bus_y - 0.2,
        "$[h_{t-1}, x_t]$",
        ha="center",
        va="top",
        fontsize=NOTE_SIZE,
    )
    gates = {
        "f": gate(f_x, "$\\sigma$", "forget"),
        "i": gate(i_x, "$\\sigma$", "input"),
        "g": gate(g_x, "tanh", "candidate", box_width=1.75),
        "o": gate(o_x, "$\\sigma$", "output"),
    }
    for name, x in (("f", f_x), ("i", i_x), ("g", g_x), ("o", o_x)):
        _arrow(ax, (x, bus_y), (x, gate_y), to_patch=gates[name])

    # forget: f_t scales the old state.
    _arrow(ax, (f_x, gate_y), (f_x, cell_y), from_patch=gates["f"], to_patch=forget)
    label(f_x + 0.15, 4.65, "$f_t$")
    # input times candidate, added to the state.
    scale = op(g_x, 4.75, "$\\times$")
    _line(ax, [(i_x, gate_y + 0.6), (i_x, 4.75)])
    _arrow(ax, (i_x, 4.75), (g_x, 4.75), to_patch=scale)
    label(i_x - 0.15, 4.15, "$i_t$", ha="right")
    _arrow(ax, (g_x, gate_y), (g_x, 4.75), from_patch=gates["g"], to_patch=scale)
    label(g_x + 0.15, 3.95, "$g_t$")
    _arrow(ax, (g_x, 4.75), (g_x, cell_y), from_patch=scale, to_patch=add)
    # output: h_t = o_t * tanh(c_t).
    squash = _box(ax, out_x, 4.75, "tanh", width=1.2, height=0.7, colour=PALETTE["operation"])
    _arrow(ax, (out_x, cell_y), (out_x, 4.75), to_patch=squash)
    ax.plot([out_x], [cell_y], "o", color=PALETTE["edge"], markersize=4)
    mix = op(out_x, gate_y, "$\\times$")
    _arrow(ax, (out_x, 4.75), (out_x, gate_y), from_patch=squash, to_patch=mix)
    _arrow(ax, (o_x, gate_y), (out_x, gate_y), from_patch=gates["o"], to_patch=mix)
    label((o_x + out_x) / 2 + 0.25, gate_y + 0.3, "$o_t$", ha="center")
    _arrow(ax, (out_x, gate_y), (15.9, gate_y), from_patch=mix)
    label(16.0, gate_y, "$h_t$")

    ax.text(
        8.6,
        0.35,
        "$c_t = f_t \\odot c_{t-1} + i_t \\odot g_t$      $h_t = o_t \\odot \\tanh(c_t)$",
        ha="center",
        va="center",
        fontsize=FONT_SIZE,
    )
    _title(ax, title, "An LSTM cell")
    return fig


# ------------------------------------------------------------------------ vae, gan


def vae(*, ax: Axes | None = None, title: str | None = None) -> Figure:
    """A variational autoencoder, as a block diagram.

    x -> encoder -> (mu, log sigma^2) -> z = mu + sigma * eps, with eps ~ N(0, I) drawn
    from outside the network (the reparameterisation trick: the gradient reaches mu and
    sigma through a product, not through a random draw) -> decoder -> x_hat. The loss is
    the reconstruction error plus the KL divergence of N(mu, sigma^2) from N(0, I).

    Args:
        ax: Axes to draw into; default a new figure.
        title: default "A variational autoencoder (VAE)".

    Returns:
        The figure.
    """
    width, height = 17.0, 6.9
    fig, ax = _canvas(ax, width, height, (8.0, 3.6))
    row = 5.0
    x_in = _box(ax, 0.8, row, "$x$", width=1.0, height=0.9, colour=PALETTE["input"])
    encoder = _block(ax, 3.2, row, "encoder", width=2.6, height=2.6, narrowing="right")
    mu = _box(ax, 6.3, row + 1.0, "$\\mu$", width=1.5, height=0.8, colour=PALETTE["unit"])
    log_var = _box(
        ax, 6.3, row - 1.0, "$\\log \\sigma^2$", width=1.5, height=0.8, colour=PALETTE["unit"]
    )
    z = _box(
        ax,
        9.5,
        row,
        "$z = \\mu + \\sigma \\odot \\epsilon$",
        width=2.9,
        height=0.95,
        colour=PALETTE["operation"],
    )
    noise = _box(
        ax,
        9.5,
        row - 2.4,
        "$\\epsilon \\sim \\mathcal{N}(0, I)$",
        width=2.4,
        height=0.85,
        colour=PALETTE["noise"],
    )
    decoder = _block(ax, 13.2, row, "decoder", width=2.6, height=2.6, narrowing="left")
    x_out = _box(ax, 16.2, row, "$\\hat{x}$", width=1.0, height=0.9, colour=PALETTE["input"])

    _arrow(ax, (0.8, row), (3.2, row), from_patch=x_in, to_patch=encoder)
    _arrow(ax, (3.2, row + 0.4), (6.3, row + 1.0), from_patch=encoder, to_patch=mu)
    _arrow(ax, (3.2, row - 0.4), (6.3, row - 1.0), from_patch=encoder, to_patch=log_var)
    _arrow(ax, (6.3, row + 1.0), (9.5, row), from_patch=mu, to_patch=z)
    _arrow(ax, (6.3, row - 1.0), (9.5, row), from_patch=log_var, to_patch=z)
    ax.text(
        6.3,
        row - 1.55,
        "$\\sigma = \\exp(\\log \\sigma^2 / 2)$",
        ha="center",
        va="top",
        fontsize=NOTE_SIZE,
        color=PALETTE["muted"],
    )
    _arrow(ax, (9.5, row - 2.4), (9.5, row), from_patch=noise, to_patch=z)
    ax.text(
        10.95,
        row - 2.4,
        "random, from outside:\ngradients flow through $\\mu$ and $\\sigma$",
        ha="left",
        va="center",
        fontsize=NOTE_SIZE,
        color=PALETTE["muted"],
    )
    _arrow(ax, (9.5, row), (13.2, row), from_patch=z, to_patch=decoder)
    _arrow(ax, (13.2, row), (16.2, row), from_patch=decoder, to_patch=x_out)

    ax.text(
        width / 2,
        1.55,
        "loss $=$ reconstruction $\\|x - \\hat{x}\\|^2$ $+$ "
        "$\\mathrm{KL}(\\mathcal{N}(\\mu, \\sigma^2)\\,\\|\\,\\mathcal{N}(0, I))$",
        ha="center",
        va="top",
        fontsize=FONT_SIZE,
        color=PALETTE["backward"],
    )
    ax.text(
        width / 2,
        0.95,
        "$\\mathrm{KL} = -\\dfrac{1}{2} \\sum_j (1 + \\log \\sigma_j^2 - \\mu_j^2 - \\sigma_j^2)$",
        ha="center",
        va="top",
        fontsize=FONT_SIZE,
        color=PALETTE["backward"],
    )
    _title(ax, title, "A variational autoencoder (VAE)")
    return fig


def gan(*, ax: Axes | None = None, title: str | None = None) -> Figure:
    """A generative adversarial network, as a block diagram.

    Noise z ~ N(0, I) -> generator -> fake samples G(z). Real samples x and fakes both go
    to the discriminator, which gives D(.) = the probability that its input is real. The
    discriminator is trained to tell them apart, the generator to fool it (the usual
    non-saturating loss): both losses are written on the figure.

    Args:
        ax: Axes to draw into; default a new figure.
        title: default "A generative adversarial network (GAN)".

    Returns:
        The figure.
    """
    width, height = 17.0, 7.2
    fig, ax = _canvas(ax, width, height, (8.0, 3.7))
    real_y, fake_y, d_y = 5.6, 2.4, 4.0
    noise = _box(
        ax,
        1.3,
        fake_y,
        "$z \\sim \\mathcal{N}(0, I)$",
        width=2.5,
        height=0.9,
        colour=PALETTE["noise"],
    )
    generator = _block(ax, 4.7, fake_y, "generator\n$G$", width=2.4, height=2.2, narrowing="left")
    fake = _box(ax, 8.0, fake_y, "fake $G(z)$", width=2.1, height=0.9, colour=PALETTE["input"])
    real = _box(ax, 8.0, real_y, "real data $x$", width=2.1, height=0.9, colour=PALETTE["input"])
    discriminator = _block(
        ax, 11.6, d_y, "discriminator\n$D$", width=2.8, height=2.6, narrowing="right"
    )
    verdict = _box(
        ax,
        15.2,
        d_y,
        "$D(\\cdot)$ = P(real)",
        width=2.9,
        height=0.9,
        colour=PALETTE["loss"],
    )
    _arrow(ax, (1.3, fake_y), (4.7, fake_y), from_patch=noise, to_patch=generator)
    _arrow(ax, (4.7, fake_y), (8.0, fake_y), from_patch=generator, to_patch=fake)
    _arrow(ax, (8.0, fake_y), (11.6, d_y - 0.4), from_patch=fake, to_patch=discriminator)
    _arrow(ax, (8.0, real_y), (11.6, d_y + 0.4), from_patch=real, to_patch=discriminator)
    _arrow(ax, (11.6, d_y), (15.2, d_y), from_patch=discriminator, to_patch=verdict)

    losses = (
        "discriminator loss $= -\\log D(x) - \\log(1 - D(G(z)))$",
        "generator loss $= -\\log D(G(z))$",
    )
    for i, text in enumerate(losses):
        ax.text(
            width - 0.1,
            1.1 - 0.65 * i,
            text,
            ha="right",
            va="center",
            fontsize=FONT_SIZE,
            color=PALETTE["backward"],
        )
    ax.text(
        0.1,
        real_y,
        "the two are trained in turn:\nD to tell real from fake,\nG to fool D",
        ha="left",
        va="center",
        fontsize=NOTE_SIZE,
        color=PALETTE["muted"],
    )
    _title(ax, title, "A generative adversarial network (GAN)")
    return fig
