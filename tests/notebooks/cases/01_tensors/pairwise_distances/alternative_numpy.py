# Alternative: the expansion in NumPy, with keepdims and np.maximum.
def pairwise_distances(A, B):
    A, B = np.asarray(A), np.asarray(B)
    squared = (A**2).sum(axis=1, keepdims=True) - 2.0 * A @ B.T + (B**2).sum(axis=1)
    return np.sqrt(np.maximum(squared, 0.0))
