# Alternative: vectorised over all pairs, with a short loop over the d features.
def pairwise_distances(A, B):
    A, B = np.asarray(A), np.asarray(B)
    squared = np.zeros((A.shape[0], B.shape[0]))
    for k in range(A.shape[1]):
        squared += (A[:, k, np.newaxis] - B[np.newaxis, :, k]) ** 2
    return np.sqrt(squared)
