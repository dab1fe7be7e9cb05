# Mutant: halves the width too, taking every other row and every other column.
def every_other_row(images):
    return images[:, ::2, ::2]
