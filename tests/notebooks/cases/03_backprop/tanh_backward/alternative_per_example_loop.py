# one example at a time, accumulating outer products, the tanh recomputed from Z1
def tanh_backward(X, y, params, cache):
    n = len(X)
    grads = {key: np.zeros(value.shape) for key, value in params.items()}
    for i in range(n):
        dz2 = (cache["Z2"][i, 0] - y[i, 0]) / n
        a1 = np.tanh(cache["Z1"][i])
        grads["W2"][:, 0] += dz2 * a1
        grads["b2"][0] += dz2
        dz1 = dz2 * params["W2"][:, 0] * (1.0 - a1**2)
        grads["W1"] += np.outer(X[i], dz1)
        grads["b1"] += dz1
    return grads
