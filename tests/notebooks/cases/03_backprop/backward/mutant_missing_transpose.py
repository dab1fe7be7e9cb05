# mistake: transposed
# dZ1.T @ X: dW1 comes out (h, d), transposed
def backward(X, y, params, cache):
    dZ2 = bce_from_logits_grad(y, cache["Z2"])
    dW2 = cache["A1"].T @ dZ2
    db2 = dZ2.sum(axis=0)
    dZ1 = (dZ2 @ params["W2"].T) * relu_derivative(cache["Z1"])
    return {"W1": dZ1.T @ X, "b1": dZ1.sum(axis=0), "W2": dW2, "b2": db2}
