# mistake: dropout_at_inference
# ignores `training`: drops and scales at inference too
def dropout_forward(x, rate, training, rng):
    if not 0 <= rate < 1:
        raise ValueError(f"rate must be in [0, 1), got {rate}")
    x = np.asarray(x)
    keep = rng.random(x.shape) < 1 - rate
    return x * keep / (1 - rate)
