# mistake: in_place
# subtracts and divides in place: the caller's float64 arrays are changed
def standardize(X_train, X_other):
    X_train = np.asarray(X_train, dtype=np.float64)
    X_other = np.asarray(X_other, dtype=np.float64)
    mean = X_train.mean(axis=0)
    std = X_train.std(axis=0)
    std[std == 0.0] = 1.0
    X_train -= mean
    X_train /= std
    X_other -= mean
    X_other /= std
    return X_train, X_other
