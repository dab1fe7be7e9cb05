# mistake: difference_not_halved
# the central difference divided by eps instead of 2 * eps: twice the gradient
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
            numerical[index] = (loss_plus - loss_minus) / eps
        analytic = np.asarray(grads[key], dtype=np.float64)
        scale = np.linalg.norm(numerical) + np.linalg.norm(analytic)
        errors[key] = float(np.linalg.norm(numerical - analytic) / max(scale, 1e-12))
    return errors
