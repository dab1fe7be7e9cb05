# replaces: kfold_indices
# a broken kfold_indices (folds of n // k: the remainder is never validated): it costs
# kfold_indices' points, not cross_validate's
def kfold_indices(n, k, seed=0):
    order = np.random.default_rng(seed).permutation(n)
    size = n // k
    pairs = []
    for i in range(k):
        val_idx = order[i * size : (i + 1) * size]
        train_idx = np.concatenate([order[: i * size], order[(i + 1) * size :]])
        pairs.append((train_idx, val_idx))
    return pairs
