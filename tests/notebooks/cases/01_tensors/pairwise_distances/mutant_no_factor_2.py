# Mutant: forgets the factor 2 of the cross term.
def pairwise_distances(A, B):
    squared = np.sum(A**2, axis=1)[:, None] + np.sum(B**2, axis=1)[None, :] - A @ B.T
    return np.sqrt(np.maximum(squared, 0.0))
