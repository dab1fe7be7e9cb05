# one unit (column) at a time, with Python floats for the column's statistics
def batchnorm_backward(dy, x, gamma, epsilon=1e-3):
    dy = np.array(dy, dtype=np.float64)
    x = np.array(x, dtype=np.float64)
    n, d = x.shape
    dx = np.zeros((n, d))
    dgamma = np.zeros(d)
    dbeta = np.zeros(d)
    for j in range(d):
        column, g = x[:, j], dy[:, j]
        mean = float(np.mean(column))
        std = float(np.sqrt(np.mean((column - mean) ** 2) + epsilon))
        x_hat = (column - mean) / std
        dbeta[j] = np.sum(g)
        dgamma[j] = np.sum(g * x_hat)
        dx[:, j] = gamma[j] / std * (g - np.mean(g) - x_hat * np.mean(g * x_hat))
    return dx, dgamma, dbeta
