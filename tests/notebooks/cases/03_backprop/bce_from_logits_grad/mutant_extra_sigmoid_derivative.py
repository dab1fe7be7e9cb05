# multiplies by sigmoid'(z) again, as for the squared error
def bce_from_logits_grad(y, z):
    z = np.asarray(z, dtype=np.float64)
    s = sigmoid(z)
    return (s - np.asarray(y, dtype=np.float64)) * s * (1.0 - s) / z.size
