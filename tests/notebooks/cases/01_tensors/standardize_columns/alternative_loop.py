# Alternative: a loop over the columns, writing into a new array.
def standardize_columns(X):
    X = np.asarray(X, dtype=np.float64)
    Z = np.zeros_like(X)
    for j in range(X.shape[1]):
        column = X[:, j]
        std = column.std()
        Z[:, j] = (column - column.mean()) / std if std > 0 else 0.0
    return Z
