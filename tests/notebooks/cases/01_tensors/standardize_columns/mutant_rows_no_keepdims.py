# Mutant: axis=1 without keepdims, which only broadcasts when X is square.
def standardize_columns(X):
    X = np.asarray(X)
    std = X.std(axis=1)
    return (X - X.mean(axis=1)) / np.where(std > 0, std, 1.0)
