"""Tests of dlcourse.plots: what each function draws, not only that it runs."""

from __future__ import annotations

import ast
import io
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_rgba
from matplotlib.contour import ContourSet
from sklearn.metrics import confusion_matrix

from dlcourse import plots


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def assert_png(fig) -> None:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=50)  # low dpi: the test is that it renders
    assert buffer.getvalue().startswith(b"\x89PNG")


def same_colour(a, b) -> bool:
    return to_rgba(a) == to_rgba(b)


def contour_sets(ax) -> list[ContourSet]:
    return [c for c in ax.collections if isinstance(c, ContourSet)]


def legend_texts(ax) -> list[str]:
    return [t.get_text() for t in ax.get_legend().get_texts()]


class FakeHistory:
    """What model.fit returns, as far as plot_history is concerned."""

    def __init__(self, history: dict) -> None:
        self.history = history


class FakeTensor:
    """A stand-in for a TensorFlow tensor: only .numpy() gives its values."""

    def __init__(self, values) -> None:
        self._values = np.asarray(values)

    def numpy(self) -> np.ndarray:
        return self._values


LOGS = {
    "loss": [1.0, 0.7, 0.5, 0.4, 0.35],
    "accuracy": [0.5, 0.6, 0.7, 0.8, 0.85],
    "val_loss": [1.1, 0.8, 0.6, 0.65, 0.7],
    "val_accuracy": [0.45, 0.55, 0.72, 0.7, 0.69],
}


def test_module_imports_neither_tensorflow_nor_keras():
    tree = ast.parse(Path(plots.__file__).read_text())
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not {name for name in imported if name and name.split(".")[0] in {"tensorflow", "keras"}}


# ---------------------------------------------------------------------- plot_history


def test_history_one_run_draws_train_solid_val_dashed_and_best_epoch():
    fig = plots.plot_history(LOGS, title="run 1")

    assert [ax.get_title() for ax in fig.axes] == ["loss", "accuracy"]
    assert fig.get_suptitle() == "run 1"
    loss_ax, acc_ax = fig.axes
    train, val, best = loss_ax.get_lines()
    np.testing.assert_array_equal(train.get_xdata(), [1, 2, 3, 4, 5])
    np.testing.assert_allclose(train.get_ydata(), LOGS["loss"])
    np.testing.assert_allclose(val.get_ydata(), LOGS["val_loss"])
    assert train.get_linestyle() == "-"
    assert val.get_linestyle() == "--"
    assert same_colour(train.get_color(), val.get_color())
    # Lowest val_loss at epoch 3, highest val_accuracy at epoch 3 too.
    assert (best.get_xdata()[0], best.get_ydata()[0]) == (3, 0.6)
    assert best.get_marker() == "o"
    acc_best = acc_ax.get_lines()[2]
    assert (acc_best.get_xdata()[0], acc_best.get_ydata()[0]) == (3, 0.72)
    assert loss_ax.get_xlabel() == "epoch"
    assert loss_ax.get_ylabel() == "loss"
    assert legend_texts(loss_ax) == ["train", "validation (best: epoch 3)"]
    assert_png(fig)


def test_history_puts_loss_first_and_selects_metrics():
    logs = {"accuracy": [0.5, 0.6], "loss": [1.0, 0.8]}
    assert [ax.get_title() for ax in plots.plot_history(logs).axes] == ["loss", "accuracy"]

    fig = plots.plot_history(LOGS, "accuracy")
    assert len(fig.axes) == 1
    np.testing.assert_allclose(fig.axes[0].get_lines()[0].get_ydata(), LOGS["accuracy"])


def test_history_without_validation_has_one_line_and_no_legend():
    fig = plots.plot_history({"loss": [3.0, 2.0, 1.0]})
    (ax,) = fig.axes
    (line,) = ax.get_lines()
    np.testing.assert_allclose(line.get_ydata(), [3.0, 2.0, 1.0])
    assert ax.get_legend() is None


def test_history_accepts_a_keras_history_like_object():
    fig = plots.plot_history(FakeHistory(LOGS))
    assert len(fig.axes) == 2
    np.testing.assert_allclose(fig.axes[0].get_lines()[1].get_ydata(), LOGS["val_loss"])


def test_history_compares_several_runs_on_shared_axes():
    short = {key: values[:3] for key, values in LOGS.items()}
    fig = plots.plot_history({"long": FakeHistory(LOGS), "short": short})

    assert len(fig.axes) == 2
    lines = fig.axes[0].get_lines()
    assert len(lines) == 6  # train, val, best dot for each run
    long_train, long_val, _, short_train, short_val, short_best = lines
    np.testing.assert_array_equal(short_train.get_xdata(), [1, 2, 3])
    np.testing.assert_allclose(short_val.get_ydata(), LOGS["val_loss"][:3])
    assert same_colour(long_train.get_color(), long_val.get_color())
    assert same_colour(short_train.get_color(), short_best.get_color())
    assert not same_colour(long_train.get_color(), short_train.get_color())
    assert short_val.get_linestyle() == "--"
    assert legend_texts(fig.axes[0]) == [
        "long train",
        "long val (best: epoch 3)",
        "short train",
        "short val (best: epoch 3)",
    ]
    assert_png(fig)


