# "same" pads (k - 1) // 2 on every side: right for odd kernels at stride 1 only
def conv2d(X, W, b, stride=1, padding="valid"):
    X = np.asarray(X, dtype=np.float64)
    W = np.asarray(W, dtype=np.float64)
    k_h, k_w, _, d = W.shape
    if padding == "same":
        X = np.pad(
            X, ((0, 0), ((k_h - 1) // 2, (k_h - 1) // 2), ((k_w - 1) // 2, (k_w - 1) // 2), (0, 0))
        )
    n, h, w, c = X.shape
    h_out = (h - k_h) // stride + 1
    w_out = (w - k_w) // stride + 1
    Y = np.zeros((n, h_out, w_out, d))
    for i in range(h_out):
        for j in range(w_out):
            patch = X[:, i * stride : i * stride + k_h, j * stride : j * stride + k_w, :]
            Y[:, i, j, :] = np.tensordot(patch, W, axes=([1, 2, 3], [0, 1, 2]))
    return Y + b
