# stops the gradient at the standard deviation: log_var gets no gradient
def reparameterize(mean, log_var):
    std = tf.stop_gradient(tf.exp(0.5 * log_var))
    return mean + std * tf.random.normal(tf.shape(mean))
