# Mutant: crops the rows and forgets the columns.
def crop_corner(images, size):
    return images[:, :size]
