# fold sizes computed by hand (the first n % k folds one larger), training set by a mask
def kfold_indices(n, k, seed=0):
    order = np.random.default_rng(seed).permutation(n)
    sizes = [n // k + (1 if i < n % k else 0) for i in range(k)]
    pairs, start = [], 0
    for size in sizes:
        val_idx = order[start : start + size]
        in_val = np.zeros(n, dtype=bool)
        in_val[val_idx] = True
        pairs.append((np.flatnonzero(~in_val), val_idx))
        start += size
    return pairs
