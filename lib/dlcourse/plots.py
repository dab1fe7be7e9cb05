"""The figures the lessons show: learning curves, image grids, decision boundaries,
confusion matrices, loss surfaces, labelled bars, broadcasting diagrams and curves.

Every function draws with matplotlib, returns the :class:`~matplotlib.figure.Figure` it
drew on and never calls ``plt.show()``. A figure it creates itself comes from
``plt.subplots``, so JupyterLab and Colab display it inline when the cell ends; end the
line with ``;`` (or assign the figure) so Jupyter does not show it a second time as the
cell's value. Each function also takes ``ax`` (``axes`` where it needs several) to draw
into a figure you made yourself; it then leaves that figure's size and layout alone.

This module imports neither TensorFlow nor Keras: a Keras ``History`` is anything with a
``.history`` dict and a tensor is anything with a ``.numpy()`` method.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap, LogNorm
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import LogLocator, MaxNLocator
from numpy.typing import ArrayLike

__all__ = [
    "plot_bars",
    "plot_broadcasting",
    "plot_confusion_matrix",
    "plot_curves",
    "plot_decision_boundary",
    "plot_history",
    "plot_images",
    "plot_loss_surface",
]

# Title colours for right and wrong predictions in `plot_images`.
RIGHT_COLOUR = "tab:green"
WRONG_COLOUR = "tab:red"

# Substrings of metric names for which a smaller validation value is better; for every
# other metric (accuracy, auc, precision, ...) a larger one is.
_LOWER_IS_BETTER = (
    "loss",
    "error",
    "crossentropy",
    "mse",
    "mae",
    "mape",
    "msle",
    "hinge",
    "divergence",
    "poisson",
    "logcosh",
)


# --------------------------------------------------------------------------- helpers


def _to_numpy(values: Any) -> np.ndarray:
    """A NumPy array from a list, an array or a tensor (TensorFlow's have ``.numpy()``)."""
    to_numpy = getattr(values, "numpy", None)
    if callable(to_numpy):
        values = to_numpy()
    return np.asarray(values)


def _root_figure(ax: Axes) -> Figure:
    """The whole figure an Axes belongs to, also when it sits in a SubFigure."""
    fig = ax.figure
    return fig if isinstance(fig, Figure) else fig.figure


def _figure_and_axes(ax: Axes | None, figsize: tuple[float, float]) -> tuple[Figure, Axes]:
    """The caller's Axes and its figure, or a new one-Axes figure."""
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize, layout="constrained")
        return fig, ax
    return _root_figure(ax), ax


def _axes_list(axes: Any) -> list[Axes]:
    """A flat list from one Axes, a list of them or the 2-D array ``plt.subplots`` gives."""
    return list(np.ravel(np.asarray(axes, dtype=object)))


def _class_indices(values: Any, name: str) -> np.ndarray:
    """Integer class indices, shape (n,), from what models and datasets give.

    Accepts integer labels (n,), one-hot or probability rows (n, k) (argmax), and binary
    probabilities (n,) or (n, 1) (class 1 where p > 0.5, as Keras' binary accuracy).
    """
    array = _to_numpy(values)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim == 2:
        return np.argmax(array, axis=1)
    if array.ndim != 1:
        raise ValueError(
            f"{name} must have shape (n,) or (n, k), got an array of shape {array.shape}"
        )
    if array.dtype == bool or np.issubdtype(array.dtype, np.integer):
        return array.astype(np.int64)
    if not np.issubdtype(array.dtype, np.floating):
        raise ValueError(f"{name} must hold numbers, got dtype {array.dtype}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinite values")
    # Whole-number floats are labels (e.g. 0.0, 2.0); 0/1 mean the same either way.
    if np.all(array == np.round(array)):
        return array.astype(np.int64)
    if array.min() >= 0 and array.max() <= 1:
        return (array > 0.5).astype(np.int64)
    raise ValueError(
        f"{name} must be integer class labels, probabilities in [0, 1] or (n, k) rows; "
        f"got values from {array.min():g} to {array.max():g}"
    )


def _class_names(
    n_classes: int, class_names: Sequence[str] | None, name: str = "class_names"
) -> list[str]:
    """One display name per class index: the given names, else the indices themselves."""
    if class_names is None:
        return [str(i) for i in range(n_classes)]
    names = [str(n) for n in class_names]
    if len(names) < n_classes:
        raise ValueError(
            f"{name} has {len(names)} names but the labels go up to class {n_classes - 1}"
        )
    return names


def _class_colours(n_classes: int) -> list[tuple[float, float, float, float]]:
    """Distinct colours for class indices 0..n_classes-1 (the same in every figure)."""
    if n_classes <= 10:
        return [colormaps["tab10"](i) for i in range(n_classes)]
    if n_classes <= 20:
        return [colormaps["tab20"](i) for i in range(n_classes)]
    return [colormaps["turbo"](x) for x in np.linspace(0, 1, n_classes)]


def _check_positive_int(value: int, name: str, minimum: int = 1) -> None:
    if not isinstance(value, int | np.integer) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")


# --------------------------------------------------------------------- plot_history


def _is_run(value: Any) -> bool:
    """Whether a history value is itself a run (a History or a dict), not a series."""
    return hasattr(value, "history") or isinstance(value, Mapping)


def _history_dict(history: Any, what: str) -> Mapping[str, Any]:
    """The ``{name: values}`` dict of a Keras History, or the dict itself."""
    logs = getattr(history, "history", history)
    if not isinstance(logs, Mapping):
        raise TypeError(
            f"{what} must be a Keras History (what model.fit returns) or a dict "
            f"{{'loss': [...], ...}}, got {type(history).__name__}"
        )
    return logs


def _run_series(logs: Mapping[str, Any], what: str) -> dict[str, np.ndarray]:
    """One run's per-epoch series as float arrays, checked to be 1-D and equally long."""
    if not logs:
        raise ValueError(f"{what} is empty: it has no metrics (did model.fit run?)")
    series: dict[str, np.ndarray] = {}
    for key, values in logs.items():
        array = _to_numpy(values).astype(float)
        if array.ndim != 1:
            raise ValueError(
                f"{what}[{key!r}] must be a list with one value per epoch, "
                f"got an array of shape {array.shape}"
            )
        series[str(key)] = array
    lengths = {key: len(values) for key, values in series.items()}
    if len(set(lengths.values())) > 1:
        raise ValueError(
            f"{what} has series of different lengths {lengths}; "
            "every metric needs one value per epoch"
        )
    if max(lengths.values()) == 0:
        raise ValueError(f"{what} is empty: its series have no epochs")
    return series


