# Mutant: divides by the variance instead of the standard deviation (no square root).
def standardize_columns(X):
    X = np.asarray(X)
    variance = X.var(axis=0, keepdims=True)
    return (X - X.mean(axis=0, keepdims=True)) / np.where(variance > 0, variance, 1.0)
