# Always uses h = 1e-5, whatever h it is given
def numerical_derivative(f, x, h=1e-5):
    x = np.asarray(x, dtype=np.float64)
    step = 1e-5
    return (f(x + step) - f(x - step)) / (2 * step)
