# mistake: wrong_axis
# Mutant: reverses the last axis, which is the channels when there are channels.
def flip_left_right(images):
    return images[..., ::-1]
