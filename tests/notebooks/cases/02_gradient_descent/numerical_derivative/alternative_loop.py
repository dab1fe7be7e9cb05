# A loop over the elements, calling f on one number at a time
def numerical_derivative(f, x, h=1e-5):
    x = np.asarray(x, dtype=np.float64)
    slopes = np.empty_like(x)
    for index in np.ndindex(x.shape):
        slopes[index] = (f(x[index] + h) - f(x[index] - h)) / (2 * h)
    return slopes
