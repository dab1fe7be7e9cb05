# keras.ops and keras.random.normal instead of tf
def reparameterize(mean, log_var):
    epsilon = keras.random.normal(keras.ops.shape(mean))
    return mean + keras.ops.sqrt(keras.ops.exp(log_var)) * epsilon
