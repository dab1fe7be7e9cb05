# Alternative: tf.gather of the even row indices along axis 1.
def every_other_row(images):
    return tf.gather(images, tf.range(0, images.shape[1], 2), axis=1)
