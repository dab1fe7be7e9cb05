# np.split at the two boundaries
def split_in_time(X, y, n_val, n_test):
    n_train = len(X) - n_val - n_test
    if n_train <= 0:
        raise ValueError("no training examples")
    cuts = [n_train, n_train + n_val]
    X_parts, y_parts = np.split(X, cuts), np.split(y, cuts)
    return tuple(zip(X_parts, y_parts, strict=True))
