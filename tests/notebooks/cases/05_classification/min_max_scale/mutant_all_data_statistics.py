# mistake: held_out_statistics
# the minimum and maximum of all three sets together: the held-out data leaks into the scaling
def min_max_scale(X_train, X_val, X_test):
    everything = np.concatenate([X_train, X_val, X_test])
    x_min, x_max = everything.min(), everything.max()
    return tuple(
        (np.asarray(X, dtype=np.float64) - x_min) / (x_max - x_min)
        for X in (X_train, X_val, X_test)
    )
