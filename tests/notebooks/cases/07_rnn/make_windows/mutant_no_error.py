# returns empty arrays instead of raising a ValueError for a series that is too short
def make_windows(series, window, horizon=1):
    series = np.asarray(series, dtype=np.float64)
    if series.ndim == 1:
        series = series[:, np.newaxis]
    n = max(len(series) - window - horizon + 1, 0)
    X = np.zeros((n, window, series.shape[1]))
    for i in range(n):
        X[i] = series[i : i + window]
    y = series[window - 1 + horizon :, 0].copy()
    return X, y
