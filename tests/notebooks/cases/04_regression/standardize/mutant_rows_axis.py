# mistake: wrong_axis
# computes the statistics along the wrong axis: per example (row) instead of per feature
def standardize(X_train, X_other):
    X_train = np.asarray(X_train, dtype=np.float64)
    X_other = np.asarray(X_other, dtype=np.float64)
    outputs = []
    for X in (X_train, X_other):
        mean = X.mean(axis=1, keepdims=True)
        std = X.std(axis=1, keepdims=True)
        outputs.append((X - mean) / np.where(std == 0.0, 1.0, std))
    return outputs[0], outputs[1]
