# mistake: in_place
# right gradients, but it also takes a gradient step on the caller's params
def backward(X, y, params, cache):
    dZ2 = bce_from_logits_grad(y, cache["Z2"])
    dZ1 = (dZ2 @ params["W2"].T) * relu_derivative(cache["Z1"])
    grads = {
        "W1": X.T @ dZ1,
        "b1": dZ1.sum(axis=0),
        "W2": cache["A1"].T @ dZ2,
        "b2": dZ2.sum(axis=0),
    }
    for key in params:
        params[key] -= 0.1 * grads[key]
    return grads
