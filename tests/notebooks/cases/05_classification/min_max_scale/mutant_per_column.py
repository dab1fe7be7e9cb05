# mistake: per_feature_min_max
# a minimum and maximum per column (per pixel), with a guard against dividing by 0
def min_max_scale(X_train, X_val, X_test):
    x_min, x_max = X_train.min(axis=0), X_train.max(axis=0)
    span = np.where(x_max > x_min, x_max - x_min, 1.0)
    return tuple((np.asarray(X, dtype=np.float64) - x_min) / span for X in (X_train, X_val, X_test))
