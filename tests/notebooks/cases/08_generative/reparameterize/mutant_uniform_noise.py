# draws epsilon from a uniform distribution on [0, 1) instead of a standard normal
def reparameterize(mean, log_var):
    mean = tf.convert_to_tensor(mean, dtype=tf.float32)
    log_var = tf.convert_to_tensor(log_var, dtype=tf.float32)
    epsilon = tf.random.uniform(tf.shape(mean))
    return mean + tf.exp(0.5 * log_var) * epsilon
