# one noise vector for the whole batch: every example gets the same epsilon
def reparameterize(mean, log_var):
    epsilon = tf.random.normal((1, tf.shape(mean)[1]))
    return mean + tf.exp(0.5 * log_var) * epsilon
