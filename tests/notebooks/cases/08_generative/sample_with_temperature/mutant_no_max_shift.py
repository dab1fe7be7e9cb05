# mistake: no_stabilisation
# exponentiates the scaled logits as they are: overflows for small temperatures
def sample_with_temperature(logits, temperature, rng):
    logits = np.asarray(logits, dtype=np.float64)
    if temperature == 0:
        return int(np.argmax(logits))
    weights = np.exp(logits / temperature)
    return int(rng.choice(len(weights), p=weights / weights.sum()))
