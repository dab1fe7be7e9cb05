# NumPy arithmetic: the right values, but value_and_gradients cannot see through it
def kl_to_standard_normal(mean, log_var):
    mean, log_var = np.asarray(mean), np.asarray(log_var)
    return 0.5 * np.sum(np.exp(log_var) + mean**2 - 1.0 - log_var, axis=-1)
