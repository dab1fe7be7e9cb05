# inverse CDF: one uniform number from rng, located in the cumulative probabilities
def sample_with_temperature(logits, temperature, rng):
    logits = np.asarray(logits, dtype=np.float64)
    if temperature <= 0:
        return int(np.argmax(logits))
    scaled = logits / temperature
    probabilities = np.exp(scaled - np.max(scaled))
    cumulative = np.cumsum(probabilities / probabilities.sum())
    index = int(np.searchsorted(cumulative, rng.random(), side="right"))
    return min(index, len(logits) - 1)
