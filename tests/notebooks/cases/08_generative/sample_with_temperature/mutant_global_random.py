# draws with NumPy's global random state instead of rng
def sample_with_temperature(logits, temperature, rng):
    logits = np.asarray(logits, dtype=np.float64)
    if temperature == 0:
        return int(np.argmax(logits))
    scaled = logits / temperature
    weights = np.exp(scaled - scaled.max())
    return int(np.random.choice(len(weights), p=weights / weights.sum()))
