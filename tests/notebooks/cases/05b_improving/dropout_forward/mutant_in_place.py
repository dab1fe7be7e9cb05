# mistake: in_place
# multiplies the caller's array in place (np.asarray of a float64 array is that array)
def dropout_forward(x, rate, training, rng):
    if not 0 <= rate < 1:
        raise ValueError(f"rate must be in [0, 1), got {rate}")
    x = np.asarray(x)
    if not training:
        return x
    x *= rng.random(x.shape) < 1 - rate
    x /= 1 - rate
    return x