def _history_runs(history: Any) -> dict[str | None, dict[str, np.ndarray]]:
    """``{run name: series}``; the one run of a single history is named None."""
    logs = _history_dict(history, "history")
    if not logs:
        raise ValueError("history is empty: it has no metrics (did model.fit run?)")
    nested = [_is_run(value) for value in logs.values()]
    if all(nested):
        return {
            str(name): _run_series(_history_dict(run, f"run {name!r}"), f"run {name!r}")
            for name, run in logs.items()
        }
    if any(nested):
        raise ValueError(
            "history mixes runs (History objects or dicts) with per-epoch lists; give "
            "either one history {'loss': [...], ...} or several {'run name': history, ...}"
        )
    return {None: _run_series(logs, "history")}


def _metric_names(runs: Mapping[str | None, Mapping[str, np.ndarray]]) -> list[str]:
    """Metric names without their "val_" prefix, in first-seen order, "loss" first."""
    names: list[str] = []
    for series in runs.values():
        for key in series:
            name = key.removeprefix("val_")
            if name not in names:
                names.append(name)
    if "loss" in names:
        names.remove("loss")
        names.insert(0, "loss")
    return names


def _lower_is_better(metric: str) -> bool:
    return any(word in metric.lower() for word in _LOWER_IS_BETTER)


def plot_history(
    history: Any,
    metrics: str | Sequence[str] | None = None,
    *,
    title: str | None = None,
    axes: Axes | Sequence[Axes] | np.ndarray | None = None,
) -> Figure:
    """Learning curves: one subplot per metric, training solid, validation dashed.

    Args:
        history: what ``model.fit`` returns (anything with a ``.history`` dict), or a
            dict ``{"loss": [...], "val_loss": [...], "accuracy": [...], ...}`` of
            per-epoch values, each of shape (epochs,). To compare runs on shared axes,
            a dict of several such histories ``{"run name": history, ...}``; runs may
            have different numbers of epochs.
        metrics: a metric name or a list of them, without "val_" (the validation curve
            is drawn with its training curve). Default: every metric in the history,
            "loss" first.
        title: a title above all the subplots.
        axes: Axes to draw into, one per metric (a list or a ``plt.subplots`` array);
            default a new figure with up to three subplots per row.

    Each run has one colour; the dot marks its best validation value (lowest for losses
    and errors, highest for other metrics) and the legend gives that epoch. Epochs are
    counted from 1.

    Returns:
        The figure.

    Raises:
        ValueError: an empty history, series of different lengths in one run, or a
            metric that the history does not have.
    """
    runs = _history_runs(history)
    available = _metric_names(runs)
    if metrics is None:
        chosen = available
    else:
        chosen = [metrics] if isinstance(metrics, str) else list(metrics)
        if not chosen:
            raise ValueError(f"metrics is empty; available: {', '.join(available)}")
        unknown = [m for m in chosen if m not in available]
        if unknown:
            raise ValueError(
                f"unknown metric(s) {', '.join(map(repr, unknown))}; "
                f"available: {', '.join(available)}"
            )

    n = len(chosen)
    if axes is None:
        ncols = min(n, 3)
        nrows = math.ceil(n / ncols)
        fig, grid = plt.subplots(
            nrows, ncols, figsize=(4.5 * ncols, 3.5 * nrows), squeeze=False, layout="constrained"
        )
        ax_list = _axes_list(grid)
        for unused in ax_list[n:]:
            unused.remove()
        ax_list = ax_list[:n]
    else:
        ax_list = _axes_list(axes)
        if len(ax_list) < n:
            raise ValueError(f"got {len(ax_list)} axes for {n} metrics {chosen}")
        fig = _root_figure(ax_list[0])

    several = len(runs) > 1
    for ax, metric in zip(ax_list, chosen, strict=False):
        for i, (run, series) in enumerate(runs.items()):
            colour = f"C{i}"
            train_label = f"{run} train" if several else "train"
            val_label = f"{run} val" if several else "validation"
            if metric in series:
                values = series[metric]
                ax.plot(np.arange(1, len(values) + 1), values, "-", color=colour, label=train_label)
            val = series.get(f"val_{metric}")
            if val is None:
                continue
            epochs = np.arange(1, len(val) + 1)
            if np.all(np.isnan(val)):
                ax.plot(epochs, val, "--", color=colour, label=val_label)
                continue
            best = int(np.nanargmin(val) if _lower_is_better(metric) else np.nanargmax(val))
            ax.plot(epochs, val, "--", color=colour, label=f"{val_label} (best: epoch {best + 1})")
            # Underscore labels stay out of the legend: the val line's label names the epoch.
            ax.plot(epochs[best], val[best], "o", color=colour, label="_best")
        ax.set_title(metric)
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(alpha=0.3)
        if len(ax.get_legend_handles_labels()[1]) > 1:
            ax.legend()
    if title is not None:
        fig.suptitle(title)
    return fig


# ---------------------------------------------------------------------- plot_images


def _image_batch(images: Any) -> np.ndarray:
    """Images as (n, h, w) or (n, h, w, 3); flat (n, h*w) rows become square images."""
    batch = _to_numpy(images)
    if batch.dtype == bool:
        batch = batch.astype(float)
    if batch.ndim == 2:
        side = math.isqrt(batch.shape[1])
        if side * side != batch.shape[1]:
            raise ValueError(
                f"flat images of {batch.shape[1]} pixels are not square; reshape them to "
                f"(n, height, width) first, e.g. images.reshape(-1, height, width)"
            )
        batch = batch.reshape(len(batch), side, side)
    elif batch.ndim == 4 and batch.shape[-1] == 1:
        batch = batch[..., 0]
    elif batch.ndim not in (3, 4) or (batch.ndim == 4 and batch.shape[-1] != 3):
        raise ValueError(
            "images must have shape (n, h, w), (n, h, w, 1), (n, h, w, 3) or flat (n, h*w), "
            f"got {batch.shape}; reshape them (channels last) first"
        )
    if len(batch) == 0:
        raise ValueError("images is empty: there is nothing to show")
    return batch


