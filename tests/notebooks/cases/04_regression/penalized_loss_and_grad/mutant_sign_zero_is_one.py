# the L1 gradient takes sign(0) = 1 (w >= 0 counts as positive): a weight at 0 is pushed down
def penalized_loss_and_grad(w, X, y, l1=0.0, l2=0.0):
    w = np.asarray(w, dtype=np.float64)
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    weights, bias = w[:-1], w[-1]
    residuals = X @ weights + bias - y
    n = len(y)
    loss = np.mean(residuals**2) + l1 * np.sum(np.abs(weights)) + l2 * np.sum(weights**2)
    grad = np.empty_like(w)
    signs = np.where(weights >= 0, 1.0, -1.0)
    grad[:-1] = 2.0 / n * (X.T @ residuals) + l1 * signs + 2.0 * l2 * weights
    grad[-1] = 2.0 / n * np.sum(residuals)
    return float(loss), grad
