# the mean and variance written as sums over the n examples, copies of the running values
# at inference, and the update as running + (1 - momentum) * (batch - running)
def batchnorm_forward(
    x, gamma, beta, running_mean, running_var, training, momentum=0.99, epsilon=1e-3
):
    x = np.array(x, dtype=np.float64)
    n = x.shape[0]
    if training:
        mean = np.sum(x, axis=0) / n
        var = np.sum((x - mean) ** 2, axis=0) / n
        new_mean = running_mean + (1 - momentum) * (mean - running_mean)
        new_var = running_var + (1 - momentum) * (var - running_var)
    else:
        mean, var = running_mean, running_var
        new_mean, new_var = np.copy(running_mean), np.copy(running_var)
    x_hat = (x - mean) * (1.0 / np.sqrt(var + epsilon))
    return x_hat * gamma + beta, new_mean, new_var
