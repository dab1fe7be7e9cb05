# sliding_window_view over a -inf padded copy, then a max over the window axes
def max_pool2d(X, pool_size=2, stride=None, padding="valid"):
    stride = stride if stride is not None else pool_size
    X = np.asarray(X, dtype=np.float64)
    if padding == "same":
        pads = []
        for size in X.shape[1:3]:
            total = max(
                (conv_output_size(size, pool_size, stride, "same") - 1) * stride + pool_size - size,
                0,
            )
            pads.append((total // 2, total - total // 2))
        X = np.pad(X, ((0, 0), *pads, (0, 0)), constant_values=-np.inf)
    windows = np.lib.stride_tricks.sliding_window_view(X, (pool_size, pool_size), axis=(1, 2))
    return windows[:, ::stride, ::stride].max(axis=(-2, -1))
