# Mutant: computes in float32 (tf.constant's default), losing the float64 of the inputs.
def pairwise_distances(A, B):
    A, B = tf.constant(A, dtype=tf.float32), tf.constant(B, dtype=tf.float32)
    squared_A = tf.reduce_sum(A * A, axis=1, keepdims=True)
    squared = squared_A + tf.reduce_sum(B * B, axis=1) - 2.0 * A @ tf.transpose(B)
    return tf.sqrt(tf.maximum(squared, 0.0))
