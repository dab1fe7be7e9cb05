# one element at a time, with a stable sigmoid written out
def bce_from_logits_grad(y, z):
    y = np.asarray(y, dtype=np.float64)
    z = np.asarray(z, dtype=np.float64)
    grad = np.empty_like(z)
    for index in np.ndindex(z.shape):
        e = np.exp(-abs(z[index]))
        p = 1.0 / (1.0 + e) if z[index] >= 0 else e / (1.0 + e)
        grad[index] = (p - y[index]) / z.size
    return grad
