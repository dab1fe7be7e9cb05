# mistake: missing_bias
# forgets the output bias
def forward(X, params):
    Z1 = X @ params["W1"] + params["b1"]
    A1 = relu(Z1)
    Z2 = A1 @ params["W2"]
    return Z2, {"Z1": Z1, "A1": A1, "Z2": Z2}
