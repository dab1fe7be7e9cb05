# the linear part uses the signed error: negative errors get a negative loss
def huber_loss(y_true, y_pred, delta=1.0):
    error = np.asarray(y_pred, dtype=np.float64) - np.asarray(y_true, dtype=np.float64)
    losses = np.where(np.abs(error) <= delta, 0.5 * error**2, delta * (error - 0.5 * delta))
    return float(np.mean(losses))
