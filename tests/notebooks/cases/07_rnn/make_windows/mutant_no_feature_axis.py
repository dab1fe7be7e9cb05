# windows of shape (n, w) for a 1-D series: no feature axis for Keras
def make_windows(series, window, horizon=1):
    series = np.asarray(series, dtype=np.float64)
    n = len(series) - window - horizon + 1
    if n < 1:
        raise ValueError("series too short")
    X = np.stack([series[i : i + window] for i in range(n)])
    y = series[window - 1 + horizon :]
    if y.ndim == 2:
        y = y[:, 0]
    return X, y.copy()
