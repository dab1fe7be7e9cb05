# divides by len(z), the batch size, for (n,) and (n, 1) alike
def bce_from_logits_grad(y, z):
    y = np.asarray(y, dtype=np.float64)
    z = np.asarray(z, dtype=np.float64)
    return (sigmoid(z) - y) / len(z)
