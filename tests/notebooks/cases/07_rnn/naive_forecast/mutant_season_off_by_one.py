# mistake: off_by_one
# seasonal position w + h - m: one step after s[tau - m]
def naive_forecast(X, horizon=1, season=None):
    X = np.asarray(X, dtype=np.float64)
    if season is None:
        return X[:, -1, 0].copy()
    position = X.shape[1] + horizon - season
    if season < horizon or position < 0 or position >= X.shape[1]:
        raise ValueError("season does not fit")
    return X[:, position, 0].copy()
