# one column at a time, with Python's statistics written out, into new arrays
def standardize(X_train, X_other):
    X_train = np.array(X_train, dtype=np.float64)  # copies: safe to write into
    X_other = np.array(X_other, dtype=np.float64)
    for j in range(X_train.shape[1]):
        column = X_train[:, j].copy()
        mean = column.sum() / len(column)
        std = np.sqrt(((column - mean) ** 2).sum() / len(column))
        if std == 0.0:
            std = 1.0
        X_train[:, j] = (column - mean) / std
        X_other[:, j] = (X_other[:, j] - mean) / std
    return X_train, X_other
