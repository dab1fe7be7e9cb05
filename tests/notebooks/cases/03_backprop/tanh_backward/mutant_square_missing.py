# mistake: activation_derivative
# 1 - A1: the square of tanh' = 1 - tanh**2 forgotten
def tanh_backward(X, y, params, cache):
    n = len(X)
    dZ2 = (cache["Z2"] - y) / n
    dW2 = cache["A1"].T @ dZ2
    db2 = dZ2.sum(axis=0)
    dA1 = dZ2 @ params["W2"].T
    dZ1 = dA1 * (1.0 - cache["A1"])
    dW1 = X.T @ dZ1
    db1 = dZ1.sum(axis=0)
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
