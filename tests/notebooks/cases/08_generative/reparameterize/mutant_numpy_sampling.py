# samples in NumPy and converts: right distribution, but no gradient reaches mean or log_var
def reparameterize(mean, log_var, seed=None):
    mean = np.asarray(mean, dtype=np.float32)
    std = np.exp(0.5 * np.asarray(log_var, dtype=np.float32))
    return ops.convert_to_tensor(np.random.normal(mean, std).astype(np.float32))
