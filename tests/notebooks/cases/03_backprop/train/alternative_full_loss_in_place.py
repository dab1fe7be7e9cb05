# in-place updates, rng.shuffle, np.array_split batches, and the full training loss after
# each epoch as the history
def train(X, y, h=16, lr=0.1, num_epochs=20, batch_size=32, seed=0):
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64).reshape(len(X), 1)
    n, d = X.shape
    params = init_params(d, h, seed, method="he")
    rng = np.random.default_rng(seed)
    indices = np.arange(n)
    history = {"loss": []}
    for _ in range(num_epochs):
        rng.shuffle(indices)
        for batch in np.array_split(indices, int(np.ceil(n / batch_size))):
            _, cache = forward(X[batch], params)
            grads = backward(X[batch], y[batch], params, cache)
            for key in params:
                params[key] -= lr * grads[key]
        logits, _ = forward(X, params)
        history["loss"].append(bce_from_logits(y, logits))
    return params, history
