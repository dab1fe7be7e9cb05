# returns an empty training block instead of raising a ValueError
def split_in_time(X, y, n_val, n_test):
    n_train = max(len(X) - n_val - n_test, 0)
    return (
        (X[:n_train], y[:n_train]),
        (X[n_train : n_train + n_val], y[n_train : n_train + n_val]),
        (X[n_train + n_val :], y[n_train + n_val :]),
    )
