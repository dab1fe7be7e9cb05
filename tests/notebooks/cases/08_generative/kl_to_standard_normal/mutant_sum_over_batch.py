# sums over the batch too: one number instead of one per example
def kl_to_standard_normal(mean, log_var):
    return 0.5 * ops.sum(ops.exp(log_var) + ops.square(mean) - 1.0 - log_var)
