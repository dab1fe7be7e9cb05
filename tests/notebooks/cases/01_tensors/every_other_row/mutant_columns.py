# mistake: wrong_axis
# Mutant: takes every other column instead of every other row.
def every_other_row(images):
    return images[:, :, ::2]
