# the formula s * (1 - s) applied to z instead of to sigmoid(z)
def sigmoid_derivative(z):
    z = np.asarray(z, dtype=np.float64)
    return z * (1.0 - z)
