# backpropagation step by step through the graph x -> mu -> var -> x_hat -> y
def batchnorm_backward(dy, x, gamma, epsilon=1e-3):
    x = np.asarray(x, dtype=np.float64)
    n = x.shape[0]
    mu = x.mean(axis=0)
    centred = x - mu
    var = (centred**2).sum(axis=0) / n
    inv_std = 1.0 / np.sqrt(var + epsilon)
    x_hat = centred * inv_std
    dbeta = dy.sum(axis=0)
    dgamma = (dy * x_hat).sum(axis=0)
    dx_hat = dy * gamma
    dvar = (dx_hat * centred).sum(axis=0) * -0.5 * inv_std**3
    dmu = -(dx_hat * inv_std).sum(axis=0) + dvar * -2.0 * centred.sum(axis=0) / n
    dx = dx_hat * inv_std + dvar * 2.0 * centred / n + dmu / n
    return dx, dgamma, dbeta
