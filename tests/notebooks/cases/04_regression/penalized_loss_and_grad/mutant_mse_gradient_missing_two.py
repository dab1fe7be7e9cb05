# the MSE's gradient without its 2: (1/n) X^T r instead of (2/n) X^T r
def penalized_loss_and_grad(w, X, y, l1=0.0, l2=0.0):
    w = np.asarray(w, dtype=np.float64)
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    weights, bias = w[:-1], w[-1]
    residuals = X @ weights + bias - y
    n = len(y)
    loss = np.mean(residuals**2) + l1 * np.sum(np.abs(weights)) + l2 * np.sum(weights**2)
    grad = np.empty_like(w)
    grad[:-1] = (X.T @ residuals) / n + l1 * np.sign(weights) + 2.0 * l2 * weights
    grad[-1] = np.sum(residuals) / n
    return float(loss), grad
