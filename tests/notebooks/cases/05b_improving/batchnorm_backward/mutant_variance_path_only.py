# mistake: batchnorm_grad_missing_path
# the path through the variance only: the mean term mean(dy) is left out
def batchnorm_backward(dy, x, gamma, epsilon=1e-3):
    std = np.sqrt(x.var(axis=0) + epsilon)
    x_hat = (x - x.mean(axis=0)) / std
    dx = gamma / std * (dy - x_hat * (dy * x_hat).mean(axis=0))
    return dx, (dy * x_hat).sum(axis=0), dy.sum(axis=0)
