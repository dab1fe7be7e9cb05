# TensorFlow's own softmax, in float64
# (on a CPU or GPU runtime, where TensorFlow is installed; the set-up cell does not
# import it)
import tensorflow as tf


def softmax(z, temperature=1.0):
    z = tf.constant(np.asarray(z, dtype=np.float64) / temperature)
    return tf.nn.softmax(z, axis=-1).numpy()
