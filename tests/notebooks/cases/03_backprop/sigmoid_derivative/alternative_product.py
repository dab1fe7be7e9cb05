# sigmoid(z) * sigmoid(-z), since 1 - sigmoid(z) = sigmoid(-z)
def sigmoid_derivative(z):
    z = np.asarray(z, dtype=np.float64)
    return sigmoid(z) * sigmoid(-z)
