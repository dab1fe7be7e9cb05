# NumPy's sliding_window_view, then dropping the windows that have no target
def make_windows(series, window, horizon=1):
    values = np.array(series, dtype=np.float64).reshape(len(series), -1)
    if len(values) < window + horizon:
        raise ValueError("the series is too short")
    views = np.lib.stride_tricks.sliding_window_view(values, window, axis=0)  # (T-w+1, f, w)
    X = np.transpose(views, (0, 2, 1))[: len(values) - window - horizon + 1].copy()
    y = values[window - 1 + horizon :, 0]
    return X, y
