# one latent dimension at a time, with the variance and the log-variance named
import tensorflow as tf  # a CPU/GPU runtime's; the set-up cell imports keras.ops only


def kl_to_standard_normal(mean, log_var):
    mean = tf.convert_to_tensor(mean)
    log_var = tf.cast(log_var, mean.dtype)
    total = tf.zeros(tf.shape(mean)[0], dtype=mean.dtype)
    for j in range(mean.shape[-1]):
        variance = tf.exp(log_var[:, j])
        total += (variance + mean[:, j] ** 2 - 1.0 - log_var[:, j]) / 2
    return total
