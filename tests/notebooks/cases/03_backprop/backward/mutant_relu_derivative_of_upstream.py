# the ReLU derivative evaluated at the upstream gradient dA1 instead of at Z1
def backward(X, y, params, cache):
    dZ2 = bce_from_logits_grad(y, cache["Z2"])
    dA1 = dZ2 @ params["W2"].T
    dZ1 = dA1 * relu_derivative(dA1)
    return {
        "W1": X.T @ dZ1,
        "b1": dZ1.sum(axis=0),
        "W2": cache["A1"].T @ dZ2,
        "b2": dZ2.sum(axis=0),
    }
