# mistake: sign_flipped
# f(x - h) - f(x + h): the slope with the wrong sign
def numerical_derivative(f, x, h=1e-5):
    x = np.asarray(x, dtype=np.float64)
    return (f(x - h) - f(x + h)) / (2 * h)
