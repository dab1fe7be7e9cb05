# Alternative: tf.einsum for the product, checks on the static shapes.
def dense_forward(X, W, b):
    X, W, b = (tf.convert_to_tensor(t, dtype=tf.float32) for t in (X, W, b))
    if X.shape.rank != 2 or W.shape.rank != 2 or b.shape.rank != 1:
        raise ValueError(f"X and W must be 2-D and b 1-D, got {X.shape}, {W.shape}, {b.shape}")
    if X.shape[1] != W.shape[0]:
        raise ValueError(f"inner sizes differ: X {X.shape}, W {W.shape}")
    if b.shape[0] != W.shape[1]:
        raise ValueError(f"b has {b.shape[0]} entries for {W.shape[1]} outputs")
    return tf.einsum("ni,io->no", X, W) + b
