# mistake: dropout_shared_mask
# one mask of shape (d,) for the units, broadcast over the batch: every example loses the
# same units
def dropout_forward(x, rate, training, rng):
    if not 0 <= rate < 1:
        raise ValueError(f"rate must be in [0, 1), got {rate}")
    x = np.asarray(x)
    if not training:
        return x
    keep = rng.random(x.shape[-1]) < 1 - rate
    return x * keep / (1 - rate)
