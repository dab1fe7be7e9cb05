# Mutant: keeps the first half of the rows instead of every other row.
def every_other_row(images):
    height = images.shape[1]
    return images[:, : (height + 1) // 2]
