# exp(z - logsumexp(z)) with scipy's logsumexp, shifting after dividing by the temperature
def softmax(z, temperature=1.0):
    from scipy.special import logsumexp

    scaled = np.asarray(z, dtype=np.float64) / temperature
    return np.exp(scaled - logsumexp(scaled, axis=-1, keepdims=True))
