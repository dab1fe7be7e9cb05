# scales the noise by exp(log_var), the variance, instead of the standard deviation
def reparameterize(mean, log_var, seed=None):
    epsilon = keras.random.normal(ops.shape(mean), seed=seed)
    return mean + ops.exp(log_var) * epsilon
