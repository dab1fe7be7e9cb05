# mistake: off_by_one_window
# off-by-one target: y[i] = series[i + window - 2 + horizon], the window's last input when h = 1
def make_windows(series, window, horizon=1):
    series = np.asarray(series, dtype=np.float64)
    if series.ndim == 1:
        series = series[:, np.newaxis]
    n = len(series) - window - horizon + 1
    if n < 1:
        raise ValueError("series too short")
    X = np.stack([series[i : i + window] for i in range(n)])
    y = np.array([series[i + window - 2 + horizon, 0] for i in range(n)])
    return X, y
