# Mutant: negative slices take the bottom-right corner instead of the top-left one.
def crop_corner(images, size):
    return images[:, -size:, -size:]
