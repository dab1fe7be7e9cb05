# mistake: off_by_one
# folds of n // k indices each: the last n % k shuffled indices are never validated
def kfold_indices(n, k, seed=0):
    order = np.random.default_rng(seed).permutation(n)
    size = n // k
    pairs = []
    for i in range(k):
        val_idx = order[i * size : (i + 1) * size]
        train_idx = np.setdiff1d(order, val_idx)
        pairs.append((train_idx, val_idx))
    return pairs
