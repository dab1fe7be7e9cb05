# Backward difference (f(x) - f(x - h)) / h: first-order accurate only
def numerical_derivative(f, x, h=1e-5):
    x = np.asarray(x, dtype=np.float64)
    return (f(x) - f(x - h)) / h
