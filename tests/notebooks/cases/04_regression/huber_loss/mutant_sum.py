# mistake: sum_for_mean
# sums over the examples instead of averaging
def huber_loss(y_true, y_pred, delta=1.0):
    error = np.asarray(y_pred, dtype=np.float64) - np.asarray(y_true, dtype=np.float64)
    abs_error = np.abs(error)
    losses = np.where(abs_error <= delta, 0.5 * error**2, delta * (abs_error - 0.5 * delta))
    return float(np.sum(losses))
