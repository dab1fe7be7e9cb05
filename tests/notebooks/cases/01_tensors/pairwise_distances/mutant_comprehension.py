# Mutant: a list comprehension over the pairs, a loop in disguise.
def pairwise_distances(A, B):
    return np.array([[np.sqrt(np.sum((a - b) ** 2)) for b in B] for a in A])
