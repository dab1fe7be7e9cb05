# TensorFlow ops in float64, with the input projection computed for all steps at once (on a
# CPU or GPU runtime, where TensorFlow is installed; the set-up cell does not import it)
import tensorflow as tf


def simple_rnn_forward(X, kernel, recurrent_kernel, bias, return_sequences=False):
    X = tf.constant(X, dtype=tf.float64)
    U = tf.constant(recurrent_kernel, dtype=tf.float64)
    projected = tf.einsum("ntf,fu->ntu", X, tf.constant(kernel, dtype=tf.float64))
    projected += tf.constant(bias, dtype=tf.float64)
    h = tf.zeros((X.shape[0], U.shape[0]), dtype=tf.float64)
    states = []
    for t in range(X.shape[1]):
        h = tf.tanh(projected[:, t] + tf.matmul(h, U))
        states.append(h)
    return (tf.stack(states, axis=1) if return_sequences else h).numpy()
