# Alternative: a loop that sets one entry per row.
def one_hot(labels, num_classes):
    labels = [int(label) for label in labels]
    rows = np.zeros((len(labels), num_classes), dtype=np.float32)
    for i, label in enumerate(labels):
        if not 0 <= label < num_classes:
            raise ValueError(f"label {label} is not in 0 .. {num_classes - 1}")
        rows[i, label] = 1.0
    return rows
