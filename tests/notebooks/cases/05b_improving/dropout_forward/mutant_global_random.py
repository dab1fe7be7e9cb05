# mistake: rng_not_used
# draws from NumPy's global generator, not from `rng`: a seed does not reproduce the mask
def dropout_forward(x, rate, training, rng):
    if not 0 <= rate < 1:
        raise ValueError(f"rate must be in [0, 1), got {rate}")
    x = np.asarray(x)
    if not training:
        return x
    keep = np.random.random(x.shape) < 1 - rate
    return x * keep / (1 - rate)
