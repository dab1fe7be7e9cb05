# mistake: dropout_not_scaled
# drops entries but never divides the kept ones by 1 - rate: activations shrink on average
def dropout_forward(x, rate, training, rng):
    if not 0 <= rate < 1:
        raise ValueError(f"rate must be in [0, 1), got {rate}")
    x = np.asarray(x)
    if not training:
        return x
    return x * (rng.random(x.shape) < 1 - rate)
