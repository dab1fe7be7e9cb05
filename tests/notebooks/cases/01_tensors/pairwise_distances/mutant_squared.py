# Mutant: returns the squared distances (forgets the square root).
def pairwise_distances(A, B):
    squared = np.sum(A**2, axis=1)[:, None] + np.sum(B**2, axis=1)[None, :] - 2 * A @ B.T
    return np.maximum(squared, 0.0)
