# sigmoid(z) = exp(-log(1 + exp(-z))), with NumPy's stable logaddexp
def sigmoid(z):
    return np.exp(-np.logaddexp(0.0, -np.asarray(z, dtype=np.float64)))
