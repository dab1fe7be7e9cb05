# the validation block starts one example early: the last training example is in both
def split_in_time(X, y, n_val, n_test):
    n_train = len(X) - n_val - n_test
    if n_train < 1:
        raise ValueError("nothing left to train on")
    start = max(n_train - 1, 0)
    return (
        (X[:n_train], y[:n_train]),
        (X[start : start + n_val], y[start : start + n_val]),
        (X[n_train + n_val :], y[n_train + n_val :]),
    )
