# mistake: dropout_wrong_scale
# the course notes' inverted dropout: divides by the drop rate (right only at rate 0.5)
def dropout_forward(x, rate, training, rng):
    if not 0 <= rate < 1:
        raise ValueError(f"rate must be in [0, 1), got {rate}")
    x = np.asarray(x)
    if not training or rate == 0:
        return x
    keep = rng.random(x.shape) < 1 - rate
    return x * keep / rate
