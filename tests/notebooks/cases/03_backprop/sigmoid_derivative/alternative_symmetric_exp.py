# the derivative is even: exp(-|z|) / (1 + exp(-|z|))**2 never overflows
def sigmoid_derivative(z):
    e = np.exp(-np.abs(np.asarray(z, dtype=np.float64)))
    return e / (1.0 + e) ** 2
