# mistake: wrong_axis
# Mutant: np.flip without an axis reverses every axis.
def flip_left_right(images):
    return np.flip(images)