def test_history_draws_into_given_axes():
    fig, axes = plt.subplots(1, 2)
    assert plots.plot_history(LOGS, axes=axes) is fig
    assert all(len(ax.get_lines()) == 3 for ax in axes)


def test_history_wraps_many_metrics_into_rows():
    logs = {name: [1.0, 2.0] for name in ["loss", "a", "b", "c"]}
    fig = plots.plot_history(logs)
    assert len(fig.axes) == 4  # a 2 x 3 grid with its two unused Axes removed


@pytest.mark.parametrize(
    ("history", "message"),
    [
        ({}, "empty"),
        (FakeHistory({}), "empty"),
        ({"loss": []}, "empty"),
        ({"loss": [1.0, 0.5], "val_loss": [1.0]}, "different lengths"),
        ({"run": {"loss": [1.0]}, "loss": [1.0]}, "mixes runs"),
        ({"run": {}}, "empty"),
    ],
)
def test_history_rejects_bad_histories(history, message):
    with pytest.raises(ValueError, match=message):
        plots.plot_history(history)


def test_history_unknown_metric_lists_the_available_ones():
    with pytest.raises(ValueError, match=r"'auc'.*available: loss, accuracy"):
        plots.plot_history(LOGS, ["loss", "auc"])


def test_history_rejects_too_few_axes():
    _, ax = plt.subplots()
    with pytest.raises(ValueError, match="1 axes for 2 metrics"):
        plots.plot_history(LOGS, axes=ax)


# ----------------------------------------------------------------------- plot_images


def images_in(fig) -> list:
    return [image for ax in fig.axes for image in ax.get_images()]


def test_images_grid_shows_each_image_without_ticks():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(10, 8, 8), dtype=np.uint8)
    fig = plots.plot_images(images, ncols=4, title="digits")

    assert len(fig.axes) == 10
    shown = images_in(fig)
    assert len(shown) == 10
    for image, expected in zip(shown, images, strict=True):
        np.testing.assert_array_equal(image.get_array(), expected)
        assert image.get_clim() == (0, 255)  # uint8 keeps its natural range
    assert all(len(ax.get_xticks()) == 0 and len(ax.get_yticks()) == 0 for ax in fig.axes)
    # ncols=4: the first four images share a row.
    assert len({round(ax.get_position().y0, 3) for ax in fig.axes[:4]}) == 1
    assert fig.axes[4].get_position().y0 < fig.axes[0].get_position().y0
    assert fig.get_suptitle() == "digits"
    assert_png(fig)


def test_images_reshapes_flat_rows_and_single_channel():
    rng = np.random.default_rng(1)
    flat = rng.random((3, 16))
    fig = plots.plot_images(flat)
    for image, expected in zip(images_in(fig), flat.reshape(3, 4, 4), strict=True):
        np.testing.assert_array_equal(image.get_array(), expected)
    assert images_in(fig)[0].get_clim() == (0, 1)  # floats in [0, 1] keep their range

    channel = rng.random((2, 5, 5, 1))
    fig = plots.plot_images(channel)
    np.testing.assert_array_equal(images_in(fig)[1].get_array(), channel[1, :, :, 0])


def test_images_rgb_and_unusual_ranges_are_scaled_for_display():
    rgb = np.zeros((2, 4, 4, 3))
    rgb[1] = 10.0
    fig = plots.plot_images(rgb)
    first, second = images_in(fig)
    assert first.get_array().shape == (4, 4, 3)
    np.testing.assert_allclose(first.get_array(), 0.0)
    np.testing.assert_allclose(second.get_array(), 1.0)

    fig = plots.plot_images(np.ones((1, 3, 3), dtype=bool))
    assert images_in(fig)[0].get_clim() == (0, 1)  # True shows white, not near-black

    standardised = np.random.default_rng(2).normal(size=(2, 6, 6))
    fig = plots.plot_images(standardised)
    low, high = images_in(fig)[0].get_clim()
    assert (low, high) == (standardised.min(), standardised.max())
    assert_png(fig)


def test_images_titles_use_class_names_and_one_hot_labels():
    images = np.zeros((3, 4, 4))
    names = ["cat", "dog", "bird"]
    fig = plots.plot_images(images, [2, 0, 1], class_names=names)
    assert [ax.get_title() for ax in fig.axes] == ["bird", "cat", "dog"]

    fig = plots.plot_images(images, np.eye(3)[[1, 1, 0]])
    assert [ax.get_title() for ax in fig.axes] == ["1", "1", "0"]


