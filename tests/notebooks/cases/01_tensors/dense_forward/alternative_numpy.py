# Alternative: NumPy arrays and NumPy's @, with the checks.
def dense_forward(X, W, b):
    X, W, b = np.asarray(X), np.asarray(W), np.asarray(b)
    if X.ndim != 2 or W.ndim != 2 or b.ndim != 1:
        raise ValueError(f"X and W must be 2-D and b 1-D, got {X.shape}, {W.shape}, {b.shape}")
    if X.shape[1] != W.shape[0]:
        raise ValueError(f"X has {X.shape[1]} columns but W has {W.shape[0]} rows")
    if b.shape != (W.shape[1],):
        raise ValueError(f"b has shape {b.shape}, expected ({W.shape[1]},)")
    return X @ W + b
