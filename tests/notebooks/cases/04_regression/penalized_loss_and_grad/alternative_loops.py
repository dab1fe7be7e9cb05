# Python loops over the examples and the weights
def penalized_loss_and_grad(w, X, y, l1=0.0, l2=0.0):
    w = [float(v) for v in np.asarray(w).reshape(-1)]
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    n, d = X.shape
    loss = 0.0
    grad = np.zeros(d + 1)
    for i in range(n):
        r = sum(X[i, j] * w[j] for j in range(d)) + w[d] - y[i]
        loss += r * r / n
        for j in range(d):
            grad[j] += 2.0 * r * X[i, j] / n
        grad[d] += 2.0 * r / n
    for j in range(d):
        loss += l1 * abs(w[j]) + l2 * w[j] ** 2
        sign = 1.0 if w[j] > 0 else (-1.0 if w[j] < 0 else 0.0)
        grad[j] += l1 * sign + 2.0 * l2 * w[j]
    return loss, grad
