# Mutant: TensorFlow without the clip at 0 (nan for identical rows).
def pairwise_distances(A, B):
    A, B = tf.convert_to_tensor(A), tf.convert_to_tensor(B)
    squared_A = tf.reduce_sum(A * A, axis=1, keepdims=True)
    squared_B = tf.reduce_sum(B * B, axis=1)
    return tf.sqrt(squared_A + squared_B - 2.0 * tf.matmul(A, B, transpose_b=True))
