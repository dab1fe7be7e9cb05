# mistake: wrong_axis
# Mutant: slices the batch axis and the rows instead of the rows and the columns.
def crop_corner(images, size):
    return images[:size, :size]
