# mistake: batch_stats_at_inference
# always normalises with the batch's statistics; only the update depends on `training`
def batchnorm_forward(
    x, gamma, beta, running_mean, running_var, training, momentum=0.99, epsilon=1e-3
):
    x = np.asarray(x, dtype=np.float64)
    mean, var = x.mean(axis=0), x.var(axis=0)
    y = gamma * (x - mean) / np.sqrt(var + epsilon) + beta
    if training:
        running_mean = momentum * running_mean + (1 - momentum) * mean
        running_var = momentum * running_var + (1 - momentum) * var
    return y, running_mean, running_var
