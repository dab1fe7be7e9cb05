# Mutant: no range check: -1 silently picks the last class, num_classes an IndexError.
def one_hot(labels, num_classes):
    return np.eye(num_classes, dtype=np.float32)[np.asarray(labels)]
