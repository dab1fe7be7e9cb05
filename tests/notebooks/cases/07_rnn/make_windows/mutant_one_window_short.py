# mistake: off_by_one_window
# one example too few: n = T - window - horizon, the last window is lost
def make_windows(series, window, horizon=1):
    series = np.asarray(series, dtype=np.float64)
    if series.ndim == 1:
        series = series[:, np.newaxis]
    n = len(series) - window - horizon
    if n < 1:
        raise ValueError("series too short")
    X = np.stack([series[i : i + window] for i in range(n)])
    y = series[window - 1 + horizon : window - 1 + horizon + n, 0].copy()
    return X, y
