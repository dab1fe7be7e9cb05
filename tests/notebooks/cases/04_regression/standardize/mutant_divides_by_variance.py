# divides by the variance instead of the standard deviation
def standardize(X_train, X_other):
    X_train = np.asarray(X_train, dtype=np.float64)
    X_other = np.asarray(X_other, dtype=np.float64)
    mean, var = X_train.mean(axis=0), X_train.var(axis=0)
    var = np.where(var == 0.0, 1.0, var)
    return (X_train - mean) / var, (X_other - mean) / var
