# Alternative: tf.reverse along axis 2.
def flip_left_right(images):
    return tf.reverse(images, axis=[2])
