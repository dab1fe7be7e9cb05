# Mutant: counts the classes from the largest label instead of using num_classes.
def one_hot(labels, num_classes):
    labels = np.asarray(labels)
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(f"labels must be in 0 .. {num_classes - 1}")
    k = int(labels.max()) + 1
    return np.eye(k, dtype=np.float32)[labels]
