# Alternative: one example at a time, a loop over the rows of X.
def dense_forward(X, W, b):
    X, W, b = np.asarray(X), np.asarray(W), np.asarray(b)
    if X.ndim != 2 or W.ndim != 2 or b.ndim != 1:
        raise ValueError(f"X and W must be 2-D and b 1-D, got {X.shape}, {W.shape}, {b.shape}")
    if X.shape[1] != W.shape[0] or len(b) != W.shape[1]:
        raise ValueError(f"shapes do not fit: X {X.shape}, W {W.shape}, b {b.shape}")
    Y = np.zeros((X.shape[0], W.shape[1]), dtype=np.float32)
    for i in range(X.shape[0]):
        Y[i] = X[i] @ W + b
    return Y