def test_images_predictions_are_green_when_right_and_red_when_wrong():
    images = np.zeros((3, 4, 4))
    probabilities = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]])
    fig = plots.plot_images(images, [0, 0, 0], predictions=probabilities, class_names=["no", "yes"])
    assert [ax.get_title() for ax in fig.axes] == ["no / no", "yes / no", "no / no"]
    colours = [ax.title.get_color() for ax in fig.axes]
    assert same_colour(colours[0], plots.RIGHT_COLOUR)
    assert same_colour(colours[1], plots.WRONG_COLOUR)
    assert same_colour(colours[2], plots.RIGHT_COLOUR)
    assert_png(fig)


def test_images_shows_at_most_max_images():
    fig = plots.plot_images(np.zeros((100, 3, 3)), np.arange(100) % 10, max_images=12)
    assert len(images_in(fig)) == 12
    assert fig.axes[-1].get_title() == "1"


def test_images_draws_into_given_axes():
    fig, axes = plt.subplots(2, 3)
    assert plots.plot_images(np.zeros((4, 3, 3)), axes=axes) is fig
    assert sum(len(ax.get_images()) for ax in axes.ravel()) == 4
    assert not axes[1, 2].axison


@pytest.mark.parametrize(
    ("images", "labels", "message"),
    [
        (np.zeros((2, 10)), None, "reshape"),
        (np.zeros((2, 4, 4, 2)), None, "shape"),
        (np.zeros(5), None, "shape"),
        (np.zeros((0, 4, 4)), None, "empty"),
        (np.zeros((3, 4, 4)), [0, 1], "2 labels for 3 images"),
    ],
)
def test_images_rejects_bad_input(images, labels, message):
    with pytest.raises(ValueError, match=message):
        plots.plot_images(images, labels)


# ------------------------------------------------------------ plot_decision_boundary


class RightHalfIsOne:
    """predict = x0 > 0, recording each call."""

    def __init__(self) -> None:
        self.calls: list[np.ndarray] = []

    def __call__(self, grid: np.ndarray) -> np.ndarray:
        self.calls.append(grid)
        return (grid[:, 0] > 0).astype(np.float32)


def region_x_ranges(ax) -> list[tuple[float, float]]:
    """(min x, max x) of each class's filled region."""
    (filled,) = contour_sets(ax)
    return [(p.vertices[:, 0].min(), p.vertices[:, 0].max()) for p in filled.get_paths()]


POINTS = np.array([[-2.0, -1.0], [-1.0, 1.0], [1.0, -1.0], [2.0, 1.0]])


def test_decision_boundary_calls_predict_once_on_the_whole_grid():
    predict = RightHalfIsOne()
    fig = plots.plot_decision_boundary(predict, POINTS, [0, 0, 1, 1], resolution=50)

    assert len(predict.calls) == 1
    (grid,) = predict.calls
    assert grid.shape == (50 * 50, 2)
    assert grid.dtype == np.float32
    # The grid reaches `padding` (0.5) beyond the data on every side.
    np.testing.assert_allclose(grid.min(axis=0), [-2.5, -1.5])
    np.testing.assert_allclose(grid.max(axis=0), [2.5, 1.5])
    ax = fig.axes[0]
    assert ax.get_xlim() == pytest.approx((-2.5, 2.5))
    assert ax.get_title() == "decision boundary"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("x[0]", "x[1]")
    assert_png(fig)


def test_decision_boundary_regions_follow_a_linear_rule():
    fig = plots.plot_decision_boundary(RightHalfIsOne(), POINTS, resolution=101)
    step = 5.0 / 100
    (class0_low, class0_high), (class1_low, class1_high) = region_x_ranges(fig.axes[0])
    # Class 0 fills the left half, class 1 the right half, split at x0 = 0.
    assert class0_low == pytest.approx(-2.5)
    assert abs(class0_high) <= step
    assert abs(class1_low) <= step
    assert class1_high == pytest.approx(2.5)


def test_decision_boundary_scatters_points_coloured_by_class():
    fig = plots.plot_decision_boundary(
        RightHalfIsOne(), POINTS, np.eye(2)[[0, 1, 0, 1]], class_names=["neg", "pos"]
    )
    ax = fig.axes[0]
    scatters = [c for c in ax.collections if not isinstance(c, ContourSet)]
    assert len(scatters) == 2
    np.testing.assert_allclose(scatters[0].get_offsets(), POINTS[[0, 2]])
    np.testing.assert_allclose(scatters[1].get_offsets(), POINTS[[1, 3]])
    assert not same_colour(scatters[0].get_facecolor()[0], scatters[1].get_facecolor()[0])
    assert legend_texts(ax) == ["neg", "pos"]


