# mistake: epsilon_outside_sqrt
# divides by sqrt(var) + epsilon
def batchnorm_backward(dy, x, gamma, epsilon=1e-3):
    std = np.sqrt(x.var(axis=0)) + epsilon
    x_hat = (x - x.mean(axis=0)) / std
    dx = gamma / std * (dy - dy.mean(axis=0) - x_hat * (dy * x_hat).mean(axis=0))
    return dx, (dy * x_hat).sum(axis=0), dy.sum(axis=0)
