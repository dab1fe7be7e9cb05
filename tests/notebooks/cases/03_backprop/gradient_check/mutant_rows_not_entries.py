# mistake: perturbed_together
# theta[i] of a 2-D array is a whole row: the row is moved at once, one difference per row
def gradient_check(loss_fn, params, grads, eps=1e-5):
    errors = {}
    for key, theta in params.items():
        numerical = np.zeros(theta.shape)
        for i in range(len(theta)):
            saved = theta[i].copy()
            theta[i] = saved + eps
            loss_plus = loss_fn(params)
            theta[i] = saved - eps
            loss_minus = loss_fn(params)
            theta[i] = saved
            numerical[i] = (loss_plus - loss_minus) / (2 * eps)
        analytic = np.asarray(grads[key], dtype=np.float64)
        scale = np.linalg.norm(numerical) + np.linalg.norm(analytic)
        errors[key] = float(np.linalg.norm(numerical - analytic) / max(scale, 1e-12))
    return errors
