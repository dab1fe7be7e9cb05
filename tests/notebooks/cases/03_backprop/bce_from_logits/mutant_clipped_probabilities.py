# probabilities clipped to [1e-7, 1 - 1e-7] before the log: finite but capped at ~16
def bce_from_logits(y, z):
    y = np.asarray(y, dtype=np.float64)
    y_hat = np.clip(sigmoid(z), 1e-7, 1.0 - 1e-7)
    return float(-np.mean(y * np.log(y_hat) + (1.0 - y) * np.log(1.0 - y_hat)))
