# mistake: activation_derivative
# the planted bug left in: 1 - Z1**2 instead of 1 - tanh(Z1)**2 = 1 - A1**2
def tanh_backward(X, y, params, cache):
    n = len(X)
    dZ2 = (cache["Z2"] - y) / n
    dW2 = cache["A1"].T @ dZ2
    db2 = dZ2.sum(axis=0)
    dA1 = dZ2 @ params["W2"].T
    dZ1 = dA1 * (1.0 - cache["Z1"] ** 2)
    dW1 = X.T @ dZ1
    db1 = dZ1.sum(axis=0)
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
