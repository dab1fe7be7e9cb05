# mistake: off_by_one
# Mutant: starts at row 1 (rows 1, 3, 5, ...).
def every_other_row(images):
    return images[:, 1::2]
