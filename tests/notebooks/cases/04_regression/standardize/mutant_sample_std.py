# mistake: sample_std
# uses the sample standard deviation (ddof=1, pandas' default) instead of the population one
def standardize(X_train, X_other):
    X_train = np.asarray(X_train, dtype=np.float64)
    X_other = np.asarray(X_other, dtype=np.float64)
    mean, std = X_train.mean(axis=0), X_train.std(axis=0, ddof=1)
    std = np.where(std == 0.0, 1.0, std)
    return (X_train - mean) / std, (X_other - mean) / std
