# a loop over output positions; "same" handled by clipping each window to the input
def max_pool2d(X, pool_size=2, stride=None, padding="valid"):
    X = np.asarray(X, dtype=np.float64)
    s = stride or pool_size
    n, h, w, c = X.shape
    if padding == "same":
        h_out, w_out = -(-h // s), -(-w // s)
        top = max((h_out - 1) * s + pool_size - h, 0) // 2
        left = max((w_out - 1) * s + pool_size - w, 0) // 2
    else:
        h_out, w_out = (h - pool_size) // s + 1, (w - pool_size) // s + 1
        top = left = 0
    Y = np.empty((n, h_out, w_out, c))
    for i in range(h_out):
        for j in range(w_out):
            r0, c0 = i * s - top, j * s - left
            rows = slice(max(r0, 0), min(r0 + pool_size, h))
            cols = slice(max(c0, 0), min(c0 + pool_size, w))
            Y[:, i, j, :] = X[:, rows, cols, :].max(axis=(1, 2))
    return Y