@pytest.mark.parametrize(
    "predict",
    [
        # sigmoid probabilities (m, 1) as a Keras model returns them, as a tensor
        lambda g: FakeTensor(1 / (1 + np.exp(-10 * g[:, :1]))),
        # softmax rows (m, 2): argmax
        lambda g: np.column_stack([g[:, 0] <= 0, g[:, 0] > 0]) * 0.8 + 0.1,
        # integer labels (m,)
        lambda g: (g[:, 0] > 0).astype(np.int64),
    ],
    ids=["sigmoid-tensor", "softmax", "labels"],
)
def test_decision_boundary_understands_each_kind_of_output(predict):
    fig = plots.plot_decision_boundary(predict, POINTS, [0, 0, 1, 1], resolution=101)
    (_, class0_high), (class1_low, _) = region_x_ranges(fig.axes[0])
    assert abs(class0_high) <= 0.05
    assert abs(class1_low) <= 0.05


def test_decision_boundary_with_several_classes_and_no_labels():
    def three_bands(grid):
        return np.digitize(grid[:, 0], [-1.0, 1.0])

    fig, ax = plt.subplots()
    assert plots.plot_decision_boundary(three_bands, POINTS, ax=ax, title="bands") is fig
    assert len(contour_sets(ax)[0].get_paths()) == 3
    (scatter,) = [c for c in ax.collections if not isinstance(c, ContourSet)]
    np.testing.assert_allclose(scatter.get_offsets(), POINTS)
    assert ax.get_title() == "bands"


@pytest.mark.parametrize(
    ("X", "y", "predict", "message"),
    [
        (np.zeros((4, 3)), None, RightHalfIsOne(), r"X must have shape \(n, 2\)"),
        (np.zeros(4), None, RightHalfIsOne(), r"X must have shape \(n, 2\)"),
        (POINTS, [0, 1], RightHalfIsOne(), "2 labels y for 4 points"),
        (POINTS, None, lambda g: np.zeros(3), "one prediction per point"),
        (POINTS, None, lambda g: g[:, 0] * 5, "probabilities"),
    ],
)
def test_decision_boundary_rejects_bad_input(X, y, predict, message):
    with pytest.raises(ValueError, match=message):
        plots.plot_decision_boundary(predict, X, y, resolution=10)


# ------------------------------------------------------------- plot_confusion_matrix


def annotations(ax, k: int) -> list[list[str]]:
    """The text written in each cell, as a (k, k) nested list."""
    cells = [[""] * k for _ in range(k)]
    for text in ax.texts:
        column, row = text.get_position()
        cells[int(row)][int(column)] = text.get_text()
    return cells


Y_TRUE = np.array([0, 0, 0, 1, 1, 2, 2, 2, 2, 1])
Y_PRED = np.array([0, 1, 0, 1, 2, 2, 2, 0, 2, 1])


def test_confusion_matrix_from_labels_matches_sklearn():
    fig = plots.plot_confusion_matrix(
        y_true=Y_TRUE, y_pred=Y_PRED, class_names=["a", "b", "c"], title="test set"
    )
    ax = fig.axes[0]
    expected = confusion_matrix(Y_TRUE, Y_PRED)
    assert annotations(ax, 3) == [[str(v) for v in row] for row in expected]
    np.testing.assert_array_equal(ax.get_images()[0].get_array(), expected)
    assert len(fig.axes) == 2  # the matrix and its colourbar
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("predicted", "true")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b", "c"]
    assert ax.get_title() == "test set"
    assert_png(fig)


def test_confusion_matrix_from_probabilities_and_one_hot():
    probabilities = np.eye(3)[Y_PRED] * 0.7 + 0.1
    fig = plots.plot_confusion_matrix(y_true=np.eye(3)[Y_TRUE], y_pred=probabilities)
    expected = confusion_matrix(Y_TRUE, Y_PRED)
    assert annotations(fig.axes[0], 3) == [[str(v) for v in row] for row in expected]


def test_confusion_matrix_keeps_classes_that_class_names_add():
    fig = plots.plot_confusion_matrix(y_true=[0, 1], y_pred=[0, 1], class_names=["a", "b", "c"])
    assert annotations(fig.axes[0], 3) == [["1", "0", "0"], ["0", "1", "0"], ["0", "0", "0"]]


def test_confusion_matrix_normalized_rows_with_an_empty_row():
    cm = np.array([[3, 1, 0], [0, 0, 0], [1, 1, 2]])
    fig = plots.plot_confusion_matrix(cm, normalize=True)
    ax = fig.axes[0]
    assert annotations(ax, 3) == [
        ["0.75", "0.25", "0.00"],
        ["0.00", "0.00", "0.00"],
        ["0.25", "0.25", "0.50"],
    ]
    assert ax.get_images()[0].get_clim() == (0, 1)
    assert ax.get_title() == "confusion matrix (rows normalized)"
    assert_png(fig)


