# s * (1 + s) instead of s * (1 - s)
def sigmoid_derivative(z):
    s = sigmoid(z)
    return s * (1.0 + s)
