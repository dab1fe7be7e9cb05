# tf.random.normal with the mean and standard deviation as tensors (differentiable in TF)
import tensorflow as tf  # a CPU/GPU runtime's; the set-up cell imports keras.ops only


def reparameterize(mean, log_var, seed=None):
    mean = tf.convert_to_tensor(mean, dtype=tf.float32)
    stddev = tf.exp(tf.convert_to_tensor(log_var, dtype=tf.float32) / 2)
    return tf.random.normal(tf.shape(mean), mean=mean, stddev=stddev)
