# divides by the temperature even when it is 0
def sample_with_temperature(logits, temperature, rng):
    scaled = np.asarray(logits, dtype=np.float64) / temperature
    weights = np.exp(scaled - scaled.max())
    return int(rng.choice(len(weights), p=weights / weights.sum()))
