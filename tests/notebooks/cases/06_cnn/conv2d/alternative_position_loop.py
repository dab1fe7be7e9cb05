# a loop over output positions with np.tensordot over (k_h, k_w, c), padding computed inline
def conv2d(X, W, b, stride=1, padding="valid"):
    X = np.array(X, dtype=np.float64)
    n, h, w, c = X.shape
    k_h, k_w, _, d = np.shape(W)
    if padding == "same":
        h_out, w_out = -(-h // stride), -(-w // stride)
        p_h = max((h_out - 1) * stride + k_h - h, 0)
        p_w = max((w_out - 1) * stride + k_w - w, 0)
        top, left = p_h // 2, p_w // 2
        X = np.pad(X, ((0, 0), (top, p_h - top), (left, p_w - left), (0, 0)), mode="constant")
    else:
        h_out, w_out = (h - k_h) // stride + 1, (w - k_w) // stride + 1
    Y = np.empty((n, h_out, w_out, d))
    for i in range(h_out):
        for j in range(w_out):
            patch = X[:, i * stride : i * stride + k_h, j * stride : j * stride + k_w, :]
            Y[:, i, j, :] = np.tensordot(patch, W, axes=([1, 2, 3], [0, 1, 2])) + b
    return Y
