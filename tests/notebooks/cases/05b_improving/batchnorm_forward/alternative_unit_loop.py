# one unit (column) at a time, with np.std (population, ddof=0) squared for the variance
def batchnorm_forward(
    x, gamma, beta, running_mean, running_var, training, momentum=0.99, epsilon=1e-3
):
    x = np.asarray(x, dtype=np.float64)
    y = np.empty_like(x)
    new_mean = np.array(running_mean, dtype=np.float64)
    new_var = np.array(running_var, dtype=np.float64)
    for j in range(x.shape[1]):
        column = x[:, j]
        if training:
            mean, var = column.mean(), np.std(column) ** 2
            new_mean[j] = momentum * running_mean[j] + (1 - momentum) * mean
            new_var[j] = momentum * running_var[j] + (1 - momentum) * var
        else:
            mean, var = running_mean[j], running_var[j]
        y[:, j] = gamma[j] * (column - mean) / np.sqrt(var + epsilon) + beta[j]
    return y, new_mean, new_var
