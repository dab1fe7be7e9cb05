# mistake: sample_std
# Mutant: the sample std (ddof=1) instead of the population std (ddof=0).
def standardize_columns(X):
    X = np.asarray(X)
    std = X.std(axis=0, ddof=1)
    return (X - X.mean(axis=0)) / np.where(std > 0, std, 1.0)
