"""`make demo`, first half: the library and the lessons on this machine.

The device line, the datasets available offline, a small Keras model trained on the
digits with the pictures the lessons use, and every lesson notebook in source/ run top
to bottom. Pictures go to workspace/demo/. The second half, `course demo`, runs the
instructor pipeline on a demo class.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK_CELL_TIMEOUT_S = 300


def step(number: int, title: str) -> float:
    print(f"\n[{number}/5] {title}", flush=True)
    return time.perf_counter()


def done(start: float, what: str) -> None:
    print(f"      {what} ({time.perf_counter() - start:.1f} s)", flush=True)


def save(figure, path: Path, written: list[Path]) -> None:
    figure.savefig(path, dpi=110, bbox_inches="tight")
    written.append(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Show the course working on this machine.")
    parser.add_argument(
        "--out", type=Path, default=REPO / "workspace" / "pictures", help="folder for the pictures"
    )
    parser.add_argument(
        "--source", type=Path, default=REPO / "source", help="folder of lesson notebooks"
    )
    args = parser.parse_args(argv)
    print(
        "dlcourse demo: the library and the lesson notebooks on this machine "
        "(`course demo` then runs the instructor pipeline)."
    )
    args.out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    start = step(1, "dlcourse.setup()")
    import dlcourse
    from dlcourse.__main__ import print_datasets

    env = dlcourse.setup(seed=0)
    done(start, f"running on {env.kind}")

    start = step(2, "datasets that load offline")
    missing = print_datasets()
    done(start, "all needed datasets found" if not missing else f"missing: {missing}")

    start = step(3, "a first classifier: scikit-learn's 8x8 digits, a 2-layer Keras MLP")
    accuracy = train_digits(args.out, written)
    done(start, f"held-out accuracy {accuracy:.3f}")

    start = step(4, "decision boundary on two moons, optimiser paths on a long bowl")
    draw_boundary_and_paths(args.out, written)
    done(start, "drawn")

    start = step(5, "lesson notebooks in source/")
    failures = run_notebooks(args.source)
    done(start, "notebooks done" if not failures else f"{len(failures)} failed")

    print(f"\npictures written to {args.out}/:")
    for path in written:
        print(f"  {path.name}")
    if missing or failures:
        print("demo finished with problems (see above)")
        return 1
    print("demo finished")
    return 0


def train_digits(out: Path, written: list[Path]) -> float:
    import keras
    import numpy as np

    from dlcourse import data, plots

    X, y = data.load("digits")
    (X_train, y_train), (X_val, y_val), (X_test, y_test) = data.train_val_test_split(
        X / 16.0, y, val_size=0.15, test_size=0.15, seed=0, stratify=True
    )
    model = keras.Sequential(
        [
            keras.Input(shape=(64,)),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(
        X_train, y_train, validation_data=(X_val, y_val), epochs=20, batch_size=32, verbose=0
    )
    _, accuracy = model.evaluate(X_test, y_test, verbose=0)
    y_hat = np.argmax(model.predict(X_test, verbose=0), axis=1)
    names = data.info("digits").class_names
    save(plots.plot_history(history, title="digits MLP"), out / "learning_curves.png", written)
    save(
        plots.plot_confusion_matrix(y_true=y_test, y_pred=y_hat, class_names=names),
        out / "confusion_matrix.png",
        written,
    )
    save(
        plots.plot_images(
            X_test[:16].reshape(-1, 8, 8), y_test[:16], class_names=names,
            predictions=y_hat[:16], ncols=8,
        ),
        out / "predictions.png",
        written,
    )  # fmt: skip
    return float(accuracy)


def draw_boundary_and_paths(out: Path, written: list[Path]) -> None:
    import keras
    import numpy as np
    import tensorflow as tf

    from dlcourse import data, plots

    X, y = data.load("moons", n_samples=300, noise=0.15)
    model = keras.Sequential(
        [
            keras.Input(shape=(2,)),
            keras.layers.Dense(16, activation="tanh"),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy")
    model.fit(X, y, epochs=60, batch_size=64, verbose=0)
    save(
        plots.plot_decision_boundary(lambda grid: model(grid), X, y, title="two moons"),
        out / "decision_boundary.png",
        written,
    )

    def bowl(a, b):
        return 0.5 * a**2 + 5.0 * b**2  # ten times steeper along b than along a

    paths = {}
    for name, optimizer in [
        ("SGD lr=0.18", keras.optimizers.SGD(0.18)),
        ("momentum 0.9", keras.optimizers.SGD(0.02, momentum=0.9)),
        ("Adam lr=0.3", keras.optimizers.Adam(0.3)),
    ]:
        point = tf.Variable([-4.0, 1.5])
        trajectory = [point.numpy().copy()]
        for _ in range(40):
            with tf.GradientTape() as tape:
                loss = bowl(point[0], point[1])
            optimizer.apply_gradients([(tape.gradient(loss, point), point)])
            trajectory.append(point.numpy().copy())
        paths[name] = np.array(trajectory)
    save(
        plots.plot_loss_surface(
            bowl, ((-5, 5), (-2, 2)), trajectories=paths, log_scale=True,
            title="40 steps on an elongated bowl",
        ),
        out / "optimiser_paths.png",
        written,
    )  # fmt: skip


def run_notebooks(source: Path) -> list[Path]:
    """Run every `source/NN_topic/NN_topic.ipynb` top to bottom; return those that failed."""
    import nbformat
    from nbclient import NotebookClient

    notebooks = sorted(p for p in source.glob("*/*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    if not notebooks:
        print(f"      no lesson notebooks in {source} yet")
        return []
    failures = []
    for path in notebooks:
        notebook = nbformat.read(path, as_version=4)
        client = NotebookClient(
            notebook,
            timeout=NOTEBOOK_CELL_TIMEOUT_S,
            kernel_name="python3",
            resources={"metadata": {"path": str(path.parent)}},
        )
        start = time.perf_counter()
        try:
            client.execute()
            status = "ok"
        except Exception as error:  # report and go on with the next lesson
            failures.append(path)
            status = f"FAILED: {type(error).__name__}: {str(error).strip().splitlines()[-1]}"
        print(f"      {path.relative_to(source)}: {status} ({time.perf_counter() - start:.0f} s)")
    return failures


if __name__ == "__main__":
    sys.exit(main())
