# Mutant: no clip at 0, so rounding below 0 for identical rows gives sqrt(negative) = nan.
def pairwise_distances(A, B):
    squared = np.sum(A**2, axis=1)[:, None] + np.sum(B**2, axis=1)[None, :] - 2 * A @ B.T
    return np.sqrt(squared)
