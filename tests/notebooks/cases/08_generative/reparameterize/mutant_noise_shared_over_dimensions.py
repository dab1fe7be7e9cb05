# one noise number per example, shared by all latent dimensions
def reparameterize(mean, log_var, seed=None):
    epsilon = keras.random.normal((ops.shape(mean)[0], 1), seed=seed)
    return mean + ops.exp(0.5 * log_var) * epsilon
