# mistake: missing_epsilon
# Mutant: divides by the std as it is, so a constant column gives 0 / 0 = nan.
def standardize_columns(X):
    X = np.asarray(X)
    return (X - X.mean(axis=0)) / X.std(axis=0)
