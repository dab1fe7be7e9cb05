# mistake: wrong_axis
# Mutant: slices the last two axes, which are height and width only without channels.
def crop_corner(images, size):
    return images[..., :size, :size]
