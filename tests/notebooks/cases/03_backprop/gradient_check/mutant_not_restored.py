# mistake: entry_not_restored
# leaves every entry at theta - eps: params change, and later differences are off
def gradient_check(loss_fn, params, grads, eps=1e-5):
    errors = {}
    for key, theta in params.items():
        numerical = np.zeros(theta.shape)
        for index in np.ndindex(theta.shape):
            saved = theta[index]
            theta[index] = saved + eps
            loss_plus = loss_fn(params)
            theta[index] = saved - eps
            loss_minus = loss_fn(params)
            numerical[index] = (loss_plus - loss_minus) / (2 * eps)
        analytic = np.asarray(grads[key], dtype=np.float64)
        scale = np.linalg.norm(numerical) + np.linalg.norm(analytic)
        errors[key] = float(np.linalg.norm(numerical - analytic) / max(scale, 1e-12))
    return errors
