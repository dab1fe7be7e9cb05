# Folds b into the weights with a column of ones; near-equal batches from np.array_split
def minibatch_sgd(X, y, lr, num_epochs, batch_size, seed=0):
    X1 = np.column_stack([np.asarray(X, dtype=np.float64), np.ones(len(X))])
    y = np.asarray(y, dtype=np.float64)
    n = len(y)
    theta = np.zeros(X1.shape[1])
    rng = np.random.default_rng(seed)
    losses = np.zeros(num_epochs)
    num_batches = -(-n // batch_size)
    for epoch in range(num_epochs):
        for batch in np.array_split(rng.permutation(n), num_batches):
            theta -= lr * 2.0 * X1[batch].T @ (X1[batch] @ theta - y[batch]) / len(batch)
        losses[epoch] = np.mean((X1 @ theta - y) ** 2)
    return theta[:-1], float(theta[-1]), losses
