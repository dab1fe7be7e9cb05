# replaces: make_windows
# a make_windows whose targets are one step early: train_forecaster keeps its points
def make_windows(series, window, horizon=1):
    series = np.asarray(series, dtype=np.float64)
    if series.ndim == 1:
        series = series[:, np.newaxis]
    n = len(series) - window - horizon + 1
    if n < 1:
        raise ValueError("the series is too short")
    X = np.stack([series[i : i + window] for i in range(n)])
    y = series[window - 2 + horizon : window - 2 + horizon + n, 0].copy()
    return X, y
