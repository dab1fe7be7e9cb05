# mistake: sum_for_mean
# forgets the 1/n of the mean
def bce_from_logits_grad(y, z):
    return sigmoid(z) - np.asarray(y, dtype=np.float64)
