# mistake: scaled
# Central difference divided by h instead of 2h: twice the slope
def numerical_derivative(f, x, h=1e-5):
    x = np.asarray(x, dtype=np.float64)
    return (f(x + h) - f(x - h)) / h
