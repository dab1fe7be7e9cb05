# adds the penalty's gradient but returns the plain MSE as the loss
def penalized_loss_and_grad(w, X, y, l1=0.0, l2=0.0):
    w = np.asarray(w, dtype=np.float64)
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    weights, bias = w[:-1], w[-1]
    residuals = X @ weights + bias - y
    n = len(y)
    loss = np.mean(residuals**2)
    grad = np.empty_like(w)
    grad[:-1] = 2.0 / n * (X.T @ residuals) + l1 * np.sign(weights) + 2.0 * l2 * weights
    grad[-1] = 2.0 / n * np.sum(residuals)
    return float(loss), grad
