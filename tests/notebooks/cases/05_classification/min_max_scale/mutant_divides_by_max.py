# mistake: min_max_denominator
# (x - min) / max instead of (x - min) / (max - min)
def min_max_scale(X_train, X_val, X_test):
    x_min, x_max = X_train.min(), X_train.max()
    return tuple(
        (np.asarray(X, dtype=np.float64) - x_min) / x_max for X in (X_train, X_val, X_test)
    )
