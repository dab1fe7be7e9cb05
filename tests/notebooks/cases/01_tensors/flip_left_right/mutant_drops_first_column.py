# mistake: off_by_one
# Mutant: off by one, a stop of 0 leaves out column 0.
def flip_left_right(images):
    return images[:, :, -1:0:-1]
