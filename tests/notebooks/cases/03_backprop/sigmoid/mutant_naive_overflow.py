# mistake: no_stabilisation
# the textbook formula as written: exp(-z) overflows for z < -709
def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=np.float64)))
