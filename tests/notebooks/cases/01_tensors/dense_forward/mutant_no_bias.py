# mistake: missing_bias
# Mutant: forgets the bias.
def dense_forward(X, W, b):
    X, W, b = tf.convert_to_tensor(X), tf.convert_to_tensor(W), tf.convert_to_tensor(b)
    if len(X.shape) != 2 or len(W.shape) != 2 or len(b.shape) != 1:
        raise ValueError(f"bad ranks: X {X.shape}, W {W.shape}, b {b.shape}")
    if X.shape[1] != W.shape[0] or b.shape[0] != W.shape[1]:
        raise ValueError(f"shapes do not fit: X {X.shape}, W {W.shape}, b {b.shape}")
    return tf.matmul(X, W)
