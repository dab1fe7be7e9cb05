# CS231n's loop: np.nditer with multi_index over each array, changed in place and restored
def gradient_check(loss_fn, params, grads, eps=1e-5):
    errors = {}
    for key in params:
        x = params[key]
        numerical = np.zeros_like(x, dtype=np.float64)
        it = np.nditer(x, flags=["multi_index"], op_flags=[["readwrite"]])
        while not it.finished:
            ix = it.multi_index
            old = x[ix]
            x[ix] = old + eps
            fxph = loss_fn(params)
            x[ix] = old - eps
            fxmh = loss_fn(params)
            x[ix] = old
            numerical[ix] = (fxph - fxmh) / (2 * eps)
            it.iternext()
        g = np.asarray(grads[key], dtype=np.float64)
        denominator = np.sqrt(np.sum(numerical**2)) + np.sqrt(np.sum(g**2))
        if denominator == 0:
            errors[key] = 0.0
        else:
            errors[key] = float(np.sqrt(np.sum((numerical - g) ** 2)) / max(denominator, 1e-12))
    return errors
