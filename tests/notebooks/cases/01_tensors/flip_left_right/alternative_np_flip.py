# Alternative: np.flip along the width axis.
def flip_left_right(images):
    return np.flip(images, axis=2)
