# mistake: off_by_one
# Mutant: off by one, treats the stop of a slice as included (size + 1 rows and columns).
def crop_corner(images, size):
    return images[:, : size + 1, : size + 1]
