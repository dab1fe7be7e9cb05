# mistake: off_by_one
# Mutant: off by one, one column too many.
def one_hot(labels, num_classes):
    labels = np.asarray(labels)
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(f"labels must be in 0 .. {num_classes - 1}")
    rows = np.zeros((len(labels), num_classes + 1), dtype=np.float32)
    rows[np.arange(len(labels)), labels] = 1.0
    return rows
