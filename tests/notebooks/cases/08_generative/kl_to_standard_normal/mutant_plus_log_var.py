# adds the log-variance instead of subtracting it
def kl_to_standard_normal(mean, log_var):
    return 0.5 * ops.sum(ops.exp(log_var) + ops.square(mean) - 1.0 + log_var, axis=-1)
