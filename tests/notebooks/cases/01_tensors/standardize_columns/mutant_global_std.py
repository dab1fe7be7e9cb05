# mistake: wrong_axis
# Mutant: subtracts the column means but divides by the std of all the entries.
def standardize_columns(X):
    X = np.asarray(X)
    std = X.std()
    return (X - X.mean(axis=0)) / (std if std > 0 else 1.0)
