# mistake: sum_for_mean
# dZ2 = Z2 - y: the 1/n of the mean missing, every gradient n times too large
def tanh_backward(X, y, params, cache):
    dZ2 = cache["Z2"] - y
    dW2 = cache["A1"].T @ dZ2
    db2 = dZ2.sum(axis=0)
    dA1 = dZ2 @ params["W2"].T
    dZ1 = dA1 * (1.0 - cache["A1"] ** 2)
    dW1 = X.T @ dZ1
    db1 = dZ1.sum(axis=0)
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
