# Mutant: returns the comparison itself, booleans instead of float32.
def one_hot(labels, num_classes):
    labels = np.asarray(labels)
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(f"labels must be in 0 .. {num_classes - 1}")
    return labels[:, np.newaxis] == np.arange(num_classes)[np.newaxis, :]
