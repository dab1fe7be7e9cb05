# mistake: missing_minus
# y - sigmoid(z): the gradient of the loss without its minus sign
def bce_from_logits_grad(y, z):
    z = np.asarray(z, dtype=np.float64)
    return (np.asarray(y, dtype=np.float64) - sigmoid(z)) / z.size
