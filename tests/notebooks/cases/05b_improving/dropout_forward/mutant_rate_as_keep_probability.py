# mistake: rate_as_keep_probability
# keeps each entry with probability `rate` (and scales by 1 / rate, consistently): right
# only at rate 0.5
def dropout_forward(x, rate, training, rng):
    if not 0 <= rate < 1:
        raise ValueError(f"rate must be in [0, 1), got {rate}")
    x = np.asarray(x)
    if not training or rate == 0:
        return x
    keep = rng.random(x.shape) < rate
    return x * keep / rate
