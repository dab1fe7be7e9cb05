# multiplies by the activation A1 instead of the ReLU derivative
def backward(X, y, params, cache):
    dZ2 = bce_from_logits_grad(y, cache["Z2"])
    dZ1 = (dZ2 @ params["W2"].T) * cache["A1"]
    return {
        "W1": X.T @ dZ1,
        "b1": dZ1.sum(axis=0),
        "W2": cache["A1"].T @ dZ2,
        "b2": dZ2.sum(axis=0),
    }
