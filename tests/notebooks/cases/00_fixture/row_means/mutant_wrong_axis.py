# averages each column (axis 0) instead of each row
def row_means(X):
    return np.asarray(X, dtype=float).mean(axis=0)
