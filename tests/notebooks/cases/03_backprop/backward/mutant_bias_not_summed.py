# mistake: wrong_axis
# returns the per-example bias gradients, not their sum
def backward(X, y, params, cache):
    dZ2 = bce_from_logits_grad(y, cache["Z2"])
    dZ1 = (dZ2 @ params["W2"].T) * relu_derivative(cache["Z1"])
    return {"W1": X.T @ dZ1, "b1": dZ1, "W2": cache["A1"].T @ dZ2, "b2": dZ2}
