# mistake: dgamma_without_x_hat
# dgamma = sum(dy), the gradient of beta, forgetting that gamma multiplies x_hat
def batchnorm_backward(dy, x, gamma, epsilon=1e-3):
    std = np.sqrt(x.var(axis=0) + epsilon)
    x_hat = (x - x.mean(axis=0)) / std
    dx = gamma / std * (dy - dy.mean(axis=0) - x_hat * (dy * x_hat).mean(axis=0))
    return dx, dy.sum(axis=0), dy.sum(axis=0)
