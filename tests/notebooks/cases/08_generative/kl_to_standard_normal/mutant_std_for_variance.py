# uses the standard deviation exp(log_var / 2) where the variance belongs
def kl_to_standard_normal(mean, log_var):
    return 0.5 * ops.sum(ops.exp(0.5 * log_var) + ops.square(mean) - 1.0 - log_var, axis=-1)
