# mistake: learning_rate_scale
# The gradient of the mean squared error without its factor 2: every step half as long
def minibatch_sgd(X, y, lr, num_epochs, batch_size, seed=0):
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    n, d = X.shape
    W = np.zeros(d)
    b = 0.0
    rng = np.random.default_rng(seed)
    losses = np.empty(num_epochs)
    for epoch in range(num_epochs):
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            batch = order[start : start + batch_size]
            error = X[batch] @ W + b - y[batch]
            W = W - lr * X[batch].T @ error / len(batch)
            b = b - lr * error.mean()
        losses[epoch] = np.mean((X @ W + b - y) ** 2)
    return W, float(b), losses
