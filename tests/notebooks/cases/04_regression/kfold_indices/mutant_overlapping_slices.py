# mistake: off_by_one
# off by one: each validation slice takes one index of the next fold too
def kfold_indices(n, k, seed=0):
    order = np.random.default_rng(seed).permutation(n)
    bounds = np.linspace(0, n, k + 1).round().astype(int)
    pairs = []
    for i in range(k):
        val_idx = order[bounds[i] : bounds[i + 1] + 1]
        train_idx = np.setdiff1d(order, val_idx)
        pairs.append((train_idx, val_idx))
    return pairs