def test_confusion_matrix_draws_into_given_axes():
    fig, ax = plt.subplots()
    assert plots.plot_confusion_matrix([[5, 1], [2, 7]], ax=ax) is fig
    assert annotations(ax, 2) == [["5", "1"], ["2", "7"]]
    assert ax.get_title() == "confusion matrix"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"cm": np.zeros((2, 3))}, "square"),
        ({"cm": np.zeros(4)}, "square"),
        ({}, "either"),
        ({"y_true": [0, 1]}, "either"),
        ({"cm": np.eye(2), "y_true": [0], "y_pred": [0]}, "not both"),
        ({"y_true": [0, 1, 1], "y_pred": [0, 1]}, "3 labels but y_pred has 2"),
        ({"cm": np.eye(3), "class_names": ["a", "b"]}, "2 names"),
    ],
)
def test_confusion_matrix_rejects_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        plots.plot_confusion_matrix(**kwargs)


# ----------------------------------------------------------------- plot_loss_surface


def square(x):
    return x**2


def bowl(x, y):
    return x**2 + 4 * y**2


def test_loss_curve_1d_with_a_trajectory_on_it():
    path = np.array([1.5, 0.9, 0.5, 0.2])
    fig = plots.plot_loss_surface(square, (-2, 2), trajectories={"gd": path}, resolution=50)
    ax = fig.axes[0]
    curve, line, start = ax.get_lines()
    np.testing.assert_allclose(curve.get_xdata(), np.linspace(-2, 2, 50))
    np.testing.assert_allclose(curve.get_ydata(), np.linspace(-2, 2, 50) ** 2)
    np.testing.assert_allclose(line.get_xdata(), path)
    np.testing.assert_allclose(line.get_ydata(), path**2)
    assert line.get_marker() == "o"
    assert (start.get_xdata()[0], start.get_ydata()[0]) == (1.5, 2.25)
    assert same_colour(start.get_color(), line.get_color())
    assert legend_texts(ax) == ["f(x)", "gd"]
    assert ax.get_xlim() == (-2, 2)
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_title()) == ("x", "f(x)", "loss surface")
    assert_png(fig)


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_loss_curve_1d_clips_and_cuts_a_diverging_trajectory():
    # 1e200 is finite but f overflows there; inf and nan end the trajectory.
    path = np.array([1.0, -3.0, 9.0, -27.0, 1e200, np.inf, np.nan])
    fig = plots.plot_loss_surface(square, (-2, 2), trajectories={"lr too big": path})
    ax = fig.axes[0]
    line = ax.get_lines()[1]
    np.testing.assert_allclose(line.get_xdata(), [1.0, -3.0, 9.0, -27.0, 1e200])
    assert line.get_label() == "lr too big (diverged at step 5)"
    # The view stays on the curve over the bounds, not on the trajectory's 729.
    assert ax.get_xlim() == (-2, 2)
    low, high = ax.get_ylim()
    assert -0.5 < low <= 0 and 4 <= high < 4.5
    assert_png(fig)


def test_loss_curve_1d_log_scale():
    fig = plots.plot_loss_surface(lambda x: np.exp(x), (0, 5), log_scale=True)
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    low, high = ax.get_ylim()
    assert 0 < low <= 1 and np.exp(5) <= high


def test_loss_surface_2d_with_trajectories():
    path = np.array([[0.8, 1.5], [0.5, -0.9], [0.3, 0.5], [0.1, -0.2]])
    fig = plots.plot_loss_surface(
        bowl,
        ((-1, 1), (-2, 2)),
        trajectories={"sgd": path, "momentum": path * 0.5},
        resolution=40,
        levels=12,
        title="bowl",
    )
    ax = fig.axes[0]
    assert len(fig.axes) == 2  # the contour plot and its colourbar
    (filled,) = contour_sets(ax)
    assert filled.filled
    sgd, sgd_start, momentum, _ = ax.get_lines()
    np.testing.assert_allclose(sgd.get_xdata(), path[:, 0])
    np.testing.assert_allclose(sgd.get_ydata(), path[:, 1])
    np.testing.assert_allclose(momentum.get_ydata(), path[:, 1] * 0.5)
    assert (sgd_start.get_xdata()[0], sgd_start.get_ydata()[0]) == (0.8, 1.5)
    assert sgd_start.get_marker() == "s"
    assert not same_colour(sgd.get_color(), momentum.get_color())
    assert legend_texts(ax) == ["sgd", "momentum"]
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_title()) == ("x", "y", "bowl")
    assert_png(fig)


