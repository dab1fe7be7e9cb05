# Alternative: tf.einsum for the row lengths and the dot products, tf.nn.relu as the clip.
def pairwise_distances(A, B):
    A = tf.convert_to_tensor(A)
    B = tf.convert_to_tensor(B)
    squared_A = tf.einsum("id,id->i", A, A)[:, tf.newaxis]
    squared_B = tf.einsum("jd,jd->j", B, B)[tf.newaxis, :]
    dots = tf.einsum("id,jd->ij", A, B)
    return tf.sqrt(tf.nn.relu(squared_A + squared_B - 2.0 * dots))
