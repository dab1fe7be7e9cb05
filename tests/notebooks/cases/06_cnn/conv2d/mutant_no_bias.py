# mistake: missing_bias
# forgets to add the bias
def conv2d(X, W, b, stride=1, padding="valid"):
    X = np.asarray(X, dtype=np.float64)
    W = np.asarray(W, dtype=np.float64)
    n, h, w, c = X.shape
    k_h, k_w, _, d = W.shape
    h_out = conv_output_size(h, k_h, stride, padding)
    w_out = conv_output_size(w, k_w, stride, padding)
    if padding == "same":
        p_h = max((h_out - 1) * stride + k_h - h, 0)
        p_w = max((w_out - 1) * stride + k_w - w, 0)
        X = np.pad(X, ((0, 0), (p_h // 2, p_h - p_h // 2), (p_w // 2, p_w - p_w // 2), (0, 0)))
    Y = np.zeros((n, h_out, w_out, d))
    for u in range(k_h):
        for v in range(k_w):
            window = X[
                :,
                u : u + stride * (h_out - 1) + 1 : stride,
                v : v + stride * (w_out - 1) + 1 : stride,
                :,
            ]
            Y += window @ W[u, v]
    return Y
