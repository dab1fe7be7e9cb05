# mistake: sum_for_mean
# averages over the latent dimensions instead of summing
def kl_to_standard_normal(mean, log_var):
    return 0.5 * ops.mean(ops.exp(log_var) + ops.square(mean) - 1.0 - log_var, axis=-1)
