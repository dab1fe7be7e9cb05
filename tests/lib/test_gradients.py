"""dlcourse.value_and_gradients: GradientTape on TensorFlow; the JAX path is run in a
subprocess on the Colab TPU-runtime environment when one is built (scripts/colab/check --jax)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
JAX_PYTHON = ROOT / ".colab-jax-venv" / "bin" / "python"

# The same checks on every backend: printed as one line each, compared by the tests.
CHECKS = r"""
import numpy as np
import keras
from keras import ops
from dlcourse import compiled, value_and_gradients

x = np.arange(12, dtype="float32").reshape(4, 3)
w = keras.Variable(np.ones((3, 1), "float32"))
unused = keras.Variable(np.ones(2, "float32"))
value, (gw, gu) = value_and_gradients(lambda: ops.sum(ops.matmul(x, w) ** 2), [w, unused])
want = 2 * x.T @ (x @ np.ones((3, 1), "float32"))
print("linear", float(value) == float(np.sum((x @ np.ones((3, 1))) ** 2)),
      np.allclose(ops.convert_to_numpy(gw), want), np.all(ops.convert_to_numpy(gu) == 0))

keras.utils.set_random_seed(0)
model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2),
                          keras.layers.BatchNormalization()])
moving = [ops.convert_to_numpy(v).copy() for v in model.non_trainable_variables]
value, grads = value_and_gradients(lambda: ops.mean(model(x, training=True) ** 2),
                                   model.trainable_variables)
after = [ops.convert_to_numpy(v) for v in model.non_trainable_variables]
shapes = [tuple(v.shape) for v in model.trainable_variables]
print("model", [tuple(g.shape) for g in grads] == shapes,
      all(not np.allclose(a, b) for a, b in zip(moving, after)))

seed = keras.random.SeedGenerator(1)
z = keras.Variable(np.zeros(3, "float32"))
draw = lambda: ops.sum(z + keras.random.normal((3,), seed=seed))
first, (gz,) = value_and_gradients(draw, [z])
second, _ = value_and_gradients(draw, [z])
print("seeded", float(first) != float(second), np.allclose(ops.convert_to_numpy(gz), 1.0))

maps = keras.Variable(np.array([[1.0, -2.0, 3.0]], "float32"))
_, (g,) = value_and_gradients(lambda: ops.max(maps * maps), [maps])
print("tensor", np.allclose(ops.convert_to_numpy(g), [[0.0, 0.0, 6.0]]))

# compiled: a tf.function on TensorFlow (traced once), the step itself elsewhere; a training
# step through it changes the weights as the plain step does.
def double(a):
    return a * 2.0

fast = compiled(double)
graph = hasattr(fast, "get_concrete_function")
optimizer = keras.optimizers.SGD(0.1)
v = keras.Variable(np.ones(2, "float32"))

@compiled
def sgd_step():
    loss, grads = value_and_gradients(lambda: ops.sum(v * v), [v])
    optimizer.apply_gradients(zip(grads, [v]))
    return loss

sgd_step(), sgd_step()
print("compiled", graph == (keras.backend.backend() == "tensorflow"), float(fast(3.0)),
      np.allclose(ops.convert_to_numpy(v), 0.64))
"""
EXPECTED = [
    "linear True True True",
    "model True True",
    "seeded True True",
    "tensor True",
    "compiled True 6.0 True",
]


def test_value_and_gradients_on_tensorflow(capsys):
    exec(compile(CHECKS, "checks", "exec"), {})
    assert capsys.readouterr().out.splitlines() == EXPECTED


@pytest.mark.skipif(
    not JAX_PYTHON.is_file(), reason="no .colab-jax-venv (scripts/colab/check --jax builds it)"
)
def test_value_and_gradients_on_jax():
    env = {**os.environ, "KERAS_BACKEND": "jax", "PYTHONPATH": str(ROOT / "lib")}
    done = subprocess.run(
        [str(JAX_PYTHON), "-c", CHECKS], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.splitlines() == EXPECTED


def test_value_and_gradients_wants_keras_variables():
    import tensorflow as tf

    from dlcourse import value_and_gradients

    with pytest.raises(TypeError, match=r"keras\.Variable\(tensor\)"):
        value_and_gradients(lambda: tf.constant(1.0), [np.ones(2)])


def test_value_and_gradients_is_exported():
    import dlcourse

    assert "value_and_gradients" in dlcourse.__all__ and sys.modules["dlcourse.gradients"]
