# shuffles with NumPy's global generator: the seed is ignored and runs differ
def kfold_indices(n, k, seed=0):
    order = np.random.permutation(n)
    folds = np.array_split(order, k)
    return [
        (np.concatenate([f for j, f in enumerate(folds) if j != i]), val)
        for i, val in enumerate(folds)
    ]
