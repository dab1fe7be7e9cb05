# scales the noise by exp(log_var), the variance, instead of the standard deviation
def reparameterize(mean, log_var):
    epsilon = tf.random.normal(tf.shape(mean))
    return mean + tf.exp(log_var) * epsilon
