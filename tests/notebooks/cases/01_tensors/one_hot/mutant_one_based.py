# mistake: off_by_one
# Mutant: off by one, treats the labels as 1-based (label 0 lands in the last column).
def one_hot(labels, num_classes):
    labels = np.asarray(labels)
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(f"labels must be in 0 .. {num_classes - 1}")
    return np.eye(num_classes, dtype=np.float32)[labels - 1]
