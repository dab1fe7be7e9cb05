# mistake: wrong_axis
# dgamma and dbeta summed over the units (axis 1) instead of over the batch
def batchnorm_backward(dy, x, gamma, epsilon=1e-3):
    std = np.sqrt(x.var(axis=0) + epsilon)
    x_hat = (x - x.mean(axis=0)) / std
    dx = gamma / std * (dy - dy.mean(axis=0) - x_hat * (dy * x_hat).mean(axis=0))
    return dx, (dy * x_hat).sum(axis=1), dy.sum(axis=1)
