# Alternative: tf.slice with a begin and a size per axis (-1 keeps the rest of an axis).
def crop_corner(images, size):
    rank = len(images.shape)
    begin = [0] * rank
    sizes = [-1, size, size] + [-1] * (rank - 3)
    return tf.slice(images, begin, sizes)
