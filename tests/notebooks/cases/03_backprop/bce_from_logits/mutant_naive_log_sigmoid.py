# mistake: no_stabilisation
# log of the (stable) sigmoid: log(0) = -inf once |z| is large
def bce_from_logits(y, z):
    y = np.asarray(y, dtype=np.float64)
    y_hat = sigmoid(z)
    return float(-np.mean(y * np.log(y_hat) + (1.0 - y) * np.log(1.0 - y_hat)))
