# mistake: sum_for_mean
# forgets the 1/n of the mean loss
def backward(X, y, params, cache):
    dZ2 = sigmoid(cache["Z2"]) - y
    dZ1 = (dZ2 @ params["W2"].T) * relu_derivative(cache["Z1"])
    return {
        "W1": X.T @ dZ1,
        "b1": dZ1.sum(axis=0),
        "W2": cache["A1"].T @ dZ2,
        "b2": dZ2.sum(axis=0),
    }
