# no checks: a negative position wraps around to the end of the window instead of an error
def naive_forecast(X, horizon=1, season=None):
    X = np.asarray(X, dtype=np.float64)
    if season is None:
        return X[:, -1, 0].copy()
    return X[:, (X.shape[1] - 1 + horizon - season) % X.shape[1], 0].copy()
