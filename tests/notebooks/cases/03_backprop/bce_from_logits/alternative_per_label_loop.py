# one example at a time: -log sigmoid(z) for label 1, -log(1 - sigmoid(z)) for label 0
def bce_from_logits(y, z):
    y = np.asarray(y, dtype=np.float64).ravel()
    z = np.asarray(z, dtype=np.float64).ravel()
    total = 0.0
    for y_i, z_i in zip(y, z, strict=True):
        total += y_i * np.logaddexp(0.0, -z_i) + (1.0 - y_i) * np.logaddexp(0.0, z_i)
    return total / len(z)
