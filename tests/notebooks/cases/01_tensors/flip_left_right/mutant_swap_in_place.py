# mistake: in_place
# Mutant: swaps columns in place, so the caller's images are changed too.
def flip_left_right(images):
    width = images.shape[2]
    for j in range(width // 2):
        left = images[:, :, j].copy()
        images[:, :, j] = images[:, :, width - 1 - j]
        images[:, :, width - 1 - j] = left
    return images
