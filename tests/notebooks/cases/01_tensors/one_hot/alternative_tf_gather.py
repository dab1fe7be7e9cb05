# Alternative: tf.gather of the rows of tf.eye, after a range check.
def one_hot(labels, num_classes):
    labels = tf.convert_to_tensor(labels)
    if tf.reduce_any(labels < 0) or tf.reduce_any(labels >= num_classes):
        raise ValueError(f"labels must be in 0 .. {num_classes - 1}")
    return tf.gather(tf.eye(num_classes, dtype=tf.float32), labels)
