# the branch-free form: with q = min(|e|, delta), the loss is q^2 / 2 + delta (|e| - q)
def huber_loss(y_true, y_pred, delta=1.0):
    abs_error = np.abs(np.subtract(y_pred, y_true, dtype=np.float64))
    q = np.minimum(abs_error, delta)
    return float(np.mean(0.5 * q**2 + delta * (abs_error - q)))
