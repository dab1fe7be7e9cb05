# keras.ops through the module path, the standard deviation as the square root of the variance
def reparameterize(mean, log_var, seed=None):
    epsilon = keras.random.normal(keras.ops.shape(mean), seed=seed)
    return mean + keras.ops.sqrt(keras.ops.exp(log_var)) * epsilon
