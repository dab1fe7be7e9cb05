# one example at a time, accumulating outer products, divided by n at the end
def backward(X, y, params, cache):
    n = len(X)
    grads = {key: np.zeros_like(value, dtype=np.float64) for key, value in params.items()}
    for i in range(n):
        p = (
            1.0 / (1.0 + np.exp(-cache["Z2"][i, 0]))
            if cache["Z2"][i, 0] >= 0
            else (np.exp(cache["Z2"][i, 0]) / (1.0 + np.exp(cache["Z2"][i, 0])))
        )
        dz2 = p - y[i, 0]
        grads["W2"][:, 0] += dz2 * cache["A1"][i]
        grads["b2"][0] += dz2
        dz1 = dz2 * params["W2"][:, 0] * (cache["Z1"][i] > 0)
        grads["W1"] += np.outer(X[i], dz1)
        grads["b1"] += dz1
    return {key: value / n for key, value in grads.items()}
