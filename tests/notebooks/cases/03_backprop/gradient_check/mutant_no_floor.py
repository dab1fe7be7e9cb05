# mistake: relative_error_denominator
# no max(..., 1e-12): 0 / 0 = nan for a parameter whose gradients are both 0
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
            theta[index] = saved
            numerical[index] = (loss_plus - loss_minus) / (2 * eps)
        analytic = np.asarray(grads[key], dtype=np.float64)
        with np.errstate(invalid="ignore"):
            error = np.linalg.norm(numerical - analytic) / (
                np.linalg.norm(numerical) + np.linalg.norm(analytic)
            )
        errors[key] = float(error)
    return errors
