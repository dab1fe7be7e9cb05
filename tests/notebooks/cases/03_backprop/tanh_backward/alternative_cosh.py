# tanh'(z) = 1 / cosh(z)**2, from Z1 rather than A1
def tanh_backward(X, y, params, cache):
    n = X.shape[0]
    dZ2 = (cache["Z2"] - y) / n
    dZ1 = (dZ2 @ params["W2"].T) / np.cosh(cache["Z1"]) ** 2
    return {
        "W1": X.T @ dZ1,
        "b1": np.sum(dZ1, axis=0),
        "W2": cache["A1"].T @ dZ2,
        "b2": np.sum(dZ2, axis=0),
    }
