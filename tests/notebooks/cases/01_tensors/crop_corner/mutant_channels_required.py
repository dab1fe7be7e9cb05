# Mutant: names four axes, so it only works for images with a channel axis.
def crop_corner(images, size):
    return images[:, :size, :size, :]
