# replaces: sigmoid
# a broken sigmoid (overflows for z < -709): it costs sigmoid's points, not the gradient's
def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=np.float64)))
