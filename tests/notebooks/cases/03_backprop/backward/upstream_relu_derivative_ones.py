# replaces: relu_derivative
# a broken relu_derivative (1 everywhere): it costs its own points, not backward's
def relu_derivative(z):
    return np.ones_like(np.asarray(z, dtype=np.float64))