def _display_range(batch: np.ndarray) -> tuple[float, float]:
    """The value range mapped to black..white, shared by all images of the grid.

    Values in [0, 1] and 0-255 integers keep their natural range, so a dark image stays
    dark; anything else (standardised pixels, say) is stretched from min to max.
    """
    finite = batch[np.isfinite(batch)]
    if finite.size == 0:
        return 0.0, 1.0
    low, high = float(finite.min()), float(finite.max())
    if low >= 0 and high <= 1:
        return 0.0, 1.0
    if np.issubdtype(batch.dtype, np.integer) and low >= 0 and high <= 255:
        return 0.0, 255.0
    if low == high:
        return low - 0.5, high + 0.5
    return low, high


def plot_images(
    images: ArrayLike,
    labels: ArrayLike | None = None,
    *,
    class_names: Sequence[str] | None = None,
    predictions: ArrayLike | None = None,
    ncols: int = 8,
    cmap: str = "gray",
    title: str | None = None,
    max_images: int = 64,
    axes: Sequence[Axes] | np.ndarray | None = None,
) -> Figure:
    """A grid of images, titled with their labels (and predictions).

    Args:
        images: shape (n, h, w), (n, h, w, 1), (n, h, w, 3), or flat (n, h*w) for square
            images. Any value range: floats in [0, 1] and integers 0-255 are shown as
            they are, other values stretched from their minimum (black) to maximum
            (white), with one range for the whole grid.
        labels: true classes, integers (n,) or one-hot rows (n, k); shown as titles.
        class_names: a name per class index, used in the titles.
        predictions: predicted classes, integers (n,) or probability rows (n, k)
            (argmax); the title becomes "pred / true", green when right and red when
            wrong (just "pred" without labels).
        ncols: images per row.
        cmap: colormap of single-channel images (RGB images keep their colours).
        title: a title above the grid.
        max_images: the first this many images are shown.
        axes: Axes to draw into, one per image shown; default a new figure.

    Returns:
        The figure.

    Raises:
        ValueError: images of another shape, flat images that are not square, or labels
            or predictions whose length is not the number of images.
    """
    _check_positive_int(ncols, "ncols")
    _check_positive_int(max_images, "max_images")
    batch = _image_batch(images)
    n_all = len(batch)
    n = min(n_all, max_images)
    batch = batch[:n]

    true = pred = None
    if labels is not None:
        true = _class_indices(labels, "labels")
        if len(true) != n_all:
            raise ValueError(f"got {len(true)} labels for {n_all} images")
        true = true[:n]
    if predictions is not None:
        pred = _class_indices(predictions, "predictions")
        if len(pred) != n_all:
            raise ValueError(f"got {len(pred)} predictions for {n_all} images")
        pred = pred[:n]
    shown = [a for a in (true, pred) if a is not None]
    if shown and min(a.min() for a in shown) < 0:
        raise ValueError("labels and predictions must be class indices >= 0")
    n_classes = max((int(a.max()) + 1 for a in shown), default=0)
    names = _class_names(n_classes, class_names)

    if axes is None:
        ncols = min(ncols, n)
        nrows = math.ceil(n / ncols)
        # Room for a one-line title over each image when there are labels.
        cell_height = 1.9 if shown else 1.6
        fig, grid = plt.subplots(
            nrows,
            ncols,
            figsize=(1.6 * ncols, cell_height * nrows + (0.4 if title else 0)),
            squeeze=False,
            layout="constrained",
        )
        ax_list = _axes_list(grid)
        for unused in ax_list[n:]:
            unused.remove()
    else:
        ax_list = _axes_list(axes)
        if len(ax_list) < n:
            raise ValueError(f"got {len(ax_list)} axes for {n} images")
        for unused in ax_list[n:]:
            unused.set_axis_off()
        fig = _root_figure(ax_list[0])

    low, high = _display_range(batch)
    for i, ax in enumerate(ax_list[:n]):
        image = batch[i]
        if image.ndim == 3:
            # RGB pixels go through no colormap, so scale them to [0, 1] here.
            rgb = (image.astype(float) - low) / (high - low)
            ax.imshow(np.clip(rgb, 0, 1))
        else:
            ax.imshow(image, cmap=cmap, vmin=low, vmax=high)
        ax.set_xticks([])
        ax.set_yticks([])
        if pred is not None and true is not None:
            right = pred[i] == true[i]
            ax.set_title(
                f"{names[pred[i]]} / {names[true[i]]}",
                color=RIGHT_COLOUR if right else WRONG_COLOUR,
                fontsize=9,
            )
        elif pred is not None:
            ax.set_title(names[pred[i]], fontsize=9)
        elif true is not None:
            ax.set_title(names[true[i]], fontsize=9)
    if title is not None:
        fig.suptitle(title)
    return fig


# ----------------------------------------------------------- plot_decision_boundary


