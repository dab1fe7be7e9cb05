# ReLU in place on Z1: the cache's Z1 loses its negative values
def forward(X, params):
    Z1 = X @ params["W1"] + params["b1"]
    A1 = Z1
    A1[A1 < 0] = 0.0
    Z2 = A1 @ params["W2"] + params["b2"]
    return Z2, {"Z1": Z1, "A1": A1, "Z2": Z2}
