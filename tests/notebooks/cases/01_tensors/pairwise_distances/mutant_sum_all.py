# Mutant: sums the squares of all the entries instead of each row's.
def pairwise_distances(A, B):
    squared = np.sum(A**2) + np.sum(B**2) - 2 * A @ B.T
    return np.sqrt(np.maximum(squared, 0.0))
