# Alternative: a loop over the rows to keep, stacked back on axis 1.
def every_other_row(images):
    rows = [images[:, i] for i in range(0, images.shape[1], 2)]
    return np.stack(rows, axis=1)
