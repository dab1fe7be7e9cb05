# mistake: no_stabilisation
# exponentiates the logits as they are: exp(1000) overflows
def softmax(z, temperature=1.0):
    z = np.asarray(z, dtype=np.float64) / temperature
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)
