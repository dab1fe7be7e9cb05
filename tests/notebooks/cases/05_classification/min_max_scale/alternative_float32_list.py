# float32 results, returned as a list, the range computed once
def min_max_scale(X_train, X_val, X_test):
    x_min = np.float32(np.min(X_train))
    x_range = np.float32(np.max(X_train)) - x_min
    return [(np.asarray(X, dtype=np.float32) - x_min) / x_range for X in (X_train, X_val, X_test)]
