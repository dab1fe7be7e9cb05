# averages each window instead of taking its maximum
def max_pool2d(X, pool_size=2, stride=None, padding="valid"):
    X = np.asarray(X, dtype=np.float64)
    stride = pool_size if stride is None else stride
    n, h, w, c = X.shape
    h_out = conv_output_size(h, pool_size, stride, padding)
    w_out = conv_output_size(w, pool_size, stride, padding)
    if padding == "same":
        p_h = max((h_out - 1) * stride + pool_size - h, 0)
        p_w = max((w_out - 1) * stride + pool_size - w, 0)
        X = np.pad(
            X,
            ((0, 0), (p_h // 2, p_h - p_h // 2), (p_w // 2, p_w - p_w // 2), (0, 0)),
            constant_values=-np.inf,
        )
    Y = np.zeros((n, h_out, w_out, c))
    for u in range(pool_size):
        for v in range(pool_size):
            window = X[
                :,
                u : u + stride * (h_out - 1) + 1 : stride,
                v : v + stride * (w_out - 1) + 1 : stride,
                :,
            ]
            Y = Y + window / pool_size**2
    return Y
