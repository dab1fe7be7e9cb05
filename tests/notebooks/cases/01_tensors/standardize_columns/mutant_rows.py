# mistake: wrong_axis
# Mutant: standardises the rows (axis=1) instead of the columns.
def standardize_columns(X):
    X = np.asarray(X)
    mean = X.mean(axis=1, keepdims=True)
    std = X.std(axis=1, keepdims=True)
    return (X - mean) / np.where(std > 0, std, 1.0)
