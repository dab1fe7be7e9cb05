# Alternative: NumPy broadcasting of a column of labels against a row of classes.
def one_hot(labels, num_classes):
    labels = np.asarray(labels).reshape(-1, 1)
    if labels.size and not (labels.min() >= 0 and labels.max() < num_classes):
        raise ValueError("a label is out of range")
    return (labels == np.arange(num_classes)).astype(np.float32)
