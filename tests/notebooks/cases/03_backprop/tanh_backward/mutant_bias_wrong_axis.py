# mistake: wrong_axis
# db1 summed over the hidden units (axis 1) instead of over the batch
def tanh_backward(X, y, params, cache):
    n = len(X)
    dZ2 = (cache["Z2"] - y) / n
    dW2 = cache["A1"].T @ dZ2
    db2 = dZ2.sum(axis=0)
    dA1 = dZ2 @ params["W2"].T
    dZ1 = dA1 * (1.0 - cache["A1"] ** 2)
    return {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=1), "W2": dW2, "b2": db2}
