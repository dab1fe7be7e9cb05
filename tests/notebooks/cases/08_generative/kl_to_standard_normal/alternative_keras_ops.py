# -0.5 * sum(1 + log_var - mean^2 - exp(log_var)) with keras.ops
def kl_to_standard_normal(mean, log_var):
    return -0.5 * keras.ops.sum(
        1.0 + log_var - keras.ops.square(mean) - keras.ops.exp(log_var), axis=-1
    )
