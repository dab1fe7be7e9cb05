# mistake: scaled
# forgets the 1/2 of the quadratic part (and so the pieces no longer meet at delta)
def huber_loss(y_true, y_pred, delta=1.0):
    error = np.asarray(y_pred, dtype=np.float64) - np.asarray(y_true, dtype=np.float64)
    abs_error = np.abs(error)
    losses = np.where(abs_error <= delta, error**2, delta * (abs_error - 0.5 * delta))
    return float(np.mean(losses))
