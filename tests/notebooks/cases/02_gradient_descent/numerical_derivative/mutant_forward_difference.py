# Forward difference (f(x + h) - f(x)) / h: first-order accurate, error about h/2 f''(x)
def numerical_derivative(f, x, h=1e-5):
    x = np.asarray(x, dtype=np.float64)
    return (f(x + h) - f(x)) / h
