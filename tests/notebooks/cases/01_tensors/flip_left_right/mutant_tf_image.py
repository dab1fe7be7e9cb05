# mistake: wrong_axis
# Mutant: tf.image.flip_left_right reads a rank-3 batch as one (height, width, channels) image.
def flip_left_right(images):
    return tf.image.flip_left_right(images)
