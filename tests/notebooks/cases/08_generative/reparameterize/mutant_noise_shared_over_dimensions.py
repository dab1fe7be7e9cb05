# one noise number per example, shared by all latent dimensions
def reparameterize(mean, log_var):
    epsilon = tf.random.normal((tf.shape(mean)[0], 1))
    return mean + tf.exp(0.5 * log_var) * epsilon
