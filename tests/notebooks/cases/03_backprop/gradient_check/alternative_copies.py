# never touches the caller's arrays: a fresh dict with a perturbed copy for every call
def gradient_check(loss_fn, params, grads, eps=1e-5):
    errors = {}
    for key, theta in params.items():
        flat = theta.reshape(-1)
        numerical = np.empty(flat.size)
        for i in range(flat.size):
            plus, minus = flat.copy(), flat.copy()
            plus[i] += eps
            minus[i] -= eps
            loss_plus = loss_fn({**params, key: plus.reshape(theta.shape)})
            loss_minus = loss_fn({**params, key: minus.reshape(theta.shape)})
            numerical[i] = (loss_plus - loss_minus) / (2 * eps)
        analytic = np.asarray(grads[key], dtype=np.float64).reshape(-1)
        scale = np.linalg.norm(numerical) + np.linalg.norm(analytic)
        errors[key] = float(np.linalg.norm(numerical - analytic) / max(scale, 1e-12))
    return errors
