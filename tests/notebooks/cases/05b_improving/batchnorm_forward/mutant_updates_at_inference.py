# mistake: running_stats_at_inference
# normalises right, but updates the running statistics with the batch's at inference too
def batchnorm_forward(
    x, gamma, beta, running_mean, running_var, training, momentum=0.99, epsilon=1e-3
):
    x = np.asarray(x, dtype=np.float64)
    batch_mean, batch_var = x.mean(axis=0), x.var(axis=0)
    if training:
        mean, var = batch_mean, batch_var
    else:
        mean, var = running_mean, running_var
    y = gamma * (x - mean) / np.sqrt(var + epsilon) + beta
    new_mean = momentum * running_mean + (1 - momentum) * batch_mean
    new_var = momentum * running_var + (1 - momentum) * batch_var
    return y, new_mean, new_var
