# mistake: in_place
# turns cache["Z1"] into the ReLU mask in place
def backward(X, y, params, cache):
    dZ2 = bce_from_logits_grad(y, cache["Z2"])
    mask = cache["Z1"]
    mask[mask > 0] = 1.0
    mask[mask <= 0] = 0.0
    dZ1 = (dZ2 @ params["W2"].T) * mask
    return {
        "W1": X.T @ dZ1,
        "b1": dZ1.sum(axis=0),
        "W2": cache["A1"].T @ dZ2,
        "b2": dZ2.sum(axis=0),
    }
