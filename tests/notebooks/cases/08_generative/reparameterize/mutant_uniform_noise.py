# draws epsilon from a uniform distribution on [0, 1) instead of a standard normal
def reparameterize(mean, log_var, seed=None):
    mean = ops.convert_to_tensor(mean, dtype="float32")
    log_var = ops.convert_to_tensor(log_var, dtype="float32")
    epsilon = keras.random.uniform(ops.shape(mean), seed=seed)
    return mean + ops.exp(0.5 * log_var) * epsilon
