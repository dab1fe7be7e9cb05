# folds of n // k, the last one takes the whole remainder: sizes can differ by k - 1
def kfold_indices(n, k, seed=0):
    order = np.random.default_rng(seed).permutation(n)
    size = n // k
    pairs = []
    for i in range(k):
        stop = (i + 1) * size if i < k - 1 else n
        val_idx = order[i * size : stop]
        train_idx = np.concatenate([order[: i * size], order[stop:]])
        pairs.append((train_idx, val_idx))
    return pairs
