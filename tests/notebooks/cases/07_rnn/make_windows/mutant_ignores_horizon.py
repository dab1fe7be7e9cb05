# mistake: off_by_one_window
# the target is always the next step: the horizon only shortens the list of windows
def make_windows(series, window, horizon=1):
    series = np.asarray(series, dtype=np.float64)
    if series.ndim == 1:
        series = series[:, np.newaxis]
    n = len(series) - window - horizon + 1
    if n < 1:
        raise ValueError("series too short")
    X = np.stack([series[i : i + window] for i in range(n)])
    y = series[window : window + n, 0].copy()
    return X, y
