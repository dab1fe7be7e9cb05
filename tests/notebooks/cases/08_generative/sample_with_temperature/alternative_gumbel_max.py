# the Gumbel-max trick: argmax of the scaled logits plus Gumbel noise drawn from rng
def sample_with_temperature(logits, temperature, rng):
    logits = np.asarray(logits, dtype=np.float64)
    if temperature == 0:
        return int(np.argmax(logits))
    return int(np.argmax(logits / temperature + rng.gumbel(size=logits.shape)))
