# mistake: missing_minus
# the seeds' formula 1 / (1 + exp(z)): the wrong sign in the exponent
def sigmoid(z):
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z))
    return np.where(z <= 0, 1.0 / (1.0 + e), e / (1.0 + e))
