# mistake: per_feature_min_max
# a minimum and maximum per column (per pixel): 0 / 0 for a constant column
def min_max_scale(X_train, X_val, X_test):
    x_min, x_max = X_train.min(axis=0), X_train.max(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return tuple(
            (np.asarray(X, dtype=np.float64) - x_min) / (x_max - x_min)
            for X in (X_train, X_val, X_test)
        )
