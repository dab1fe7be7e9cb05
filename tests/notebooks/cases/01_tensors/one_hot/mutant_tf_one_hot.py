# Mutant: uses the built-in tf.one_hot, which the exercise rules out.
def one_hot(labels, num_classes):
    labels = np.asarray(labels)
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(f"labels must be in 0 .. {num_classes - 1}")
    return tf.one_hot(labels, num_classes)
