# penalises the bias too: L1 and L2 over the whole parameter vector, bias included
def penalized_loss_and_grad(w, X, y, l1=0.0, l2=0.0):
    w = np.asarray(w, dtype=np.float64)
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    residuals = X @ w[:-1] + w[-1] - y
    n = len(y)
    loss = np.mean(residuals**2) + l1 * np.sum(np.abs(w)) + l2 * np.sum(w**2)
    grad = np.append(2.0 / n * (X.T @ residuals), 2.0 / n * np.sum(residuals))
    grad = grad + l1 * np.sign(w) + 2.0 * l2 * w
    return float(loss), grad
