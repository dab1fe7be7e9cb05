# Mutant: centres the columns and forgets to scale them.
def standardize_columns(X):
    X = np.asarray(X)
    return X - X.mean(axis=0)
