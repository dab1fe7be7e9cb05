# mistake: transposed
# dZ1.T @ X: dW1 comes out (h, d), and silently wrong when d == h
def tanh_backward(X, y, params, cache):
    n = len(X)
    dZ2 = (cache["Z2"] - y) / n
    dW2 = cache["A1"].T @ dZ2
    db2 = dZ2.sum(axis=0)
    dA1 = dZ2 @ params["W2"].T
    dZ1 = dA1 * (1.0 - cache["A1"] ** 2)
    return {"W1": dZ1.T @ X, "b1": dZ1.sum(axis=0), "W2": dW2, "b2": db2}
