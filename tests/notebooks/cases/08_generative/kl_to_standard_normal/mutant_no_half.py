# mistake: scaled
# forgets the factor 1/2
def kl_to_standard_normal(mean, log_var):
    return ops.sum(ops.exp(log_var) + ops.square(mean) - 1.0 - log_var, axis=-1)
