# theta.flat[i] as the index, the differences gathered in a list, the norms written out
def gradient_check(loss_fn, params, grads, eps=1e-5):
    errors = {}
    for key, theta in params.items():
        differences = []
        for i in range(theta.size):
            saved = theta.flat[i]
            theta.flat[i] = saved + eps
            loss_plus = loss_fn(params)
            theta.flat[i] = saved - eps
            loss_minus = loss_fn(params)
            theta.flat[i] = saved
            differences.append((loss_plus - loss_minus) / (2 * eps))
        numerical = np.array(differences).reshape(theta.shape)
        analytic = np.asarray(grads[key], dtype=np.float64)
        top = float(np.sqrt(np.sum((numerical - analytic) ** 2)))
        bottom = float(np.sqrt(np.sum(numerical**2)) + np.sqrt(np.sum(analytic**2)))
        errors[key] = top / max(bottom, 1e-12)
    return errors