def plot_decision_boundary(
    predict: Callable[[np.ndarray], Any],
    X: ArrayLike,
    y: ArrayLike | None = None,
    *,
    class_names: Sequence[str] | None = None,
    ax: Axes | None = None,
    resolution: int = 200,
    padding: float = 0.5,
    title: str | None = None,
) -> Figure:
    """The regions a 2-feature classifier assigns to each class, with the data on top.

    Args:
        predict: called once with the whole grid, an array of shape (resolution**2, 2)
            and dtype float32. It returns class probabilities (m,) or (m, 1) for a
            binary classifier (class 1 where p > 0.5), (m, k) for k classes (argmax),
            or integer labels (m,). A Keras model works: pass ``model`` itself (its
            tensors are converted) or ``lambda g: model.predict(g, verbose=0)``; so does
            a rule such as ``lambda g: g[:, 0] > 0``.
        X: the points, shape (n, 2).
        y: their classes, integers (n,) or one-hot rows (n, k); default all one colour.
        class_names: a name per class index, for the legend.
        ax: Axes to draw into; default a new figure.
        resolution: grid points along each axis.
        padding: how far the grid reaches beyond the data on each side.
        title: default "decision boundary".

    Returns:
        The figure.

    Raises:
        ValueError: X not of shape (n, 2), y of another length, or an output of predict
            that is not one prediction per grid point.
    """
    points = _to_numpy(X).astype(float)
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(f"X must have shape (n, 2), two features per point, got {points.shape}")
    if len(points) == 0:
        raise ValueError("X is empty: there are no points to plot")
    if not np.all(np.isfinite(points)):
        raise ValueError("X contains NaN or infinite values")
    _check_positive_int(resolution, "resolution", minimum=2)

    true = None
    if y is not None:
        true = _class_indices(y, "y")
        if len(true) != len(points):
            raise ValueError(f"got {len(true)} labels y for {len(points)} points X")
        if true.min() < 0:
            raise ValueError("y must be class indices >= 0")

    xs = np.linspace(points[:, 0].min() - padding, points[:, 0].max() + padding, resolution)
    ys = np.linspace(points[:, 1].min() - padding, points[:, 1].max() + padding, resolution)
    grid_x, grid_y = np.meshgrid(xs, ys)
    grid = np.column_stack([grid_x.ravel(), grid_y.ravel()]).astype(np.float32)
    # One batched call: a Keras model called point by point would take minutes.
    output = _to_numpy(predict(grid))
    regions = _class_indices(output, "the output of predict")
    if regions.shape != (len(grid),):
        raise ValueError(
            f"predict returned {output.shape} for a grid of {len(grid)} points; "
            "it must return one prediction per point: (m,), (m, 1) or (m, k)"
        )
    if regions.min() < 0:
        raise ValueError("predict returned negative class labels")

    n_classes = max(2, int(regions.max()) + 1)
    if output.ndim == 2:
        n_classes = max(n_classes, output.shape[1])
    if true is not None:
        n_classes = max(n_classes, int(true.max()) + 1)
    if class_names is not None:
        n_classes = max(n_classes, len(class_names))
    names = _class_names(n_classes, class_names)
    colours = _class_colours(n_classes)

    fig, ax = _figure_and_axes(ax, (5.5, 4.5))
    # Levels halfway between class indices give each class exactly one filled band.
    ax.contourf(
        grid_x,
        grid_y,
        regions.reshape(grid_x.shape),
        levels=np.arange(n_classes + 1) - 0.5,
        cmap=ListedColormap(colours),
        alpha=0.3,
    )
    if true is None:
        ax.scatter(points[:, 0], points[:, 1], s=20, color="black")
    else:
        for c in range(n_classes):
            mask = true == c
            if mask.any():
                ax.scatter(
                    points[mask, 0],
                    points[mask, 1],
                    s=25,
                    color=colours[c],
                    edgecolors="black",
                    linewidths=0.5,
                    label=names[c],
                )
        ax.legend(title="class")
    ax.set_xlim(xs[0], xs[-1])
    ax.set_ylim(ys[0], ys[-1])
    ax.set_xlabel("x[0]")
    ax.set_ylabel("x[1]")
    ax.set_title("decision boundary" if title is None else title)
    return fig


# ------------------------------------------------------------ plot_confusion_matrix


def _confusion_counts(y_true: Any, y_pred: Any, n_classes: int | None) -> np.ndarray:
    """Counts (k, k): row = true class, column = predicted class (sklearn's layout)."""
    true = _class_indices(y_true, "y_true")
    pred = _class_indices(y_pred, "y_pred")
    if len(true) != len(pred):
        raise ValueError(f"y_true has {len(true)} labels but y_pred has {len(pred)}")
    if len(true) == 0:
        raise ValueError("y_true and y_pred are empty")
    if min(true.min(), pred.min()) < 0:
        raise ValueError("y_true and y_pred must be class indices >= 0")
    k = int(max(true.max(), pred.max())) + 1
    if n_classes is not None:
        if k > n_classes:
            raise ValueError(f"class_names has {n_classes} names but the labels go up to {k - 1}")
        k = n_classes
    counts = np.zeros((k, k), dtype=np.int64)
    np.add.at(counts, (true, pred), 1)
    return counts


def plot_confusion_matrix(
    cm: ArrayLike | None = None,
    *,
    y_true: ArrayLike | None = None,
    y_pred: ArrayLike | None = None,
    class_names: Sequence[str] | None = None,
    normalize: bool = False,
    ax: Axes | None = None,
    title: str | None = None,
) -> Figure:
    """A confusion matrix as a heat map with each cell's value written in it.

    Args:
        cm: the matrix, shape (k, k), rows = true class, columns = predicted class (the
            layout of ``sklearn.metrics.confusion_matrix``). Give either cm or both
            y_true and y_pred.
        y_true: true classes, integers (n,) or one-hot rows (n, k).
        y_pred: predicted classes, integers (n,) or probability rows (n, k) (argmax).
            Classes are 0..k-1 with k the largest label + 1 (or len(class_names)).
        class_names: a name per class index, for the tick labels.
        normalize: show each row as fractions of its total (the recall of each class on
            the diagonal); a row with no samples shows 0.
        ax: Axes to draw into; default a new figure.
        title: default "confusion matrix".

    Returns:
        The figure.

    Raises:
        ValueError: a matrix that is not square, both or neither of cm and
            y_true/y_pred, labels of different lengths, or too few class names.
    """
    given_labels = y_true is not None or y_pred is not None
    if cm is not None and given_labels:
        raise ValueError("give either cm or y_true and y_pred, not both")
    if cm is None:
        if y_true is None or y_pred is None:
            raise ValueError("give either a confusion matrix cm or both y_true and y_pred")
        n_classes = None if class_names is None else len(class_names)
        counts = _confusion_counts(y_true, y_pred, n_classes)
    else:
        counts = _to_numpy(cm)
        if counts.ndim != 2 or counts.shape[0] != counts.shape[1] or counts.size == 0:
            raise ValueError(f"cm must be a square (k, k) matrix, got shape {counts.shape}")
        if not np.all(np.isfinite(counts)):
            raise ValueError("cm contains NaN or infinite values")
    k = counts.shape[0]
    if class_names is not None and len(class_names) != k:
        raise ValueError(f"class_names has {len(class_names)} names for a {k} x {k} matrix")
    names = _class_names(k, class_names)

    if normalize:
        totals = counts.sum(axis=1, keepdims=True)
        values = np.divide(
            counts, totals, out=np.zeros(counts.shape, dtype=float), where=totals > 0
        )
        texts = [[f"{v:.2f}" for v in row] for row in values]
        vmax = 1.0
    else:
        values = counts.astype(float)
        whole = np.all(values == np.round(values))
        texts = [[f"{int(v)}" if whole else f"{v:.2f}" for v in row] for row in values]
        vmax = max(float(values.max()), 1.0)

    side = max(4.0, 0.5 * k + 2.0)
    fig, ax = _figure_and_axes(ax, (side + 1.0, side))
    image = ax.imshow(values, cmap="Blues", vmin=0.0, vmax=vmax)
    fig.colorbar(image, ax=ax, label="fraction of the true class" if normalize else "count")
    fontsize = 10 if k <= 10 else 7
    for i in range(k):
        for j in range(k):
            # White text on dark cells, black on light ones.
            colour = "white" if values[i, j] > vmax / 2 else "black"
            ax.text(j, i, texts[i][j], ha="center", va="center", color=colour, fontsize=fontsize)
    ax.set_xticks(range(k), labels=names)
    ax.set_yticks(range(k), labels=names)
    if max(len(name) for name in names) > 3:
        ax.tick_params(axis="x", labelrotation=45)
        for label in ax.get_xticklabels():
            label.set_horizontalalignment("right")
            label.set_rotation_mode("anchor")
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    if title is None:
        title = "confusion matrix (rows normalized)" if normalize else "confusion matrix"
    ax.set_title(title)
    return fig


