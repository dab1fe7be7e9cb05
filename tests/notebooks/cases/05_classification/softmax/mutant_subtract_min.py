# mistake: no_stabilisation
# subtracts each row's minimum instead of its maximum: the exponents become large and positive
def softmax(z, temperature=1.0):
    z = np.asarray(z, dtype=np.float64) / temperature
    e = np.exp(z - z.min(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)
