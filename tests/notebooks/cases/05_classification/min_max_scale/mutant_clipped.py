# mistake: clipped_to_unit_range
# clips every set to [0, 1]
def min_max_scale(X_train, X_val, X_test):
    x_min, x_max = X_train.min(), X_train.max()
    return tuple(
        np.clip((np.asarray(X, dtype=np.float64) - x_min) / (x_max - x_min), 0.0, 1.0)
        for X in (X_train, X_val, X_test)
    )
