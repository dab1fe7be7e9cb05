# mistake: sum_for_mean
# averages the bias gradients over the batch: divides by n a second time
def backward(X, y, params, cache):
    dZ2 = bce_from_logits_grad(y, cache["Z2"])
    dZ1 = (dZ2 @ params["W2"].T) * relu_derivative(cache["Z1"])
    return {
        "W1": X.T @ dZ1,
        "b1": dZ1.mean(axis=0),
        "W2": cache["A1"].T @ dZ2,
        "b2": dZ2.mean(axis=0),
    }
