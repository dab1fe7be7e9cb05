# counts back from the end of the window: position -(season - horizon + 1)
def naive_forecast(X, horizon=1, season=None):
    X = np.asarray(X)
    if season is None:
        return X[:, -1, 0].astype(np.float64)
    back = season - horizon + 1  # steps back from the end; 1 is the last value
    if back < 1 or back > X.shape[1]:
        raise ValueError(f"season {season} does not fit a window of {X.shape[1]} steps")
    return X[:, -back, 0].astype(np.float64)
