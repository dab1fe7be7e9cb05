# mistake: no_stabilisation
# raises the softmax probabilities to the power 1/T: every one underflows to 0 when T is tiny
def sample_with_temperature(logits, temperature, rng):
    logits = np.asarray(logits, dtype=np.float64)
    if temperature == 0:
        return int(np.argmax(logits))
    probabilities = np.exp(logits - logits.max())
    probabilities = probabilities / probabilities.sum()
    weights = probabilities ** (1.0 / temperature)
    return int(rng.choice(len(weights), p=weights / weights.sum()))
