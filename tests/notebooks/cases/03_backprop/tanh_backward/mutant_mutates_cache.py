# mistake: in_place
# squares cache["A1"] in place to save memory: the caller's cache is changed
def tanh_backward(X, y, params, cache):
    n = len(X)
    dZ2 = (cache["Z2"] - y) / n
    dW2 = cache["A1"].T @ dZ2
    db2 = dZ2.sum(axis=0)
    dA1 = dZ2 @ params["W2"].T
    A1 = cache["A1"]
    A1 **= 2
    dZ1 = dA1 * (1.0 - A1)
    return {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0), "W2": dW2, "b2": db2}