def test_loss_surface_2d_clips_and_cuts_a_diverging_trajectory():
    path = np.array([[0.5, 0.5], [-2.0, 3.0], [40.0, -90.0], [1e200, 1e200], [np.inf, np.nan]])
    fig = plots.plot_loss_surface(bowl, ((-1, 1), (-2, 2)), trajectories={"diverged": path})
    ax = fig.axes[0]
    line = ax.get_lines()[0]
    np.testing.assert_allclose(line.get_xdata(), path[:4, 0])
    np.testing.assert_allclose(line.get_ydata(), path[:4, 1])
    assert line.get_label() == "diverged (diverged at step 4)"
    assert ax.get_xlim() == (-1, 1)
    assert ax.get_ylim() == (-2, 2)
    assert_png(fig)


def test_loss_surface_2d_log_scale_uses_log_spaced_levels():
    fig = plots.plot_loss_surface(
        lambda x, y: bowl(x, y) + 0.01, ((-1, 1), (-1, 1)), log_scale=True, levels=10
    )
    (filled,) = contour_sets(fig.axes[0])
    levels = filled.levels
    assert len(levels) == 10
    np.testing.assert_allclose(np.diff(np.log(levels)), np.log(levels[1] / levels[0]))


def test_loss_surface_draws_into_given_axes():
    fig, ax = plt.subplots()
    assert plots.plot_loss_surface(square, (0, 1), ax=ax) is fig
    assert len(ax.get_lines()) == 1
    assert ax.get_legend() is None


@pytest.mark.parametrize(
    ("f", "bounds", "kwargs", "message"),
    [
        (square, (0, 1, 2), {}, "bounds must be"),
        (square, (1, 0), {}, "lo < hi"),
        (lambda x: 1.0, (0, 1), {}, "vectorised"),
        (lambda x, y: 1.0, ((0, 1), (0, 1)), {}, "shape of X and Y"),
        (lambda x, y: x + y, ((-1, 1), (-1, 1)), {"log_scale": True}, "log_scale needs f > 0"),
        (square, (0, 1), {"trajectories": {"t": np.zeros((3, 2))}}, r"shape \(steps,\)"),
        (bowl, ((0, 1), (0, 1)), {"trajectories": {"t": np.zeros(3)}}, r"\(steps, 2\)"),
        (square, (0, 1), {"trajectories": {"t": [np.nan, 1.0]}}, "finite starting point"),
    ],
)
def test_loss_surface_rejects_bad_input(f, bounds, kwargs, message):
    with pytest.raises(ValueError, match=message):
        plots.plot_loss_surface(f, bounds, resolution=10, **kwargs)


# --------------------------------------------------------------------- real Keras


@pytest.mark.slow
def test_a_real_keras_model_history_and_decision_boundary():
    # One test, so that only one pytest-xdist worker pays for importing TensorFlow.
    keras = pytest.importorskip("keras")
    keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).normal(size=(20, 2)).astype("float32")
    y = (x[:, 0] > 0).astype("float32")
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=2, batch_size=10, validation_split=0.25, verbose=0)

    fig = plots.plot_history(history)
    assert [ax.get_title() for ax in fig.axes] == ["loss", "accuracy"]
    train, val, _ = fig.axes[0].get_lines()
    np.testing.assert_array_equal(train.get_xdata(), [1, 2])
    np.testing.assert_allclose(train.get_ydata(), history.history["loss"])
    np.testing.assert_allclose(val.get_ydata(), history.history["val_loss"])
    assert_png(fig)

    outputs = []

    def predict(grid):
        outputs.append(model(grid))  # a TensorFlow tensor of shape (m, 1)
        return outputs[-1]

    fig = plots.plot_decision_boundary(predict, x, y, resolution=30)
    (output,) = outputs
    assert not isinstance(output, np.ndarray) and output.shape == (900, 1)
    (filled,) = contour_sets(fig.axes[0])
    assert len(filled.levels) == 3  # two classes
    assert_png(fig)


# --- Figures first used in lesson 01 (tensors) ---


def bar_patches(ax) -> list:
    return list(ax.containers[0])


def test_bars_horizontal_in_dict_order_with_values_written():
    values = {"loop": 12.5, "broadcasting": 0.25, "matmul": 0.125}
    fig = plots.plot_bars(values, title="timings", xlabel="seconds")
    ax = fig.axes[0]
    bars = bar_patches(ax)
    assert [bar.get_width() for bar in bars] == [12.5, 0.25, 0.125]
    assert [t.get_text() for t in ax.get_yticklabels()] == list(values)
    # The first value is drawn on top: the y axis runs downwards.
    assert ax.yaxis_inverted()
    assert [t.get_text() for t in ax.texts] == ["12.5", "0.25", "0.125"]
    assert ax.get_xlim()[1] > 12.5 * 1.2  # room for the written value
    assert (ax.get_title(), ax.get_xlabel()) == ("timings", "seconds")
    assert_png(fig)


