# 0.5 e^2 everywhere: the delta switch is forgotten (half the MSE, no robustness)
def huber_loss(y_true, y_pred, delta=1.0):
    error = np.asarray(y_pred, dtype=np.float64) - np.asarray(y_true, dtype=np.float64)
    return float(np.mean(0.5 * error**2))
