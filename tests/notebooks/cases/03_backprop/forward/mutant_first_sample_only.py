# written for one example: only X[0] goes through the network
def forward(X, params):
    x = X[0]
    z1 = x @ params["W1"] + params["b1"]
    a1 = relu(z1)
    z2 = a1 @ params["W2"] + params["b2"]
    return z2.reshape(1, 1), {"Z1": z1[None, :], "A1": a1[None, :], "Z2": z2.reshape(1, 1)}
