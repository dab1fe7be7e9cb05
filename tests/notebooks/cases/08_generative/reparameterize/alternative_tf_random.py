# the TensorFlow idiom of a CPU/GPU runtime: tf.random.normal, which ignores seed
import tensorflow as tf  # a CPU/GPU runtime's; the set-up cell imports keras.ops only


def reparameterize(mean, log_var, seed=None):
    mean = tf.convert_to_tensor(mean, dtype=tf.float32)
    log_var = tf.convert_to_tensor(log_var, dtype=tf.float32)
    epsilon = tf.random.normal(tf.shape(mean))
    return mean + tf.exp(0.5 * log_var) * epsilon
