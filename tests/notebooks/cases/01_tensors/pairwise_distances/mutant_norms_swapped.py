# Mutant: the squared lengths broadcast the wrong way round, (1, n) + (m, 1).
def pairwise_distances(A, B):
    squared = np.sum(A**2, axis=1)[None, :] + np.sum(B**2, axis=1)[:, None] - 2 * A @ B.T
    return np.sqrt(np.maximum(squared, 0.0))
