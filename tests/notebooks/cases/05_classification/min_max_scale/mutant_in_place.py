# mistake: in_place
# scales the caller's arrays in place (right values for float arrays; integer ones raise)
def min_max_scale(X_train, X_val, X_test):
    x_min, x_max = X_train.min(), X_train.max()
    for X in (X_train, X_val, X_test):
        X -= x_min
        X /= x_max - x_min
    return X_train, X_val, X_test