# ---------------------------------------------------------------- plot_loss_surface


def _trajectory_list(
    trajectories: Mapping[str, ArrayLike] | None, n_dims: int
) -> list[tuple[str, np.ndarray]]:
    """``(label, points)`` pairs, each cut before its first non-finite point."""
    if trajectories is None:
        return []
    if not isinstance(trajectories, Mapping):
        raise TypeError(
            f"trajectories must be a dict {{label: array}}, got {type(trajectories).__name__}"
        )
    result = []
    for label, values in trajectories.items():
        points = _to_numpy(values).astype(float)
        if n_dims == 1 and points.ndim == 2 and points.shape[1] == 1:
            points = points[:, 0]
        expected = "(steps,)" if n_dims == 1 else "(steps, 2)"
        if (n_dims == 1 and points.ndim != 1) or (
            n_dims == 2 and (points.ndim != 2 or points.shape[1] != 2)
        ):
            raise ValueError(
                f"trajectory {label!r} must have shape {expected} for a {n_dims}-D f, "
                f"got {points.shape}"
            )
        finite = np.isfinite(points) if n_dims == 1 else np.isfinite(points).all(axis=1)
        if len(points) == 0 or not finite[0]:
            raise ValueError(f"trajectory {label!r} has no finite starting point")
        name = str(label)
        if not finite.all():
            # A diverged run (inf, then NaN): draw it up to its last finite step.
            stop = int(np.argmin(finite))
            points = points[:stop]
            name = f"{label} (diverged at step {stop})"
        result.append((name, points))
    return result


def _evaluate_1d(f: Callable[[np.ndarray], Any], x: np.ndarray) -> np.ndarray:
    values = _to_numpy(f(x)).astype(float)
    if values.shape != x.shape:
        raise ValueError(
            f"f must be vectorised: f(x) for x of shape {x.shape} returned shape "
            f"{values.shape}; use NumPy operations (np.sin, not math.sin)"
        )
    return values


def _start_marker(ax: Axes, x: float, y: float, colour: str) -> None:
    # A larger square with a black edge marks where a trajectory starts.
    ax.plot(
        [x], [y], marker="s", markersize=9, color=colour, markeredgecolor="black", label="_start"
    )


def _plot_loss_1d(
    f: Callable[[np.ndarray], Any],
    low: float,
    high: float,
    paths: list[tuple[str, np.ndarray]],
    ax: Axes,
    resolution: int,
    log_scale: bool,
) -> None:
    xs = np.linspace(low, high, resolution)
    curve = _evaluate_1d(f, xs)
    finite = curve[np.isfinite(curve)]
    if finite.size == 0:
        raise ValueError("f is not finite anywhere in bounds")
    ax.plot(xs, curve, color="black", linewidth=1.5, label="f(x)")
    for i, (label, path) in enumerate(paths):
        colour = f"C{i}"
        # A diverging path may reach x where f overflows; that is the point, not a bug.
        with np.errstate(over="ignore", invalid="ignore"):
            heights = _evaluate_1d(f, path)
        ax.plot(path, heights, "-o", color=colour, markersize=4, linewidth=1, label=label)
        _start_marker(ax, path[0], heights[0], colour)

    # The view is the curve over the bounds: a diverging trajectory leaves the picture
    # instead of squashing the curve into a flat line.
    ax.set_xlim(low, high)
    y_low, y_high = float(finite.min()), float(finite.max())
    if log_scale:
        if y_low <= 0:
            raise ValueError(f"log_scale needs f > 0 over the bounds, but its minimum is {y_low:g}")
        ax.set_yscale("log")
        margin = (y_high / y_low) ** 0.05 if y_high > y_low else 2.0
        ax.set_ylim(y_low / margin, y_high * margin)
    else:
        margin = 0.05 * (y_high - y_low) if y_high > y_low else 1.0
        ax.set_ylim(y_low - margin, y_high + margin)
    ax.set_xlabel("x")
    ax.set_ylabel("f(x)")


def _plot_loss_2d(
    f: Callable[[np.ndarray, np.ndarray], Any],
    bounds: np.ndarray,
    paths: list[tuple[str, np.ndarray]],
    fig: Figure,
    ax: Axes,
    resolution: int,
    levels: int | Sequence[float],
    log_scale: bool,
) -> None:
    (x_low, x_high), (y_low, y_high) = bounds
    grid_x, grid_y = np.meshgrid(
        np.linspace(x_low, x_high, resolution), np.linspace(y_low, y_high, resolution)
    )
    z = _to_numpy(f(grid_x, grid_y)).astype(float)
    if z.shape != grid_x.shape:
        raise ValueError(
            f"f(X, Y) must return an array of the shape of X and Y, {grid_x.shape}, "
            f"got {z.shape}; use NumPy operations on X and Y"
        )
    z = np.ma.masked_invalid(z)
    if z.count() == 0:
        raise ValueError("f is not finite anywhere in bounds")
    z_low, z_high = float(z.min()), float(z.max())

    norm = None
    if log_scale:
        if z_low <= 0:
            raise ValueError(
                f"log_scale needs f > 0 over the bounds, but its minimum is {z_low:g}; "
                "add a constant to f or use log_scale=False"
            )
        if z_high <= z_low:
            z_high = z_low * 2
        # Log-spaced levels show the detail near a minimum that linear levels hide.
        if isinstance(levels, int | np.integer):
            levels = np.geomspace(z_low, z_high, levels)
        norm = LogNorm(vmin=z_low, vmax=z_high)
    contours = ax.contourf(grid_x, grid_y, z, levels=levels, cmap="viridis", norm=norm)
    # Ticks at powers of ten: the default puts them at odd level values such as 104.9.
    ticks = LogLocator() if log_scale else None
    fig.colorbar(contours, ax=ax, label="f(x, y)", ticks=ticks)

    for i, (label, path) in enumerate(paths):
        # Colours that stand out on viridis.
        colour = ("tab:red", "white", "magenta", "cyan", "black")[i % 5]
        ax.plot(
            path[:, 0], path[:, 1], "-o", color=colour, markersize=3, linewidth=1.2, label=label
        )
        _start_marker(ax, path[0, 0], path[0, 1], colour)
    # Clip the view to the bounds so that a diverging trajectory cannot zoom it out.
    ax.set_xlim(x_low, x_high)
    ax.set_ylim(y_low, y_high)
    ax.set_xlabel("x")
    ax.set_ylabel("y")


