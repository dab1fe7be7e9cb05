# stops the gradient at the standard deviation: log_var gets no gradient
def reparameterize(mean, log_var, seed=None):
    std = ops.stop_gradient(ops.exp(0.5 * log_var))
    return mean + std * keras.random.normal(ops.shape(mean), seed=seed)
