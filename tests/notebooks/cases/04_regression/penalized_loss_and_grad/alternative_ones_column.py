# a column of ones for the bias and a mask that keeps the penalty off it
def penalized_loss_and_grad(w, X, y, l1=0.0, l2=0.0):
    w = np.asarray(w, dtype=np.float64)
    X_ones = np.column_stack([np.asarray(X, dtype=np.float64), np.ones(len(X))])
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    mask = np.ones_like(w)
    mask[-1] = 0.0  # no penalty on the bias
    residuals = X_ones @ w - y
    penalised = w * mask
    penalty = l1 * np.abs(penalised).sum() + l2 * penalised @ penalised
    loss = residuals @ residuals / len(y) + penalty
    grad = 2.0 * X_ones.T @ residuals / len(y) + mask * (l1 * np.sign(w) + 2.0 * l2 * w)
    return float(loss), grad
