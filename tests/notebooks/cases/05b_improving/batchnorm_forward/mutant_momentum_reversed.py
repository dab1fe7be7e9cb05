# mistake: momentum_reversed
# PyTorch's reading of the momentum: the share of the batch's statistic, not of the old value
def batchnorm_forward(
    x, gamma, beta, running_mean, running_var, training, momentum=0.99, epsilon=1e-3
):
    x = np.asarray(x, dtype=np.float64)
    if training:
        mean, var = x.mean(axis=0), x.var(axis=0)
        running_mean = (1 - momentum) * running_mean + momentum * mean
        running_var = (1 - momentum) * running_var + momentum * var
    else:
        mean, var = running_mean, running_var
    return gamma * (x - mean) / np.sqrt(var + epsilon) + beta, running_mean, running_var
