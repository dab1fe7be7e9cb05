# uniform numbers compared with the rate (kept when >= rate), and np.where for the output
def dropout_forward(x, rate, training, rng):
    if not (0.0 <= rate < 1.0):
        raise ValueError("rate must satisfy 0 <= rate < 1")
    x = np.array(x, dtype=np.float64)  # a copy
    if training:
        keep = rng.uniform(0.0, 1.0, size=x.shape) >= rate
        x = np.where(keep, x / (1.0 - rate), 0.0)
    return x
