# mistake: no_stabilisation
# exp(-z) / (1 + exp(-z))**2 as written: exp(-z) overflows for z < -709
def sigmoid_derivative(z):
    e = np.exp(-np.asarray(z, dtype=np.float64))
    return e / (1.0 + e) ** 2
