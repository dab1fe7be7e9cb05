# mistake: off_by_one
# Mutant: off by one in the stop, so the last row is lost when the height is odd.
def every_other_row(images):
    height = images.shape[1]
    return images[:, 0 : height - 1 : 2]
