# the mask from rng.binomial(1, 1 - rate): one Bernoulli draw per entry, 1 for a kept one
def dropout_forward(x, rate, training, rng):
    if rate < 0 or rate >= 1:
        raise ValueError(f"dropout rate must be in [0, 1), got {rate}")
    if not training:
        return x
    mask = rng.binomial(1, 1 - rate, size=np.shape(x))
    return np.asarray(x) * mask / (1 - rate)