def plot_loss_surface(
    f: Callable[..., Any],
    bounds: Sequence[float] | Sequence[Sequence[float]],
    *,
    trajectories: Mapping[str, ArrayLike] | None = None,
    ax: Axes | None = None,
    resolution: int = 200,
    levels: int | Sequence[float] = 30,
    log_scale: bool = False,
    title: str | None = None,
) -> Figure:
    """A function of one or two variables, with optimisation paths drawn on it.

    Args:
        f: the function, vectorised. For 1-D bounds it takes an array x and returns
            f(x) of the same shape; for 2-D bounds it takes two arrays X, Y of the same
            shape (from ``np.meshgrid``) and returns Z of that shape.
        bounds: ``(lo, hi)`` for a curve over lo..hi, or ``((xlo, xhi), (ylo, yhi))`` for
            a filled contour plot over that rectangle.
        trajectories: ``{label: points}`` with points of shape (steps,) in 1-D (drawn
            on the curve at (x, f(x))) or (steps, 2) in 2-D; each is drawn as a line
            with markers, its start as a large square. A trajectory is cut before its
            first non-finite point (its label then says where it diverged), and the
            view stays on bounds however far a trajectory goes.
        ax: Axes to draw into; default a new figure.
        resolution: points along each axis at which f is evaluated.
        levels: number of contour levels (2-D), or the level values.
        log_scale: a log y axis (1-D) or log-spaced levels (2-D); f must be > 0.
        title: default "loss surface".

    Returns:
        The figure.

    Raises:
        ValueError: bounds of another shape or with lo >= hi, an f that returns the
            wrong shape, or a trajectory of the wrong shape or not finite at its start.
    """
    _check_positive_int(resolution, "resolution", minimum=2)
    limits = np.asarray(bounds, dtype=float)
    if limits.shape not in ((2,), (2, 2)):
        raise ValueError(
            "bounds must be (lo, hi) for a 1-D f or ((xlo, xhi), (ylo, yhi)) for a 2-D f, "
            f"got {bounds!r}"
        )
    pairs = limits.reshape(-1, 2)
    if not np.all(np.isfinite(pairs)) or np.any(pairs[:, 0] >= pairs[:, 1]):
        raise ValueError(f"bounds must be finite with lo < hi, got {bounds!r}")
    n_dims = limits.ndim
    paths = _trajectory_list(trajectories, n_dims)

    fig, ax = _figure_and_axes(ax, (6.0, 4.5) if n_dims == 1 else (6.0, 5.0))
    if n_dims == 1:
        _plot_loss_1d(f, limits[0], limits[1], paths, ax, resolution, log_scale)
    else:
        _plot_loss_2d(f, limits, paths, fig, ax, resolution, levels, log_scale)
    if paths:
        ax.legend()
    ax.set_title("loss surface" if title is None else title)
    return fig


# --- Figures first used in lesson 01 (tensors) ---


def plot_bars(
    values: Mapping[str, float],
    *,
    ax: Axes | None = None,
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    horizontal: bool = True,
    log_scale: bool = False,
    annotate: bool = True,
    fmt: str = "{:.3g}",
    color: str | Sequence[str] | None = None,
) -> Figure:
    """One bar per named value, with the value written at the end of each bar.

    For timings (a loop against its vectorised version), per-layer gradient norms, one
    score per model: anything that is a handful of named numbers. Introduced in lesson
    01_tensors.

    Args:
        values: ``{name: value}``, drawn in the dict's order (top to bottom when
            horizontal, left to right otherwise). Values are numbers (floats, ints,
            0-d arrays or scalar tensors), finite; negative values draw bars to the
            left of (or below) zero.
        ax: Axes to draw into; default a new figure.
        title: a title above the bars.
        xlabel: label of the x axis (the value axis when horizontal).
        ylabel: label of the y axis (the value axis when not horizontal).
        horizontal: bars along x with the names on the y axis (good for long names);
            False for upright bars with the names under them.
        log_scale: a log value axis, for values that span several orders of magnitude
            (a loop 1000 times slower than a vectorised op); every value must be > 0.
        annotate: write each value, formatted with ``fmt``, at the end of its bar.
        fmt: a format string for the written values, e.g. ``"{:.2f} s"``.
        color: one colour for every bar or one per bar; default matplotlib's first.

    Returns:
        The figure.

    Raises:
        TypeError: values that is not a dict.
        ValueError: no values, a value that is not a finite number, a value <= 0 with
            ``log_scale``, or a list of colours of another length.
    """
    if not isinstance(values, Mapping):
        raise TypeError(f"values must be a dict {{name: number}}, got {type(values).__name__}")
    if len(values) == 0:
        raise ValueError("values is empty: give at least one {name: number}")
    names = [str(name) for name in values]
    numbers = []
    for name, value in values.items():
        array = _to_numpy(value)
        if array.size != 1 or not np.issubdtype(array.dtype, np.number):
            raise ValueError(f"values[{name!r}] must be one number, got {value!r}")
        number = float(array.reshape(()))
        if not np.isfinite(number):
            raise ValueError(f"values[{name!r}] is {number}, but every value must be finite")
        numbers.append(number)
    heights = np.array(numbers)
    if log_scale and heights.min() <= 0:
        bad = names[int(np.argmin(heights))]
        raise ValueError(
            f"log_scale needs every value > 0, but values[{bad!r}] is {heights.min():g}; "
            "use log_scale=False"
        )
    if color is None or isinstance(color, str):
        colours: Any = color if color is not None else "C0"
    else:
        colours = list(color)
        if len(colours) != len(names):
            raise ValueError(f"got {len(colours)} colours for {len(names)} bars")

    n = len(names)
    longest = max(len(name) for name in names)
    size = (6.5 + 0.06 * longest, 1.2 + 0.45 * n) if horizontal else (max(4.0, 0.8 * n + 1), 4.0)
    fig, ax = _figure_and_axes(ax, size)
    positions = np.arange(n)
    if log_scale:
        # Bars grow from a base below the smallest value: a log axis has no zero.
        base = float(heights.min()) / 10**0.5
        lengths = heights - base
    else:
        base, lengths = 0.0, heights
    if horizontal:
        bars = ax.barh(positions, lengths, left=base, color=colours)
        ax.set_yticks(positions, labels=names)
        ax.invert_yaxis()  # the first value on top, as it reads
        if not log_scale:
            ax.axvline(0, color="black", linewidth=0.8)
        value_axis = ax.xaxis
    else:
        bars = ax.bar(positions, lengths, bottom=base, color=colours)
        ax.set_xticks(positions, labels=names)
        if longest > 6:
            ax.tick_params(axis="x", labelrotation=30)
            for label in ax.get_xticklabels():
                label.set_horizontalalignment("right")
                label.set_rotation_mode("anchor")
        if not log_scale:
            ax.axhline(0, color="black", linewidth=0.8)
        value_axis = ax.yaxis

    # Room beyond the longest bars for the written values.
    room = 1.35 if annotate else 1.08
    if log_scale:
        low, high = base, float(heights.max()) * (room**3 if annotate else room)
        if horizontal:
            ax.set_xscale("log")
        else:
            ax.set_yscale("log")
    else:
        low = min(0.0, float(heights.min()))
        high = max(0.0, float(heights.max()))
        span = (high - low) or 1.0
        low = low - (room - 1) * span if low < 0 else 0.0
        high = high + (room - 1) * span if high > 0 or low == 0 else 0.0
    if horizontal:
        ax.set_xlim(low, high)
    else:
        ax.set_ylim(low, high)
    if annotate:
        ax.bar_label(bars, labels=[fmt.format(v) for v in heights], padding=3, fontsize=9)
    value_axis.grid(True, alpha=0.3)
    ax.set_axisbelow(True)
    if xlabel is not None:
        ax.set_xlabel(xlabel)
    if ylabel is not None:
        ax.set_ylabel(ylabel)
    if title is not None:
        ax.set_title(title)
    return fig


