# mistake: learning_rate_scale
# Sums the batch's gradients instead of averaging them: steps batch_size times too large
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
            W = W - lr * 2.0 * X[batch].T @ error
            b = b - lr * 2.0 * error.sum()
        losses[epoch] = np.mean((X @ W + b - y) ** 2)
    return W, float(b), losses
