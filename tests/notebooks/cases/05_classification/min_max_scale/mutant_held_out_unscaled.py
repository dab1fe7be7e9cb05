# mistake: held_out_not_scaled
# scales the training set only and returns the validation and test sets as they were
def min_max_scale(X_train, X_val, X_test):
    x_min, x_max = X_train.min(), X_train.max()
    return (np.asarray(X_train, dtype=np.float64) - x_min) / (x_max - x_min), X_val, X_test
