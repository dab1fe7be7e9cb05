# greedy decoding whatever the temperature
def sample_with_temperature(logits, temperature, rng):
    return int(np.argmax(logits))
