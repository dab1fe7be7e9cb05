# mistake: variance_ddof
# the sample variance (ddof=1, divided by n - 1), for the output and the running variance
def batchnorm_forward(
    x, gamma, beta, running_mean, running_var, training, momentum=0.99, epsilon=1e-3
):
    x = np.asarray(x, dtype=np.float64)
    if training:
        mean, var = x.mean(axis=0), x.var(axis=0, ddof=1)
        running_mean = momentum * running_mean + (1 - momentum) * mean
        running_var = momentum * running_var + (1 - momentum) * var
    else:
        mean, var = running_mean, running_var
    return gamma * (x - mean) / np.sqrt(var + epsilon) + beta, running_mean, running_var
