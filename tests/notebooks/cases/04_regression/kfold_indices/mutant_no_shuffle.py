# cuts 0..n-1 in order: consecutive blocks, never shuffled
def kfold_indices(n, k, seed=0):
    folds = np.array_split(np.arange(n), k)
    return [
        (np.concatenate([f for j, f in enumerate(folds) if j != i]), val)
        for i, val in enumerate(folds)
    ]
