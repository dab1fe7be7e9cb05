# mistake: entry_not_restored
# += eps, -= 2 * eps, += eps: floating-point addition does not always give the value back
def gradient_check(loss_fn, params, grads, eps=1e-5):
    errors = {}
    for key, theta in params.items():
        numerical = np.zeros(theta.shape)
        for index in np.ndindex(theta.shape):
            theta[index] += eps
            loss_plus = loss_fn(params)
            theta[index] -= 2 * eps
            loss_minus = loss_fn(params)
            theta[index] += eps
            numerical[index] = (loss_plus - loss_minus) / (2 * eps)
        analytic = np.asarray(grads[key], dtype=np.float64)
        scale = np.linalg.norm(numerical) + np.linalg.norm(analytic)
        errors[key] = float(np.linalg.norm(numerical - analytic) / max(scale, 1e-12))
    return errors
