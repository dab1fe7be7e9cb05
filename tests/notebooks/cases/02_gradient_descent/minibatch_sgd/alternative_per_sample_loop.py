# Accumulates each sample's gradient in a Python loop; shuffles an index array with rng.shuffle
def minibatch_sgd(X, y, lr, num_epochs, batch_size, seed=0):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    n, d = X.shape
    W = np.zeros(d)
    b = 0.0
    rng = np.random.default_rng(seed)
    indices = np.arange(n)
    losses = []
    for _ in range(num_epochs):
        rng.shuffle(indices)
        for start in range(0, n, batch_size):
            batch = indices[start : start + batch_size]
            grad_W = np.zeros(d)
            grad_b = 0.0
            for i in batch:
                residual = X[i] @ W + b - y[i]
                grad_W += 2.0 * residual * X[i]
                grad_b += 2.0 * residual
            W = W - lr * grad_W / len(batch)
            b = b - lr * grad_b / len(batch)
        losses.append(np.mean((X @ W + b - y) ** 2))
    return W, b, np.array(losses)
