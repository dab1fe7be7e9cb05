# fancy indexing with a matrix of time indices, in float32
def make_windows(series, window, horizon=1):
    series = np.asarray(series)
    if series.ndim == 1:
        series = series[:, None]
    n = series.shape[0] - (window + horizon - 1)
    if n <= 0:
        raise ValueError(f"need at least {window + horizon} values")
    times = np.arange(n)[:, None] + np.arange(window)[None, :]  # (n, w)
    X = series[times].astype(np.float32)
    y = series[np.arange(n) + window + horizon - 1, 0].astype(np.float32)
    return X, y