def test_bars_upright_with_negative_values_and_a_format():
    fig = plots.plot_bars({"a": 2.0, "b": -1.0}, horizontal=False, fmt="{:.1f} s", ylabel="y")
    ax = fig.axes[0]
    assert [bar.get_height() for bar in bar_patches(ax)] == [2.0, -1.0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b"]
    assert [t.get_text() for t in ax.texts] == ["2.0 s", "-1.0 s"]
    low, high = ax.get_ylim()
    assert low < -1.0 and high > 2.0
    assert ax.get_ylabel() == "y"
    assert_png(fig)


def test_bars_log_scale_ends_each_bar_at_its_value():
    values = {"slow": 10.0, "fast": 0.001}
    fig = plots.plot_bars(values, log_scale=True)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    ends = [bar.get_x() + bar.get_width() for bar in bar_patches(ax)]
    np.testing.assert_allclose(ends, [10.0, 0.001])
    starts = {bar.get_x() for bar in bar_patches(ax)}
    assert len(starts) == 1 and 0 < starts.pop() < 0.001
    assert_png(fig)


def test_bars_accept_tensors_numpy_scalars_and_colours_and_draw_into_given_axes():
    fig, ax = plt.subplots()
    values = {"a": FakeTensor(1.5), "b": np.float32(0.5), "c": 2}
    assert plots.plot_bars(values, ax=ax, annotate=False, color=["r", "g", "b"]) is fig
    bars = bar_patches(ax)
    assert [bar.get_width() for bar in bars] == [1.5, 0.5, 2.0]
    assert same_colour(bars[0].get_facecolor(), "r")
    assert same_colour(bars[2].get_facecolor(), "b")
    assert len(ax.texts) == 0


@pytest.mark.parametrize(
    ("values", "kwargs", "message"),
    [
        ({}, {}, "empty"),
        ({"a": float("nan")}, {}, "finite"),
        ({"a": [1.0, 2.0]}, {}, "one number"),
        ({"a": "fast"}, {}, "one number"),
        ({"a": 1.0, "b": 0.0}, {"log_scale": True}, r"values\['b'\] is 0"),
        ({"a": 1.0, "b": 2.0}, {"color": ["r"]}, "1 colours for 2 bars"),
    ],
)
def test_bars_reject_bad_input(values, kwargs, message):
    with pytest.raises(ValueError, match=message):
        plots.plot_bars(values, **kwargs)


def test_bars_reject_a_list_of_values():
    with pytest.raises(TypeError, match="dict"):
        plots.plot_bars([1.0, 2.0])


def cell_alphas(ax) -> list[float]:
    """The alpha of each drawn box, in drawing order (a, then b, then the result)."""
    return [patch.get_alpha() for patch in ax.patches]


def test_broadcasting_draws_own_elements_solid_and_copies_faded():
    fig = plots.plot_broadcasting((4, 3), (3,))
    ax = fig.axes[0]
    alphas = np.array(cell_alphas(ax)).reshape(3, 4, 3)  # operand, row, column
    solid = alphas > 0.5
    assert solid[0].all()  # a is (4, 3) itself
    assert solid[1, 0].all() and not solid[1, 1:].any()  # b's one row, copied down
    assert solid[2].all()  # the result
    texts = " | ".join(t.get_text() for t in ax.texts)
    assert "as (1, 3)" in texts and "stretched to (4, 3)" in texts
    assert ax.get_title() == "a (4, 3) + b (3,) -> (4, 3)"
    assert_png(fig)


def test_broadcasting_a_column_against_a_row_and_a_scalar():
    fig, ax = plt.subplots()
    assert plots.plot_broadcasting((4, 1), (1, 3), op="-", names=("x", "y"), ax=ax) is fig
    solid = np.array(cell_alphas(ax)).reshape(3, 4, 3) > 0.5
    assert solid[0, :, 0].all() and not solid[0, :, 1:].any()
    assert solid[1, 0, :].all() and not solid[1, 1:, :].any()
    assert ax.get_title() == "x (4, 1) - y (1, 3) -> (4, 3)"

    fig = plots.plot_broadcasting((), 5, op="*")
    solid = np.array(cell_alphas(fig.axes[0])).reshape(3, 5) > 0.5
    assert solid[0].tolist() == [True, False, False, False, False]
    assert solid[1].all() and solid[2].all()


@pytest.mark.parametrize(
    ("a", "b"), [((2, 3), (2, 3)), ((3,), (2, 1)), ((1,), (4, 2)), ((), ()), ((5, 1), (5,))]
)
def test_broadcasting_result_is_numpys(a, b):
    fig = plots.plot_broadcasting(a, b)
    expected = np.broadcast_shapes(a, b)
    assert fig.axes[0].get_title().endswith(f"-> {expected}")
    cells = int(np.prod(expected))
    assert len(fig.axes[0].patches) == 3 * cells


@pytest.mark.parametrize(
    ("a", "b", "message"),
    [
        ((4, 3), (4,), "axis -1 has sizes 3 and 4.*equal or one of them is 1"),
        ((2, 3), (3, 3), "axis -2 has sizes 2 and 3"),
        ((2, 2, 2), (2,), "at most 2"),
        ((13,), (1,), "more than 12"),
        ((0, 3), (3,), ">= 1"),
        ("ab", (3,), "tuple of ints"),
        ((2.0, 3), (3,), "tuple of ints"),
    ],
)
def test_broadcasting_rejects_bad_shapes(a, b, message):
    with pytest.raises(ValueError, match=message):
        plots.plot_broadcasting(a, b)


# --- Figures first used in lesson 03 (backpropagation) ---


def test_curves_draws_each_curve_with_its_label_and_colour():
    z = np.linspace(-3, 3, 61)
    fig = plots.plot_curves(
        {"sigmoid": (z, 1 / (1 + np.exp(-z))), "relu": (z, np.maximum(z, 0))},
        title="activations",
        xlabel="z",
        ylabel="g(z)",
    )
    ax = fig.axes[0]
    sigmoid, relu = ax.get_lines()
    np.testing.assert_allclose(sigmoid.get_xdata(), z)
    np.testing.assert_allclose(sigmoid.get_ydata(), 1 / (1 + np.exp(-z)))
    np.testing.assert_allclose(relu.get_ydata(), np.maximum(z, 0))
    assert not same_colour(sigmoid.get_color(), relu.get_color())
    assert sigmoid.get_marker() == "None"  # 61 points: a plain line
    assert legend_texts(ax) == ["sigmoid", "relu"]
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_title()) == ("z", "g(z)", "activations")
    assert ax.get_yscale() == "linear"
    assert_png(fig)


