# shuffles the examples before cutting them into blocks: the random split of a time series
def split_in_time(X, y, n_val, n_test):
    order = np.random.default_rng(0).permutation(len(X))
    X, y = X[order], y[order]
    n_train = len(X) - n_val - n_test
    if n_train < 1:
        raise ValueError("nothing left to train on")
    return (
        (X[:n_train], y[:n_train]),
        (X[n_train : n_train + n_val], y[n_train : n_train + n_val]),
        (X[n_train + n_val :], y[n_train + n_val :]),
    )
