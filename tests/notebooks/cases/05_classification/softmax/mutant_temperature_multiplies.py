# multiplies the logits by the temperature instead of dividing
def softmax(z, temperature=1.0):
    z = np.asarray(z, dtype=np.float64) * temperature
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)
