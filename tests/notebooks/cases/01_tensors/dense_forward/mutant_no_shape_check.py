# Mutant: no shape checks; NumPy broadcasts b of shape (1,) and accepts a 1-D X silently.
def dense_forward(X, W, b):
    return np.asarray(X) @ np.asarray(W) + np.asarray(b)
