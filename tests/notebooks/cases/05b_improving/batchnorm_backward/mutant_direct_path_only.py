# mistake: batchnorm_grad_direct_only
# dx = gamma * dy / std, as if the mean and variance did not depend on x
def batchnorm_backward(dy, x, gamma, epsilon=1e-3):
    std = np.sqrt(x.var(axis=0) + epsilon)
    x_hat = (x - x.mean(axis=0)) / std
    return gamma * dy / std, (dy * x_hat).sum(axis=0), dy.sum(axis=0)
