# mistake: relative_error_denominator
# norm(g_num - g) without a denominator: an absolute error, which depends on the scale
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
        errors[key] = float(np.linalg.norm(numerical - analytic))
    return errors
