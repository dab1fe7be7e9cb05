# mistake: forward_difference
# (f(theta + eps) - f(theta)) / eps: an error of order eps, and theta - eps is never seen
def gradient_check(loss_fn, params, grads, eps=1e-5):
    errors = {}
    for key, theta in params.items():
        numerical = np.zeros(theta.shape)
        loss = loss_fn(params)
        for index in np.ndindex(theta.shape):
            saved = theta[index]
            theta[index] = saved + eps
            numerical[index] = (loss_fn(params) - loss) / eps
            theta[index] = saved
        analytic = np.asarray(grads[key], dtype=np.float64)
        scale = np.linalg.norm(numerical) + np.linalg.norm(analytic)
        errors[key] = float(np.linalg.norm(numerical - analytic) / max(scale, 1e-12))
    return errors
