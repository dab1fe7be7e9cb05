# TensorFlow ops in float64, converted to a Python float at the end (on a CPU or GPU
# runtime, where TensorFlow is installed; the set-up cell does not import it)
import tensorflow as tf


def huber_loss(y_true, y_pred, delta=1.0):
    error = tf.constant(y_pred, dtype=tf.float64) - tf.constant(y_true, dtype=tf.float64)
    abs_error = tf.abs(error)
    losses = tf.where(
        abs_error <= delta, 0.5 * tf.square(error), delta * abs_error - 0.5 * delta**2
    )
    return float(tf.reduce_mean(losses))
