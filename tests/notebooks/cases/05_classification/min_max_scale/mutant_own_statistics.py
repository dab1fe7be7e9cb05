# mistake: held_out_statistics
# each set scaled with its own minimum and maximum
def min_max_scale(X_train, X_val, X_test):
    return tuple(
        (np.asarray(X, dtype=np.float64) - X.min()) / (X.max() - X.min())
        for X in (X_train, X_val, X_test)
    )
