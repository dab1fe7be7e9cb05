"""Gradients of a Keras computation on whichever backend Keras runs: ``value_and_gradients``
and ``compiled``.

Keras 3 runs the same layers, models, losses and optimizers on TensorFlow and on JAX,
but has no backend-neutral way to take a gradient by hand: TensorFlow records a
``GradientTape``, JAX transforms a pure function. A custom training step (a GAN, a VAE)
or a gradient with respect to an activation (Grad-CAM) uses this function instead, and
runs unchanged on Colab's CPU and GPU runtimes (TensorFlow) and its TPU runtime (JAX)::

    def loss_fn():
        logits = discriminator(batch, training=True)
        return loss(targets, logits)

    variables = discriminator.trainable_variables
    loss_value, grads = dlcourse.value_and_gradients(loss_fn, variables)
    optimizer.apply_gradients(zip(grads, variables))

To differentiate with respect to a tensor that is not a weight (an image, a feature map),
hold it in a ``keras.Variable`` first and use the variable in ``loss_fn``.

On TensorFlow this is exactly lesson 02's ``GradientTape``. On JAX, ``loss_fn`` runs once
under ``jax.value_and_grad`` inside a ``keras.StatelessScope`` that stands the traced
values in for ``variables``; what it assigns to other variables on the way (a
``BatchNormalization`` layer's moving statistics, a ``keras.random.SeedGenerator``'s state)
is written back afterwards, as the eager TensorFlow run would have done.

``compiled(step)`` makes such a step fast where the backend can: ``tf.function`` on
TensorFlow (a small custom step runs about ten times faster as a graph); on JAX the step
stays as it is and runs op by op (it assigns variables, which ``jax.jit`` cannot trace as
it is), so random draws inside it need no seed there; seed them anyway
(``keras.random.SeedGenerator``) to make them reproducible and ready for ``jax.jit``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any


def value_and_gradients(loss_fn: Callable[[], Any], variables: Sequence[Any]) -> tuple[Any, list]:
    """``loss_fn()`` and its gradient with respect to each of ``variables``.

    Args:
        loss_fn: takes no arguments and returns a scalar tensor computed from the
            variables (through layers, models or ``keras.ops``).
        variables: ``keras.Variable`` objects (``model.trainable_variables``), a list.

    Returns:
        ``(value, gradients)``: the scalar ``loss_fn()`` returned, and a list with one
        gradient per variable, each with that variable's shape (zeros for a variable the
        loss does not depend on), ready for ``optimizer.apply_gradients(zip(gradients,
        variables))``.
    """
    import keras

    variables = list(variables)
    for variable in variables:
        if not isinstance(variable, keras.Variable):
            raise TypeError(
                "value_and_gradients differentiates with respect to keras.Variable objects "
                f"(a model's trainable_variables), not {type(variable).__name__}; hold a "
                "tensor in keras.Variable(tensor) first"
            )
    backend = keras.backend.backend()
    if backend == "tensorflow":
        return _tensorflow(loss_fn, variables)
    if backend == "jax":
        return _jax(loss_fn, variables)
    raise NotImplementedError(
        f"value_and_gradients runs on the TensorFlow and JAX backends, not {backend!r}"
    )


def compiled(step: Callable[..., Any]) -> Callable[..., Any]:
    """``step`` compiled into a graph on TensorFlow (``tf.function``), ``step`` itself on
    other backends.

    For a custom training step built on ``value_and_gradients`` and an optimizer: on
    TensorFlow it is traced once, on its first call, and the graph runs from then on, so
    everything inside must be ``keras.ops`` (no NumPy, no ``.numpy()``). Use it as a
    decorator (``@dlcourse.compiled``) or as ``fast_step = dlcourse.compiled(step)``.
    """
    import keras

    if keras.backend.backend() != "tensorflow":
        return step
    import tensorflow as tf

    return tf.function(step)


def _tensorflow(loss_fn: Callable[[], Any], variables: list) -> tuple[Any, list]:
    import tensorflow as tf

    with tf.GradientTape(watch_accessed_variables=False) as tape:
        for variable in variables:
            tape.watch(variable.value)
        value = loss_fn()
    grads = tape.gradient(value, [v.value for v in variables])
    # A variable the loss does not reach gets zeros, as on JAX, not None.
    return value, [
        tf.zeros_like(v.value) if g is None else g for v, g in zip(variables, grads, strict=True)
    ]


def _jax(loss_fn: Callable[[], Any], variables: list) -> tuple[Any, list]:
    import jax
    import keras

    class Recording(keras.StatelessScope):
        """Remembers the variables assigned inside, to write their new values back."""

        def __init__(self, state_mapping: list) -> None:
            super().__init__(state_mapping=state_mapping)
            self.assigned: dict[int, Any] = {}

        def add_update(self, update: tuple) -> None:
            super().add_update(update)
            self.assigned[id(update[0])] = update[0]

    differentiated = {id(v) for v in variables}
    owners: dict[int, Any] = {}  # the other variables loss_fn assigned, by id

    def pure(values: list) -> tuple[Any, dict]:
        with Recording(list(zip(variables, values, strict=True))) as scope:
            value = loss_fn()
        new_values = {}
        for key, variable in scope.assigned.items():
            if key not in differentiated:
                owners[key] = variable
                new_values[key] = scope.get_current_value(variable)
        return value, new_values

    (value, updates), grads = jax.value_and_grad(pure, has_aux=True)([v.value for v in variables])
    for key, new in updates.items():
        owners[key].assign(new)
    return value, list(grads)
