# mistake: in_place
# centres the caller's x in place (x -= mean) and computes the right gradients from it
def batchnorm_backward(dy, x, gamma, epsilon=1e-3):
    x -= x.mean(axis=0)
    std = np.sqrt((x**2).mean(axis=0) + epsilon)
    x_hat = x / std
    dx = gamma / std * (dy - dy.mean(axis=0) - x_hat * (dy * x_hat).mean(axis=0))
    return dx, (dy * x_hat).sum(axis=0), dy.sum(axis=0)
