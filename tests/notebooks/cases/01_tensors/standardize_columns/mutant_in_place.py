# mistake: in_place
# Mutant: standardises X in place, changing the caller's array.
def standardize_columns(X):
    X -= X.mean(axis=0)
    std = X.std(axis=0)
    X /= np.where(std > 0, std, 1.0)
    return X
