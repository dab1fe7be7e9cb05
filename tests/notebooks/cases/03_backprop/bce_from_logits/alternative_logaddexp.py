# softplus(z) - z*y, with softplus(z) = log(1 + exp(z)) = np.logaddexp(0, z)
def bce_from_logits(y, z):
    y = np.asarray(y, dtype=np.float64)
    z = np.asarray(z, dtype=np.float64)
    return float(np.mean(np.logaddexp(0.0, z) - z * y))
