# scikit-learn's KFold with shuffling: other folds than np.array_split, equally valid
def kfold_indices(n, k, seed=0):
    from sklearn.model_selection import KFold

    splitter = KFold(n_splits=k, shuffle=True, random_state=seed)
    return list(splitter.split(np.zeros((n, 1))))
