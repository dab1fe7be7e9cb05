# Mutant: vectorised over B but a Python loop over the rows of A.
def pairwise_distances(A, B):
    D = np.zeros((len(A), len(B)))
    for i in range(len(A)):
        D[i] = np.sqrt(np.sum((B - A[i]) ** 2, axis=1))
    return D