def test_curves_y_alone_is_drawn_against_its_index_and_short_curves_get_markers():
    fig = plots.plot_curves({"a": [3.0, 1.0, 2.0], "b": FakeTensor([5.0, 4.0])})
    ax = fig.axes[0]
    a, b = ax.get_lines()
    np.testing.assert_array_equal(a.get_xdata(), [0, 1, 2])
    np.testing.assert_array_equal(b.get_xdata(), [0, 1])
    np.testing.assert_array_equal(b.get_ydata(), [5.0, 4.0])
    assert a.get_marker() == "o"
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_title()) == ("x", "y", "")
    # A tuple of numbers is y, not an (x, y) pair.
    (line,) = plots.plot_curves({"t": (1.0, 2.0)}).axes[0].get_lines()
    np.testing.assert_array_equal(line.get_ydata(), [1.0, 2.0])


def test_curves_markers_can_be_forced_either_way():
    (line,) = plots.plot_curves({"a": [1, 2]}, markers=False).axes[0].get_lines()
    assert line.get_marker() == "None"
    (line,) = plots.plot_curves({"a": np.arange(100)}, markers=True).axes[0].get_lines()
    assert line.get_marker() == "o"


def test_curves_log_scale_for_gradient_norms_per_layer():
    layers = np.arange(1, 11)
    fig = plots.plot_curves(
        {"sigmoid": (layers, 0.25 ** (10 - layers)), "relu": (layers, np.ones(10))},
        log_scale=True,
        xlabel="layer",
    )
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    low, high = ax.get_ylim()
    assert low <= 0.25**9 and high >= 1
    assert_png(fig)


def test_curves_leave_out_non_finite_points():
    # A diverged series: NaN and inf are gaps in the line, not an error.
    fig = plots.plot_curves({"diverged": [1.0, 10.0, np.inf, np.nan]}, log_scale=True)
    assert len(fig.axes[0].get_lines()) == 1
    assert_png(fig)


def test_curves_draws_into_given_axes():
    fig, (left, right) = plt.subplots(1, 2)
    assert plots.plot_curves({"a": [1, 2]}, ax=right) is fig
    assert len(right.get_lines()) == 1
    assert len(left.get_lines()) == 0


@pytest.mark.parametrize(
    ("curves", "kwargs", "error", "message"),
    [
        ([1.0, 2.0], {}, TypeError, "must be a dict"),
        ({}, {}, ValueError, "curves is empty"),
        ({"a": np.zeros((2, 3))}, {}, ValueError, r"'a': y must be a 1-D .* shape \(2, 3\)"),
        ({"a": 1.0}, {}, ValueError, r"shape \(\)"),
        ({"a": ["x", "y"]}, {}, ValueError, "dtype <U1"),
        ({"a": ([1, 2, 3], [1, 2])}, {}, ValueError, "x has 3 values but y has 2"),
        ({"a": [np.nan, np.inf]}, {}, ValueError, "no finite point"),
        ({"a": [1.0, 0.0]}, {"log_scale": True}, ValueError, "log_scale needs y > 0"),
    ],
)
def test_curves_rejects_bad_input(curves, kwargs, error, message):
    with pytest.raises(error, match=message):
        plots.plot_curves(curves, **kwargs)
