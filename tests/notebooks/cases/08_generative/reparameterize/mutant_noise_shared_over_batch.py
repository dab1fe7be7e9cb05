# one noise vector for the whole batch: every example gets the same epsilon
def reparameterize(mean, log_var, seed=None):
    epsilon = keras.random.normal((1, ops.shape(mean)[1]), seed=seed)
    return mean + ops.exp(0.5 * log_var) * epsilon
