# Mutant: checks only that X's columns match W's rows, not the ranks or b.
def dense_forward(X, W, b):
    X, W, b = np.asarray(X), np.asarray(W), np.asarray(b)
    if X.shape[-1] != W.shape[0]:
        raise ValueError(f"X has {X.shape[-1]} columns but W has {W.shape[0]} rows")
    return X @ W + b
