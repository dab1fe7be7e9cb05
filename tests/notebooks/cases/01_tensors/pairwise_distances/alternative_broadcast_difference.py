# Alternative: broadcast the difference to (n, m, d); exact, but uses n * m * d memory.
def pairwise_distances(A, B):
    A, B = np.asarray(A), np.asarray(B)
    difference = A[:, np.newaxis, :] - B[np.newaxis, :, :]
    return np.sqrt(np.sum(difference**2, axis=-1))
