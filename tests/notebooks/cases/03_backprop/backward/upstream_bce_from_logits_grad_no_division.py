# replaces: bce_from_logits_grad
# a broken bce_from_logits_grad (forgets the 1/n): it costs its own points, not backward's
def bce_from_logits_grad(y, z):
    return sigmoid(np.asarray(z, dtype=np.float64)) - np.asarray(y, dtype=np.float64)
