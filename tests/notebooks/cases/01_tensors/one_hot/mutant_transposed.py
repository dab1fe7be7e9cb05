# mistake: transposed
# Mutant: transposed, one column per example (shape (k, n)).
def one_hot(labels, num_classes):
    labels = np.asarray(labels)
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(f"labels must be in 0 .. {num_classes - 1}")
    return (np.arange(num_classes)[:, None] == labels[None, :]).astype(np.float32)
