# returns the sigmoid, not its derivative
def sigmoid_derivative(z):
    return sigmoid(z)
