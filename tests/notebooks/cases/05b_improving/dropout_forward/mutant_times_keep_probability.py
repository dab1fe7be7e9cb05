# mistake: dropout_wrong_scale
# multiplies the kept entries by the keep probability instead of dividing by it
def dropout_forward(x, rate, training, rng):
    if not 0 <= rate < 1:
        raise ValueError(f"rate must be in [0, 1), got {rate}")
    x = np.asarray(x)
    if not training:
        return x
    keep = rng.random(x.shape) < 1 - rate
    return x * keep * (1 - rate)
