# the targets keep the feature axis: shape (n, 1) instead of (n,)
def make_windows(series, window, horizon=1):
    series = np.asarray(series, dtype=np.float64)
    if series.ndim == 1:
        series = series[:, np.newaxis]
    n = len(series) - window - horizon + 1
    if n < 1:
        raise ValueError("the series is too short")
    X = np.stack([series[i : i + window] for i in range(n)])
    y = series[window - 1 + horizon :, :1].copy()
    return X, y
