# a Python loop over the examples, stacked at the end
def forward(X, params):
    Z1_rows, A1_rows, Z2_rows = [], [], []
    for x in np.asarray(X, dtype=np.float64):
        z1 = np.dot(x, params["W1"]) + params["b1"]
        a1 = np.maximum(z1, 0.0)
        Z1_rows.append(z1)
        A1_rows.append(a1)
        Z2_rows.append(np.dot(a1, params["W2"]) + params["b2"])
    Z1, A1, Z2 = np.array(Z1_rows), np.array(A1_rows), np.array(Z2_rows)
    return Z2, {"Z1": Z1, "A1": A1, "Z2": Z2}
