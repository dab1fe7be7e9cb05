# mistake: learning_rate_scale
# divides the (already averaged) gradient by the batch size again: steps far too small
def train(X, y, h=16, lr=0.1, num_epochs=20, batch_size=32, seed=0):
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64).reshape(-1, 1)
    n, d = X.shape
    params = init_params(d, h, seed, method="he")
    rng = np.random.default_rng(seed)
    history = {"loss": []}
    for _ in range(num_epochs):
        order = rng.permutation(n)
        total = 0.0
        for start in range(0, n, batch_size):
            batch = order[start : start + batch_size]
            logits, cache = forward(X[batch], params)
            total += bce_from_logits(y[batch], logits) * len(batch)
            grads = backward(X[batch], y[batch], params, cache)
            params = {key: params[key] - lr * grads[key] / len(batch) for key in params}
        history["loss"].append(total / n)
    return params, history
