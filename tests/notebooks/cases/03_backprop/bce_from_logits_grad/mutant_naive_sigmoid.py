# mistake: no_stabilisation
# an inline naive sigmoid: exp(-z) overflows for z = -1000
def bce_from_logits_grad(y, z):
    z = np.asarray(z, dtype=np.float64)
    return (1.0 / (1.0 + np.exp(-z)) - np.asarray(y, dtype=np.float64)) / z.size
