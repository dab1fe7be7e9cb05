# Mutant: uses keras.utils.to_categorical, which the exercise rules out.
def one_hot(labels, num_classes):
    labels = np.asarray(labels)
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(f"labels must be in 0 .. {num_classes - 1}")
    return keras.utils.to_categorical(labels, num_classes).astype(np.float32)
