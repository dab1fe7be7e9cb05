# mistake: off_by_one
# Mutant: off by one, starts at row and column 1 as if indices began at 1.
def crop_corner(images, size):
    return images[:, 1 : size + 1, 1 : size + 1]
