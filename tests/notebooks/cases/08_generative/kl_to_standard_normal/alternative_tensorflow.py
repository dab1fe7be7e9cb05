# the TensorFlow idiom of a CPU/GPU runtime: tf.exp, tf.square, tf.reduce_sum
import tensorflow as tf  # a CPU/GPU runtime's; the set-up cell imports keras.ops only


def kl_to_standard_normal(mean, log_var):
    mean = tf.convert_to_tensor(mean)
    log_var = tf.convert_to_tensor(log_var, dtype=mean.dtype)
    return 0.5 * tf.reduce_sum(tf.exp(log_var) + tf.square(mean) - 1.0 - log_var, axis=-1)
