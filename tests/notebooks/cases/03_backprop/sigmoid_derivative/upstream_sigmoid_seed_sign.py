# replaces: sigmoid
# a broken sigmoid (exp(+z)): it costs sigmoid's points, not sigmoid_derivative's
def sigmoid(z):
    return 1.0 / (1.0 + np.exp(np.asarray(z, dtype=np.float64)))