def _shape_tuple(shape: Any, name: str) -> tuple[int, ...]:
    """A shape as a tuple of ints; an int means a 1-axis shape."""
    if isinstance(shape, int | np.integer):
        shape = (shape,)
    try:
        sizes = tuple(shape)
    except TypeError:
        raise ValueError(f"{name} must be a shape such as (4, 3), got {shape!r}") from None
    if not all(isinstance(s, int | np.integer) and not isinstance(s, bool) for s in sizes):
        raise ValueError(f"{name} must be a tuple of ints such as (4, 3), got {shape!r}")
    if any(s < 1 for s in sizes):
        raise ValueError(f"{name} must have sizes >= 1 to be drawn, got {sizes}")
    return tuple(int(s) for s in sizes)


def _broadcast_shape(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
    """NumPy's broadcast result shape, or a ValueError that states the rule."""
    ndim = max(len(a), len(b))
    padded_a = (1,) * (ndim - len(a)) + a
    padded_b = (1,) * (ndim - len(b)) + b
    result = []
    for axis, (m, n) in enumerate(zip(padded_a, padded_b, strict=True)):
        if m != n and 1 not in (m, n):
            raise ValueError(
                f"shapes {a} and {b} do not broadcast: compared from the right, axis "
                f"{axis - ndim} has sizes {m} and {n}. Two sizes broadcast only when they "
                "are equal or one of them is 1 (a missing leading axis counts as 1)"
            )
        result.append(max(m, n))
    return tuple(result)


def _draw_operand(
    ax: Axes,
    x0: float,
    shape: tuple[int, ...],
    result: tuple[int, ...],
    colour: Any,
) -> None:
    """One operand on the result's grid: its own cells solid, broadcast copies faded."""
    padded = (1,) * (len(result) - len(shape)) + shape
    rows, cols = (1, 1) if len(result) == 0 else (1, result[0]) if len(result) == 1 else result
    own_rows, own_cols = (
        (1, 1) if len(padded) == 0 else (1, padded[0]) if len(padded) == 1 else padded
    )
    for i in range(rows):
        for j in range(cols):
            own = i < own_rows and j < own_cols
            ax.add_patch(
                Rectangle(
                    (x0 + j, -i - 1),
                    1,
                    1,
                    facecolor=colour,
                    alpha=0.85 if own else 0.18,
                    edgecolor="black",
                    linewidth=1.0 if own else 0.6,
                    linestyle="-" if own else "--",
                )
            )


def plot_broadcasting(
    a_shape: int | Sequence[int],
    b_shape: int | Sequence[int],
    *,
    op: str = "+",
    names: tuple[str, str] = ("a", "b"),
    ax: Axes | None = None,
    title: str | None = None,
) -> Figure:
    """How two arrays' shapes line up and stretch to the shape of ``a op b``.

    Each operand is drawn on the grid of the result, one box per element: its own
    elements solid, the copies that broadcasting makes faded and dashed (NumPy and
    TensorFlow never store those copies). The rule: align the shapes on the right, pad
    the shorter one with 1s on the left, then on every axis the sizes must be equal or
    one of them 1, which is stretched to the other. Introduced in lesson 01_tensors.

    Args:
        a_shape: shape of the left operand, e.g. ``(4, 3)``; ``()`` for a scalar and an
            int for a 1-axis shape.
        b_shape: shape of the right operand, e.g. ``(3,)``.
        op: the element-wise operator written between them, e.g. ``"+"`` or ``"*"``.
        names: what to call the two operands in the labels.
        ax: Axes to draw into; default a new figure.
        title: default ``"a (4, 3) + b (3,) -> (4, 3)"`` for the shapes given.

    Returns:
        The figure.

    Raises:
        ValueError: shapes that do not broadcast (the message states the rule and the
            axis that breaks it), sizes < 1, a result with more than 2 axes, or more than
            12 elements along an axis (too many boxes to read).
    """
    a = _shape_tuple(a_shape, "a_shape")
    b = _shape_tuple(b_shape, "b_shape")
    result = _broadcast_shape(a, b)
    if len(result) > 2:
        raise ValueError(
            f"the result {result} has {len(result)} axes; this figure draws at most 2 "
            "(rows and columns): try the last two axes of your shapes"
        )
    if any(size > 12 for size in result):
        raise ValueError(
            f"the result {result} has more than 12 elements along an axis; draw a smaller "
            "example with the same pattern of 1s"
        )
    rows, cols = (1, 1) if len(result) == 0 else (1, result[0]) if len(result) == 1 else result
    gap = 1.6
    starts = [0.0, cols + gap, 2 * (cols + gap)]
    fig, ax = _figure_and_axes(ax, (max(6.0, 3 * cols * 0.55 + 2.5), 1.6 + 0.55 * rows))
    colours = ("tab:blue", "tab:orange", "tab:green")
    _draw_operand(ax, starts[0], a, result, colours[0])
    _draw_operand(ax, starts[1], b, result, colours[1])
    _draw_operand(ax, starts[2], result, result, colours[2])
    middle = -rows / 2
    for x, sign in ((starts[0] + cols + gap / 2, op), (starts[1] + cols + gap / 2, "=")):
        ax.text(x, middle, sign, ha="center", va="center", fontsize=16)

    def label(name: str, shape: tuple[int, ...]) -> str:
        padded = (1,) * (len(result) - len(shape)) + shape
        text = f"{name} {shape}"
        if padded != shape:
            text += f"\nas {padded}"
        if padded != result:
            text += f"\nstretched to {result}"
        return text

    texts = (label(names[0], a), label(names[1], b), f"result {result}")
    for x, text in zip(starts, texts, strict=True):
        ax.text(x + cols / 2, 0.25, text, ha="center", va="bottom", fontsize=9)
    ax.text(
        starts[0],
        -rows - 0.35,
        "solid: elements stored; faded: copies broadcasting makes (never stored)",
        ha="left",
        va="top",
        fontsize=8,
        color="dimgray",
    )
    ax.set_xlim(-0.3, starts[2] + cols + 0.3)
    ax.set_ylim(-rows - 1.1, 1.9)
    ax.set_aspect("equal")
    ax.set_axis_off()
    if title is None:
        title = f"{names[0]} {a} {op} {names[1]} {b} -> {result}"
    ax.set_title(title)
    return fig


# --- Figures first used in lesson 03 (backpropagation) ---


def _curve_points(label: str, values: Any) -> tuple[np.ndarray, np.ndarray]:
    """``(x, y)`` float arrays of one curve given as ``(x, y)`` or as y alone."""
    is_pair = (
        isinstance(values, tuple)
        and len(values) == 2
        and all(np.ndim(_to_numpy(part)) >= 1 for part in values)
    )
    if is_pair:
        x, y = (_to_numpy(part) for part in values)
    else:
        y = _to_numpy(values)
        x = np.arange(y.shape[0]) if y.ndim == 1 else np.empty(0)
    for name, array in (("x", x), ("y", y)):
        numbers = np.issubdtype(array.dtype, np.number) or array.dtype == bool
        if array.ndim != 1 or not numbers:
            found = f"shape {array.shape}" if array.ndim != 1 else f"dtype {array.dtype}"
            raise ValueError(
                f"curve {label!r}: {name} must be a 1-D array of numbers, got {found}; "
                "give a curve as y of shape (n,) or as a tuple (x, y) of two shape-(n,) arrays"
            )
    if len(x) != len(y):
        raise ValueError(f"curve {label!r}: x has {len(x)} values but y has {len(y)}")
    x, y = x.astype(float), y.astype(float)
    if not np.any(np.isfinite(x) & np.isfinite(y)):
        raise ValueError(f"curve {label!r} has no finite point to draw")
    return x, y


def plot_curves(
    curves: Mapping[str, tuple[ArrayLike, ArrayLike] | ArrayLike],
    *,
    ax: Axes | None = None,
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    log_scale: bool = False,
    markers: bool | None = None,
) -> Figure:
    """Several labelled curves y(x) on one Axes: functions, gradient norms, any series.

    Introduced in lesson 03 (activation functions and their derivatives, gradient norm
    per layer on a log scale).

    Args:
        curves: ``{label: (x, y)}`` with x and y of shape (n,), or ``{label: y}`` with y
            of shape (n,), drawn against x = 0, 1, ..., n-1. Curves may have different
            lengths. Each is drawn in its own colour, in the mapping's order, and named
            in the legend by its label. NaN and inf points are left out of the line.
        ax: Axes to draw into; default a new figure.
        title: the Axes' title; default none.
        xlabel: the x-axis label; default "x".
        ylabel: the y-axis label; default "y".
        log_scale: a logarithmic y axis (every finite y must then be > 0), for values
            that span several orders of magnitude, such as gradient norms.
        markers: draw a marker at every point; default (None) when no curve has more
            than 30 points, so that short series (one value per layer) show their points.

    Returns:
        The figure.

    Raises:
        ValueError: an empty mapping, a curve that is not 1-D, x and y of different
            lengths, a curve with no finite point, or y <= 0 with ``log_scale``.
        TypeError: ``curves`` is not a mapping.
    """
    if not isinstance(curves, Mapping):
        kind = type(curves).__name__
        raise TypeError(f"curves must be a dict {{label: y}} or {{label: (x, y)}}, got {kind}")
    if not curves:
        raise ValueError("curves is empty: give at least one {label: y} or {label: (x, y)}")
    points = [(str(label), *_curve_points(str(label), values)) for label, values in curves.items()]
    if log_scale:
        for label, _, y in points:
            finite = y[np.isfinite(y)]
            if finite.size and finite.min() <= 0:
                raise ValueError(
                    f"log_scale needs y > 0, but curve {label!r} has minimum {finite.min():g}"
                )
    if markers is None:
        markers = max(len(y) for _, _, y in points) <= 30

    fig, ax = _figure_and_axes(ax, (6.0, 4.0))
    for i, (label, x, y) in enumerate(points):
        ax.plot(x, y, "-o" if markers else "-", color=f"C{i}", markersize=4, label=label)
    if log_scale:
        ax.set_yscale("log")
    ax.set_xlabel("x" if xlabel is None else xlabel)
    ax.set_ylabel("y" if ylabel is None else ylabel)
    if title is not None:
        ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend()
    return fig
