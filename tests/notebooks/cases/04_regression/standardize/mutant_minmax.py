# min-max scaling into [0, 1] instead of a z-score
def standardize(X_train, X_other):
    X_train = np.asarray(X_train, dtype=np.float64)
    X_other = np.asarray(X_other, dtype=np.float64)
    low, high = X_train.min(axis=0), X_train.max(axis=0)
    span = np.where(high == low, 1.0, high - low)
    return (X_train - low) / span, (X_other - low) / span
