# no check of the rate: rate 1 gives 0 / 0 = nan everywhere, a negative rate "works"
def dropout_forward(x, rate, training, rng):
    x = np.asarray(x)
    if not training:
        return x
    keep = rng.random(x.shape) < 1 - rate
    return x * keep / (1 - rate)
