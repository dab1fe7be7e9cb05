# mistake: wrong_axis
# Mutant: reverses the rows (upside down) instead of the columns.
def flip_left_right(images):
    return images[:, ::-1]
