# mistake: dropout_at_inference
# the old "scaled activation" variant: drop without scaling in training, multiply by the keep
# probability at inference (the expectations match, but it is not what Keras or the task does)
def dropout_forward(x, rate, training, rng):
    if not 0 <= rate < 1:
        raise ValueError(f"rate must be in [0, 1), got {rate}")
    x = np.asarray(x)
    if not training:
        return x * (1 - rate)
    return x * (rng.random(x.shape) < 1 - rate)
